// The REST API's types, as the UI names them: aliases onto the declarations generated from
// docs/openapi.yaml (./schema.d.ts, `npm run gen:api`). Nothing here restates a field the schema
// already gives; what is written by hand is one of:
//   - a narrowing (`Narrow<...>`) where the schema is still looser than what the server sends (a
//     plain string for an enum, an optional field that is always there, a missing allow_null): each
//     names the serializer field that is still loose, after which the narrowing can go;
//   - shapes the schema does not describe at all: error bodies, the event streams' payloads, the
//     query parameters of /runs/, and the few responses drf-spectacular sees as a bare object.

import type { components } from './schema';

type Schemas = components['schemas'];

/** `T` with the fields of `U` replaced by `U`'s (more precise) types. */
type Narrow<T, U> = Omit<T, keyof U> & U;

export type RunStatus = Schemas['RunStatusEnum'];

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

export type Workspace = Schemas['WorkspaceOutput'];

export type WorkspaceMember = Schemas['MemberOutput'];

export type WorkspaceDetail = Schemas['WorkspaceDetailApiOutput'];

/** A workspace's open invitation, as its owners and admins see it. */
export type WorkspaceInvitation = Schemas['InvitationOutput'];

/** An open invitation to the signed-in user. */
export type MyInvitation = Schemas['MyInvitationOutput'];

/** POST /invitations/{token}/accept/: the workspace joined (its slug) and the role. */
export type InvitationAccepted = Schemas['InvitationAcceptedOutput'];

// --- methods, models, datasets -----------------------------------------------------------------

export type MethodFamily = Schemas['FamilyEnum'];

export type MethodRequires = Schemas['MethodRequiresOutput'];

/** A JSON Schema document as produced by pydantic (draft 2020-12 style, with $defs and $ref). */
export type JsonSchema = Record<string, unknown>;

export type MethodPaper = Schemas['PaperOutput'];

/**
 * Still loose, the other way: MethodOutput.family (webapp/runs/api/methods.py) is a LazyChoiceField,
 * whose enum lists the families registered when the schema was generated; plugins add methods (and
 * families) at run time, so the UI takes any family name and groups unknown ones last.
 */
export type Method = Narrow<Schemas['MethodOutput'], { family: MethodFamily | (string & {}) }>;

/** Every source a model can have, `imported` (models brought in by a history import) included. */
export type ModelSource = Schemas['ModelSourceEnum'];

export type Model = Schemas['ModelOutput'];

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

export type Dataset = Schemas['DatasetOutput'];

export type DatasetDetail = Schemas['DatasetDetailApiOutput'];

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

export type RunProgress = Schemas['RunProgressOutput'];

export interface RunResources {
  /** 0 means CPU. */
  gpus: number;
  /** Hosts the run spans, each with `gpus` GPUs (default 1). */
  nodes?: number;
}

/** One host of a run over several (resources.nodes > 1), for its current attempt. */
export type RunNodeInfo = Schemas['RunNodeOutput'];

/** Per-metric summary the server attaches to each run (`summaries`). */
export type MetricSummary = Schemas['MetricSummaryOutput'];

/**
 * Still loose: RunOutput.resources (webapp/runs/api/runs.py) is an object_field whose `gpus` and
 * `nodes` are optional properties, so the schema makes `gpus` optional; the server always sends it.
 */
export type Run = Narrow<Schemas['RunOutput'], { resources: RunResources }>;

/**
 * POST /runs/ (RunListApiInputRequest) with a typed `resources` (the Input's `resources` is a
 * free-form object field).
 */
export type RunCreateRequest = Narrow<Schemas['RunListApiInputRequest'], { resources: RunResources }>;

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

/**
 * Still loose: AuditEventOutput.detail (webapp/accounts/api.py) is a plain JSONField, `unknown` in
 * the schema; it is always an object or null.
 */
export type AuditEvent = Narrow<Schemas['AuditEventOutput'], { detail: Record<string, unknown> | null }>;

// --- metrics, logs, artifacts, events ------------------------------------------------------------

/**
 * One metric's series. `values`, `mins` and `maxs` may hold null (a NaN point). Still loose:
 * SeriesOutput.values, .mins and .maxs (webapp/runs/api/metrics.py) are ListField(FloatField())
 * without allow_null=True on the child.
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

/**
 * Still loose: LogLineOutput.level (webapp/runs/api/logs.py) is a plain CharField. `time` is Unix
 * seconds.
 */
export type LogLine = Narrow<Schemas['LogLineOutput'], { level: LogLevel | (string & {}) }>;

export type LogsResponse = Schemas['LogPageOutput'];

export type ArtifactType = Schemas['ArtifactKindEnum'];

export type Artifact = Schemas['ArtifactOutput'];

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

export type Worker = Schemas['WorkerOutput'];

export type WorkerGpu = Worker['gpus'][number];

// --- templates -----------------------------------------------------------------------------------

/** A saved run recipe; models and datasets are named, and resolved when it is launched. */
export type RunTemplate = Schemas['TemplateOutput'];

export type TemplateCreateRequest = Schemas['TemplateListApiInputRequest'];

// --- sweeps, notifications, lineage, token statistics, history --------------------------------

export type SweepStrategy = Schemas['StrategyEnum'];

export type SweepGoal = Schemas['GoalEnum'];

/** POST /sweeps/ with a typed `resources` (the Input's `resources` is a free-form object field). */
export type SweepCreateRequest = Narrow<Schemas['SweepListApiInputRequest'], { resources: RunResources }>;

export type Sweep = Schemas['SweepOutput'];

export type SweepDetail = Narrow<Schemas['SweepDetailOutput'], { runs: Run[] }>;

export type NotificationEvent = Schemas['RunEventEnum'];

export type NotificationKind = Schemas['ChannelKindEnum'];

export type NotificationChannel = Schemas['ChannelOutput'];

export type NotificationChannelCreateRequest = Schemas['ChannelListApiInputRequest'];

export type Delivery = Schemas['DeliveryOutput'];

export type LineageNode = Schemas['LineageModelOutput'];

export type LineageRunRef = Schemas['LineageRunOutput'];

/**
 * GET /models/{id}/lineage/. Ancestors are nearest first: the run that produced the model, its
 * teacher, reference and the student it started from; `ingredients` and `soups` are a weight
 * soup's ingredients and the soups the model is in.
 */
export type ModelLineage = Schemas['LineageOutput'];

/** GET /datasets/{id}/token-stats/?model=ID. */
export type TokenStats = Schemas['TokenStatsOutput'];

/** A run that used a model, with the roles the model played in it and the run's key metric. */
export type ModelRun = Schemas['ModelRunOutput'];

export type ModelRunRole = Schemas['ModelRunOutputRolesEnum'];

export const MODEL_RUN_ROLES: readonly ModelRunRole[] = ['student', 'teacher', 'reference'];

/** A run that used a dataset, with the roles the dataset played in it and the run's key metric. */
export type DatasetRun = Schemas['DatasetRunOutput'];

export type DatasetRunRole = Schemas['DatasetRunOutputRolesEnum'];

export const DATASET_RUN_ROLES: readonly DatasetRunRole[] = ['train', 'validation', 'replay'];

export type HistoryImportResult = Schemas['HistoryImportApiOutput'];

// Playground: a few prompts through a few models, generated on a worker.
export type PlaygroundStatus = Schemas['JobStatusEnum'];

export type PlaygroundOutput = Schemas['PlaygroundOutputRow'];

export type PlaygroundRequest = Schemas['PlaygroundListApiInputRequest'];

export type PlaygroundSession = Schemas['PlaygroundOutput'];
