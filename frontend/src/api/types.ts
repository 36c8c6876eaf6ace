// Types of the REST API v1, written by hand from docs/API.md until they can be generated from the
// server's OpenAPI schema (/api/schema/). Keep field names exactly as the server spells them.
// Fields marked "not in API.md" are what the server under webapp/ answers today; the UI reads
// them when present and falls back to the documented ones.

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** DRF pagination envelope used by list endpoints such as /runs/. */
export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Endpoints whose pagination API.md does not pin down are read as either shape. */
export type ListResponse<T> = T[] | Paginated<T>;

/** Body of every error response; `errors` keys are dotted field paths such as "config.kd.temperature". */
export interface ApiErrorBody {
  detail?: string;
  errors?: Record<string, string[] | string>;
}

// --- accounts and workspaces -------------------------------------------------------------------

export interface User {
  id: number;
  username: string;
  email: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface ApiToken {
  id: number;
  name: string;
  /** Present only in the response that creates the token. */
  token?: string;
  /** The token's first characters, to recognise it. */
  prefix?: string;
  created_at?: string;
  last_used_at?: string | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'viewer';

export const WORKSPACE_ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'member', 'viewer'];

export interface Workspace {
  /** Not in API.md. */
  id?: number;
  name: string;
  slug: string;
  /** The caller's role in this workspace. */
  role: WorkspaceRole;
}

export interface WorkspaceMember {
  username: string;
  role: WorkspaceRole;
}

export interface WorkspaceDetail extends Workspace {
  members: WorkspaceMember[];
}

// --- methods, models, datasets -----------------------------------------------------------------

export type MethodFamily = 'distillation' | 'alignment' | 'continual';

export interface MethodRequires {
  teacher: boolean;
  reference: boolean;
  /** Dataset kinds the method can train on, compared with Dataset.kind. */
  dataset_kinds: string[];
  /** The method trains on a task sequence (a "task-sequence" dataset) instead of one dataset. */
  tasks?: boolean;
}

/** A JSON Schema document as produced by pydantic (draft 2020-12 style, with $defs and $ref). */
export type JsonSchema = Record<string, unknown>;

export interface MethodPaper {
  title: string;
  url: string;
}

export interface Method {
  name: string;
  family: MethodFamily | (string & {});
  description: string;
  /** API.md: title + arXiv link as one string; the engine's registry sends `{title, url}`. */
  paper: string | MethodPaper;
  requires: MethodRequires;
  /** JSON Schema of the method's config (the run's `config` object). */
  schema: JsonSchema;
}

export type ModelSource = 'config' | 'path' | 'run' | 'upload' | 'soup' | 'hub' | 'imported';

export interface Model {
  id: number;
  workspace: string;
  name: string;
  source: ModelSource;
  /** transformers config dict (source=config; also read from config.json for the others). */
  config?: Record<string, unknown> | null;
  /** Server-local directory (source=path or run; empty for source=config). */
  path?: string | null;
  tokenizer_path?: string;
  /** A Hugging Face hub id read from the server's local cache (source=hub). */
  hub_id?: string;
  architecture?: string;
  /** null when the server could not count them (e.g. a config-only model). */
  parameter_count?: number | null;
  vocab_size?: number | null;
  /** The run whose final model this is (source=run). */
  produced_by_run?: number | null;
  created_at?: string;
  /** A weight soup's ingredients (source=soup): ids on the model itself, {id, name} in its lineage. */
  ingredients?: (number | ModelRef)[];
  /** The soups this model is an ingredient of. */
  soups?: (number | ModelRef)[];
}

export interface ModelRef {
  id: number;
  name: string;
}

/** POST /models/: one of the three sources, with the field it needs. */
export type ModelRegisterRequest =
  | { workspace: string; name: string; source: 'path'; path: string }
  | { workspace: string; name: string; source: 'config'; config: Record<string, unknown>; tokenizer_path?: string }
  | { workspace: string; name: string; source: 'run'; run: number; artifact?: number }
  | { workspace: string; name: string; source: 'soup'; ingredients: number[] }
  | { workspace: string; name: string; source: 'hub'; hub_id: string };

export type DatasetKind = 'text' | 'prompt-completion' | 'chat' | 'preference' | 'classification' | 'task-sequence';

/** The server's KindEnum with its labels (openapi.yaml). */
export const DATASET_KINDS: readonly { value: DatasetKind; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'prompt-completion', label: 'Prompt / completion' },
  { value: 'chat', label: 'Chat' },
  { value: 'preference', label: 'Preference' },
  { value: 'classification', label: 'Classification' },
];

export interface Dataset {
  id: number;
  workspace: string;
  name: string;
  kind: DatasetKind | (string & {});
  version?: number;
  format?: string;
  sha256?: string;
  row_count?: number;
  size_bytes?: number;
  created_at?: string;
}

export interface DatasetDetail extends Dataset {
  /** The first rows of the file (at most 20), as parsed JSON. */
  preview: unknown[];
  /** A task sequence's tasks, in order (kind "task-sequence"). */
  tasks?: TaskSequenceTask[];
}

export interface DatasetRef {
  id: number;
  name: string;
  version?: number;
}

