// The REST API's types, as the UI names them: aliases onto the declarations generated from
// docs/openapi.yaml (./schema.d.ts, `npm run gen:api`). Nothing here restates a field the schema
// already gives; what is written by hand is one of:
//   - a narrowing (`Narrow<...>`) where the schema is looser than what the server sends (a plain
//     string for an enum, an untyped object): each says which serializer field should be tightened,
//     after which the narrowing can go;
//   - shapes the schema does not describe at all: error bodies, the event streams' payloads, the
//     query parameters of /runs/, and the few responses drf-spectacular sees as a bare object.

import type { components } from './schema';

type Schemas = components['schemas'];

/** `T` with the fields of `U` replaced by `U`'s (more precise) types. */
type Narrow<T, U> = Omit<T, keyof U> & U;

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** DRF pagination envelope of the paged lists (runs, models, datasets, audit log, deliveries). */
export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Body of every error response; `errors` keys are dotted field paths such as "config.kd.temperature". */
export interface ApiErrorBody {
  detail?: string;
  errors?: Record<string, string[] | string>;
}

// --- accounts and workspaces -------------------------------------------------------------------

export type User = Schemas['UserOutput'];

export type LoginRequest = Schemas['LoginApiInputRequest'];

export type ApiToken = Schemas['TokenOutput'];

export type CreatedApiToken = Schemas['TokenListApiCreatedOutput'];

export type WorkspaceRole = Schemas['RoleEnum'];

export const WORKSPACE_ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'member', 'viewer'];

/** Tighten: WorkspaceOutput.role and MemberOutput.role as ChoiceField(Role.choices). */
export type Workspace = Narrow<Schemas['WorkspaceOutput'], { role: WorkspaceRole }>;

export type WorkspaceMember = Narrow<Schemas['MemberOutput'], { role: WorkspaceRole }>;

export type WorkspaceDetail = Narrow<Schemas['WorkspaceDetailApiOutput'], { role: WorkspaceRole; members: WorkspaceMember[] }>;

/**
 * POST /invitations/{token}/accept/. Tighten: the view answers MemberOutput plus `workspace` (the
 * slug), but the schema names plain MemberOutput.
 */
export type InvitationAccepted = WorkspaceMember & { workspace: string };

// --- methods, models, datasets -----------------------------------------------------------------

export type MethodFamily = 'distillation' | 'alignment' | 'continual';

export type MethodRequires = Schemas['MethodRequiresOutput'];

/** A JSON Schema document as produced by pydantic (draft 2020-12 style, with $defs and $ref). */
export type JsonSchema = Record<string, unknown>;

export interface MethodPaper {
  title: string;
  url: string;
}

/**
 * Tighten: MethodOutput.family as a ChoiceField of the engine's families, `paper` as a
 * {title, url} serializer and `schema` as an object (all three are untyped in the schema).
 */
export type Method = Narrow<Schemas['MethodOutput'], {
  family: MethodFamily | (string & {});
  paper: MethodPaper;
  schema: JsonSchema;
}>;

/** SourceEnum, plus `imported` (models brought in by a history import). */
export type ModelSource = Schemas['SourceEnum'] | 'imported';

/** Tighten: ModelOutput.source as ChoiceField(Model.Source.choices); `config` as a dict field. */
export type Model = Narrow<Schemas['ModelOutput'], {
  source: ModelSource;
  config: Record<string, unknown> | null;
}>;

/** A model named in a lineage or on a soup: its id and name. */
export interface ModelRef {
  id: number;
  name: string;
}

/** POST /models/ as JSON: one of the sources, with the field it needs (uploads go as multipart). */
export type ModelRegisterRequest =
  | { workspace: string; name: string; source: 'path'; path: string }
  | { workspace: string; name: string; source: 'config'; config: Record<string, unknown>; tokenizer_path?: string }
  | { workspace: string; name: string; source: 'run'; run: number; artifact?: number }
  | { workspace: string; name: string; source: 'soup'; ingredients: number[] }
  | { workspace: string; name: string; source: 'hub'; hub_id: string };

export type DatasetKind = Schemas['DatasetKindEnum'];

/** The server's KindEnum with its labels (openapi.yaml), less task-sequence (not an upload). */
export const DATASET_KINDS: readonly { value: DatasetKind; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'prompt-completion', label: 'Prompt / completion' },
  { value: 'chat', label: 'Chat' },
  { value: 'preference', label: 'Preference' },
  { value: 'classification', label: 'Classification' },
];

/** Tighten: DatasetOutput.kind (and DatasetDetailApiOutput.kind) as ChoiceField(DatasetKind). */
export type Dataset = Narrow<Schemas['DatasetOutput'], { kind: DatasetKind | (string & {}) }>;

export type DatasetDetail = Narrow<Schemas['DatasetDetailApiOutput'], { kind: DatasetKind | (string & {}) }>;

export type TaskSequenceTask = Schemas['TaskOutput'];

export type DatasetRef = Schemas['TaskMemberOutput'];

/** POST /datasets/ as JSON: a task sequence made of existing datasets, in training order. */
export interface TaskSequenceCreateRequest {
  workspace: string;
  name: string;
  kind: 'task-sequence';
  tasks: Schemas['TaskInputRequest'][];
}

// --- runs ---------------------------------------------------------------------------------------

export interface RunProgress {
  step: number;
  total: number | null;
  eta_s: number | null;
  tokens_per_s: number | null;
}

export interface RunResources {
  /** 0 means CPU. */
  gpus: number;
  /** Hosts the run spans, each with `gpus` GPUs (default 1). */
  nodes?: number;
}

/** One host of a run over several (resources.nodes > 1), for its current attempt. */
export interface RunNodeInfo {
  node_rank: number;
  worker: string;
  address: string;
  status: 'waiting' | 'running' | 'leaving' | 'exited';
  exit_code: number | null;
  heartbeat_at: string;
}

/** Per-metric summary the server attaches to each run (`summaries`). */
export interface MetricSummary {
  last: number | null;
  last_step: number | null;
  min: number | null;
  min_step: number | null;
  max: number | null;
  max_step: number | null;
  count: number;
}

/**
 * Tighten in RunOutput: `status` as ChoiceField(RunStatus), `config` as a dict, `resources` as a
 * {gpus, nodes} serializer, `tags` as ListField(CharField), `progress` as a {step, total, eta_s,
 * tokens_per_s} serializer, `nodes` as a list of a node serializer, `summaries` as a dict of a
 * summary serializer (all are plain strings or untyped objects in the schema).
 */
export type Run = Narrow<Schemas['RunOutput'], {
  status: RunStatus;
  config: Record<string, unknown>;
  resources: RunResources;
  tags: string[];
  progress: RunProgress;
  nodes: RunNodeInfo[];
  summaries: Record<string, MetricSummary>;
}>;

/** POST /runs/ (RunListApiInputRequest) with a typed `resources`. */
export type RunCreateRequest = Narrow<Schemas['RunListApiInputRequest'], {
  config: Record<string, unknown>;
  resources: RunResources;
}>;

export interface RunListParams {
  workspace: string;
  /** One status, or several separated by commas ("running,queued"). */
  status?: RunStatus | (string & {});
  /**
   * The other filters (method, tag, starred, q, created_after...), ordering, page, and the
   * repeatable `metric` and `config` filters as lists.
   */
  [param: string]: string | readonly string[] | undefined;
}

/** PATCH /runs/{id}/: what can change on a run at any time. */
export type RunPatch = Schemas['PatchedRunDetailApiInputRequest'];

/** POST /runs/{id}/clone/: the edits; `config` is deep-merged into the original's. */
export type RunCloneRequest = Narrow<Schemas['RunCloneApiInputRequest'], { resources?: RunResources }>;

// --- compare and share links --------------------------------------------------------------------

/**
 * The server's config diff: `values[path][runId]` for every flattened config path plus `method`,
 * `seed`, `student`, `teacher`, `train_dataset` and `validation_dataset`; a path a run lacks is
 * null there. `differing` lists the paths whose values are not all equal.
 */
export type ConfigDiff = Schemas['ConfigDiffOutput'];

/** GET /compare/?runs=1,2 */
export type CompareResponse = Narrow<Schemas['CompareOutput'], { runs: Run[] }>;

/** One series of one run, from GET /series/ or /shared/{token}/series/. */
export type RunMetricSeries = Schemas['RunSeriesOutput'];

export type MultiSeriesResponse = Schemas['MultiSeriesOutput'];

export type ShareLink = Schemas['ShareLinkOutput'];

export type ShareLinkCreateRequest = Schemas['ShareLinkListApiInputRequest'];

/** GET /shared/{token}/ (no account needed); `workspace` is the workspace's name. */
export type SharedView = Narrow<Schemas['SharedOutput'], { runs: Run[] }>;

// --- audit log ---------------------------------------------------------------------------------

/** Tighten: AuditEventOutput.detail as a dict field (untyped in the schema). */
export type AuditEvent = Narrow<Schemas['AuditEventOutput'], { detail: Record<string, unknown> | null }>;

// --- metrics, logs, artifacts, events ------------------------------------------------------------

/**
 * One metric's series. `values`, `mins` and `maxs` may hold null (a NaN point); tighten:
 * SeriesOutput's float lists with allow_null=True children.
 */
export type MetricSeries = Narrow<Schemas['SeriesOutput'], {
  values: (number | null)[];
  mins: (number | null)[];
  maxs: (number | null)[];
}>;

/** An inclusive step range for the series endpoints' step_min/step_max. */
export interface StepRange {
  min: number;
  max: number;
}

/** The step range a series response covers (both null: the whole series). */
export type SeriesRange = Schemas['StepRangeOutput'];

export type MetricSeriesResponse = Narrow<Schemas['SeriesPageOutput'], { series: MetricSeries[] }>;

/** A point of `event: metrics` on /runs/{id}/events/ (the stream is not in the schema). */
export interface MetricPoint {
  name: string;
  step: number;
  value: number | null;
  wall?: number;
}