export interface TaskSequenceTask {
  name: string;
  train_dataset: DatasetRef;
  validation_dataset: DatasetRef | null;
}

/** POST /datasets/ as JSON: a task sequence made of existing datasets, in training order. */
export interface TaskSequenceCreateRequest {
  workspace: string;
  name: string;
  kind: 'task-sequence';
  tasks: { name: string; train_dataset: number; validation_dataset: number }[];
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

/** Not in API.md: per-metric summary the server attaches to each run. */
export interface MetricSummary {
  last: number | null;
  last_step: number | null;
  min: number | null;
  min_step: number | null;
  max: number | null;
  max_step: number | null;
  count: number;
}

export interface Run {
  id: number;
  workspace: string;
  name: string;
  method: string;
  status: RunStatus;
  config: Record<string, unknown>;
  student: number | null;
  teacher: number | null;
  /** The frozen reference model of an alignment run; null = the initial policy (the student as it starts). */
  reference?: number | null;
  train_dataset: number | null;
  validation_dataset: number | null;
  /** General text replayed while a continual-learning run trains on its tasks. */
  replay_dataset?: number | null;
  seed: number;
  resources: RunResources;
  /** The nodes of a run over several hosts; empty for a run on one host. */
  nodes?: RunNodeInfo[];
  tags: string[];
  notes: string;
  /** Marked by a member to find it again; `?starred=true` lists only these. */
  starred?: boolean;
  creator: string | number | null;
  /** The run this one was retried or cloned from. */
  parent: number | null;
  /** The sweep that launched this run, if one did. */
  sweep?: number | null;
  worker: string | null;
  error_message: string | null;
  progress: RunProgress | null;
  /** In API.md; the server may send `summaries` instead, whose keys are the same names. */
  metric_names?: string[];
  /** Not in API.md: last/min/max per metric name; the runs table reads train/loss's `last` here. */
  summaries?: Record<string, MetricSummary>;
  /** 1 for the first try, more after a resume. */
  attempt?: number;
  /** Name under which a succeeded run's final model is registered automatically ('' for none). */
  register_model_as?: string;
  created_at: string;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface RunCreateRequest {
  workspace: string;
  /** Optional; a run without one is named after its method. Must not be blank when sent. */
  name?: string;
  method: string;
  student: number;
  teacher?: number | null;
  /** Only for methods with `requires.reference`; null = the initial policy. */
  reference?: number | null;
  train_dataset: number;
  validation_dataset?: number | null;
  /** Only for methods with `requires.tasks`. */
  replay_dataset?: number | null;
  config: Record<string, unknown>;
  seed: number;
  resources: RunResources;
  tags: string[];
  notes: string;
}

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
export interface RunPatch {
  name?: string;
  notes?: string;
  tags?: string[];
  starred?: boolean;
}

/** POST /runs/{id}/clone/: the edits; `config` is deep-merged into the original's. */
export interface RunCloneRequest {
  name?: string;
  config?: Record<string, unknown>;
  seed?: number;
  resources?: RunResources;
  tags?: string[];
  notes?: string;
  student?: number;
  teacher?: number | null;
  reference?: number | null;
  train_dataset?: number;
  validation_dataset?: number | null;
  replay_dataset?: number | null;
}

// --- compare and share links --------------------------------------------------------------------

/**
 * The server's config diff: `values[path][runId]` for every flattened config path plus `method`,
 * `seed`, `student`, `teacher`, `train_dataset` and `validation_dataset`; a path a run lacks is
 * null there. `differing` lists the paths whose values are not all equal.
 */
export interface ConfigDiff {
  values: Record<string, Record<string, unknown>>;
  differing: string[];
}

/** GET /compare/?runs=1,2 */
export interface CompareResponse {
  runs: Run[];
  config: ConfigDiff;
}

/** One series of one run, from GET /series/ or /shared/{token}/series/. */
export interface RunMetricSeries extends MetricSeries {
  run: number;
}

export interface MultiSeriesResponse {
  series: RunMetricSeries[];
  range?: SeriesRange;
}

export interface ShareLink {
  id: number;
  workspace: string;
  token: string;
  /** Path of the public page, "/shared/<token>" (no origin). */
  url: string;
  title: string;
  runs: number[];
  created_by?: string | null;
  created_at: string;
}

export interface ShareLinkCreateRequest {
  workspace: string;
  runs: number[];
  title?: string;
}

/** GET /shared/{token}/ (no account needed); `workspace` is the workspace's name. */
export interface SharedView {
  title: string;
  workspace: string;
  created_at: string;
  runs: Run[];
  config: ConfigDiff;
}

// --- audit log ---------------------------------------------------------------------------------

export interface AuditEvent {
  id: number;
  actor: string | null;
  /** run.create, run.cancel, run.resume, share.create, share.revoke, member.add, member.role, member.remove... */
  action: string;
  /** "run", "sharelink", "user"... */
  target_type: string;
  target_id: string;
  detail: Record<string, unknown> | null;
  created_at: string;
}

// --- metrics, logs, artifacts, events ------------------------------------------------------------

export interface MetricSeries {
  name: string;
  steps: number[];
  values: (number | null)[];
  walls: number[];
  /** Not in API.md: per-bucket extremes and whether the series was downsampled. */
  mins?: (number | null)[];
  maxs?: (number | null)[];
  downsampled?: boolean;
}

/** An inclusive step range for the series endpoints' step_min/step_max. */
export interface StepRange {
  min: number;
  max: number;
}

/** The step range a series response covers (both null: the whole series). */
export interface SeriesRange {
  step_min: number | null;
  step_max: number | null;
}

export interface MetricSeriesResponse {
  series: MetricSeries[];
  range?: SeriesRange;
  /** Stream position of this snapshot: open the event stream with `?cursor=` to continue from it. */
  cursor?: string;
}

export interface MetricPoint {
  name: string;
  step: number;
  value: number | null;
  wall?: number;
}

export type LogLevel = 'info' | 'warning' | 'error';

export interface LogLine {
  seq: number;
  /** Unix seconds or an ISO 8601 string. */
  time: number | string;
  level: LogLevel | (string & {});
  message: string;
}

export interface LogsResponse {
  results: LogLine[];
  next?: string | null;
}

export type ArtifactType = 'checkpoint' | 'model' | 'table' | 'samples';

export interface Artifact {
  id?: number;
  name?: string;
  /** The engine's word; the server currently calls it `kind`. */
  type?: ArtifactType | (string & {});
  /** Not in API.md: same meaning as `type`. */
  kind?: ArtifactType | (string & {});
  path: string;
  step: number | null;
  size_bytes: number | null;
  created_at?: string;
}

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

export interface Worker {
  hostname: string;
  queues: string[];
  gpus: WorkerGpu[];
  current_run: number | null;
  last_heartbeat: string | null;
  stopped_at?: string | null;
  /** The server's verdict: no heartbeat for its RUN_HEARTBEAT_TIMEOUT_S. */
  stale?: boolean;
}

// --- templates -----------------------------------------------------------------------------------

/** A saved run recipe; models and datasets are named, and resolved when it is launched. */
export interface RunTemplate {
  id: number;
  workspace: string;
  name: string;
  description: string;
  method: string;
  config: Record<string, unknown>;
  student: string;
  /** '' when the method needs none. */
  teacher: string;
  train_dataset: string;
  validation_dataset: string;
  seed: number;
  register_model_as: string;
}

// --- sweeps, notifications, lineage, token statistics, history --------------------------------

export interface SweepCreateRequest extends RunCreateRequest {
  parameters: Record<string, unknown>;
  strategy: 'grid' | 'random';
  /** Runs to sample (random). */
  count?: number;
  metric?: string;
  goal?: 'min' | 'max';
}

export interface Sweep {
  id: number;
  workspace: string;
  name: string;
  method: string;
  strategy: 'grid' | 'random';
  parameters: Record<string, unknown>;
  metric: string;
  goal: 'min' | 'max';
  creator: string | null;
  created_at: string;
}

export interface SweepDetail extends Sweep {
  runs: Run[];
  best: { run: number; value: number } | null;
}

export type NotificationEvent = 'run.succeeded' | 'run.failed' | 'run.cancelled' | 'run.lost';

export interface NotificationChannel {
  id: number;
  kind: 'webhook' | 'email';
  target: string;
  events: NotificationEvent[];
  created_at: string;
}

export interface Delivery {
  id: number;
  channel: number;
  run: number;
  event: string;
  status: string;
  attempts: number;
  response_code: number | null;
  last_error: string;
  created_at: string;
  delivered_at: string | null;
}

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

export interface ModelLineage {
  model: LineageNode;
  /** Nearest first: the run that produced the model, its teacher and the student it started from. */
  ancestors: { run: LineageRunRef; teacher: LineageNode | null; initial: LineageNode }[];
  descendants: { from: number; role: 'teacher' | 'student' | 'reference'; run: LineageRunRef; model: LineageNode }[];
  /** A weight soup's ingredients, and the soups the model is in (also on the model itself). */
  ingredients?: ModelRef[];
  soups?: ModelRef[];
}

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

export interface HistoryImportResult {
  runs: number;
  models: number;
  datasets: number;
  points: number;
}

// Playground: a few prompts through a few models, generated on a worker.
export type PlaygroundStatus = 'queued' | 'running' | 'done' | 'failed' | string;

export interface PlaygroundOutput {
  model: number;
  prompt_index: number;
  text: string;
  tokens?: number;
  tokens_per_s?: number | null;
  done: boolean;
  error?: string | null;
}

export interface PlaygroundRequest {
  workspace: string;
  models: number[];
  prompts: string[];
  max_new_tokens: number;
  temperature: number;
  top_p: number;
  seed: number;
}

export interface PlaygroundSession {
  id: number;
  workspace?: string;
  status: PlaygroundStatus;
  /** The chosen models, as the server answers them. */
  models?: Array<{ id: number; name: string }>;
  prompts?: string[];
  outputs: PlaygroundOutput[];
  error_message?: string;
}

export interface InvitationAccepted {
  workspace: string;
  username: string;
  role: string;
}