export type LogLevel = 'info' | 'warning' | 'error';

/** Tighten: LogLineOutput.level as ChoiceField(LogLevel). `time` is Unix seconds. */
export type LogLine = Narrow<Schemas['LogLineOutput'], { level: LogLevel | (string & {}) }>;

export type LogsResponse = Schemas['LogPageOutput'];

export type ArtifactType = 'checkpoint' | 'model' | 'table' | 'samples';

/** Tighten: ArtifactOutput.kind as ChoiceField(ArtifactType). */
export type Artifact = Narrow<Schemas['ArtifactOutput'], { kind: ArtifactType | (string & {}) }>;

/** `event: metrics` on /runs/{id}/events/. */
export interface MetricsEventData {
  points: MetricPoint[];
}

/** `event: log` on /runs/{id}/events/. */
export interface LogEventData {
  lines: LogLine[];
}

/** `event: status` on /runs/{id}/events/ carries the whole run object. */
export type StatusEventData = Run;

// --- workers -------------------------------------------------------------------------------------

export interface WorkerGpu {
  index: number;
  name: string;
  memory_mb: number;
}

/** Tighten: WorkerOutput.queues as ListField(CharField) and `gpus` as a list of a GPU serializer. */
export type Worker = Narrow<Schemas['WorkerOutput'], { queues: string[]; gpus: WorkerGpu[] }>;

// --- templates -----------------------------------------------------------------------------------

/**
 * A saved run recipe; models and datasets are named, and resolved when it is launched. Tighten:
 * TemplateOutput.config as a dict field.
 */
export type RunTemplate = Narrow<Schemas['TemplateOutput'], { config: Record<string, unknown> }>;

export type TemplateCreateRequest = Narrow<Schemas['TemplateListApiInputRequest'], { config?: Record<string, unknown> }>;

// --- sweeps, notifications, lineage, token statistics, history --------------------------------

export type SweepStrategy = Schemas['StrategyEnum'];

export type SweepGoal = Schemas['GoalEnum'];

export type SweepCreateRequest = Narrow<Schemas['SweepListApiInputRequest'], {
  config: Record<string, unknown>;
  resources: RunResources;
  parameters: Record<string, unknown>;
}>;

/** Tighten: SweepOutput.strategy and `goal` as ChoiceFields, `parameters` as a dict field. */
export type Sweep = Narrow<Schemas['SweepOutput'], {
  strategy: SweepStrategy;
  goal: SweepGoal;
  parameters: Record<string, unknown>;
}>;

export type SweepDetail = Narrow<Schemas['SweepDetailOutput'], {
  strategy: SweepStrategy;
  goal: SweepGoal;
  parameters: Record<string, unknown>;
  runs: Run[];
}>;

export type NotificationEvent = Schemas['RunEventEnum'];

export type NotificationKind = Schemas['ChannelListApiInputKindEnum'];

/** Tighten: ChannelOutput.kind and `events` as ChoiceFields. */
export type NotificationChannel = Narrow<Schemas['ChannelOutput'], { kind: NotificationKind; events: NotificationEvent[] }>;

export type NotificationChannelCreateRequest = Schemas['ChannelListApiInputRequest'];

export type Delivery = Schemas['DeliveryOutput'];

export interface LineageNode {
  id: number;
  name: string;
  source: ModelSource;
  architecture: string;
  parameter_count: number | null;
}

export interface LineageRunRef {
  id: number;
  name: string;
  method: string;
}

/**
 * GET /models/{id}/lineage/. Tighten: the view's answer is a bare object in the schema; it needs
 * a ModelLineageOutput serializer with these fields.
 */
export interface ModelLineage {
  model: LineageNode;
  /** Nearest first: the run that produced the model, its teacher and the student it started from. */
  ancestors: { run: LineageRunRef; teacher: LineageNode | null; initial: LineageNode }[];
  descendants: { from: number; role: 'teacher' | 'student' | 'reference'; run: LineageRunRef; model: LineageNode }[];
  /** A weight soup's ingredients, and the soups the model is in. */
  ingredients: ModelRef[];
  soups: ModelRef[];
}

/**
 * GET /datasets/{id}/token-stats/?model=ID. Tighten: a bare object in the schema; it needs a
 * TokenStatsOutput serializer with these fields.
 */
export interface TokenStats {
  tokenizer?: string;
  rows: number;
  sequences: number;
  tokens: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  histogram: { up_to: number; count: number }[];
  sampled: boolean;
}

export type HistoryImportResult = Schemas['HistoryImportApiOutput'];

// Playground: a few prompts through a few models, generated on a worker.
export type PlaygroundStatus = 'queued' | 'running' | 'done' | 'failed';

export type PlaygroundOutput = Schemas['PlaygroundOutputRow'];

export type PlaygroundRequest = Schemas['PlaygroundListApiInputRequest'];

/** Tighten: PlaygroundOutput.status as ChoiceField(PlaygroundStatus). */
export type PlaygroundSession = Narrow<Schemas['PlaygroundOutput'], { status: PlaygroundStatus | (string & {}) }>;
