// One function per REST endpoint the UI uses, so components never build URLs by hand.

import { ApiError, apiRequest, apiUrl, listAll } from './client';
import type {
  InvitationAccepted,
  PlaygroundRequest,
  PlaygroundSession,
  ApiToken, Artifact, AuditEvent, CompareResponse, CreatedApiToken, Dataset, DatasetDetail, LoginRequest,
  LogsResponse, Method, MetricSeriesResponse, StepRange, Model, ModelRegisterRequest, MultiSeriesResponse, Paginated, Run,
  RunCloneRequest, RunCreateRequest, RunListParams, RunPatch, RunTemplate, ShareLink, ShareLinkCreateRequest, SharedView,
  User, Worker, Workspace, WorkspaceDetail, WorkspaceMember, WorkspaceRole,
  Delivery, ModelLineage, NotificationChannel, NotificationEvent, Sweep, SweepCreateRequest, SweepDetail, TokenStats,
  TaskSequenceCreateRequest,
} from './types';

export const login = (body: LoginRequest) => apiRequest<User>('/auth/login/', { method: 'POST', body });

export const logout = () => apiRequest<void>('/auth/logout/', { method: 'POST' });

export const getMe = () => apiRequest<User>('/auth/me/');

// --- workspaces and tokens ----------------------------------------------------------------------

export const listWorkspaces = () => apiRequest<Workspace[]>('/workspaces/');

export const getWorkspace = (slug: string) => apiRequest<WorkspaceDetail>(`/workspaces/${encodeURIComponent(slug)}/`);

export const addMember = (slug: string, body: { username: string; role: WorkspaceRole }) =>
  apiRequest<WorkspaceMember>(`/workspaces/${encodeURIComponent(slug)}/members/`, { method: 'POST', body });

const memberPath = (slug: string, username: string) =>
  `/workspaces/${encodeURIComponent(slug)}/members/${encodeURIComponent(username)}/`;

export const changeMemberRole = (slug: string, username: string, role: WorkspaceRole) =>
  apiRequest<WorkspaceMember>(memberPath(slug, username), { method: 'PATCH', body: { role } });

/** Removes a member; with your own username, leaves the workspace. */
export const removeMember = (slug: string, username: string) =>
  apiRequest<void>(memberPath(slug, username), { method: 'DELETE' });

/** A page of the workspace's audit log, newest first. */
export const listAuditEvents = (slug: string, page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<AuditEvent>>(`/workspaces/${encodeURIComponent(slug)}/audit/`, { query: { page }, signal });

export const listTokens = () => apiRequest<ApiToken[]>('/tokens/');

export const createToken = (name: string) => apiRequest<CreatedApiToken>('/tokens/', { method: 'POST', body: { name } });

export const revokeToken = (id: number) => apiRequest<void>(`/tokens/${id}/`, { method: 'DELETE' });

// --- methods, models, datasets, templates -------------------------------------------------------

export const listMethods = () => apiRequest<Method[]>('/methods/');

export const listModels = (workspace: string) => listAll<Model>('/models/', { workspace });

export const getModel = (id: number, signal?: AbortSignal) => apiRequest<Model>(`/models/${id}/`, { signal });

export const registerModel = (body: ModelRegisterRequest) => apiRequest<Model>('/models/', { method: 'POST', body });

export const listDatasets = (workspace: string) => listAll<Dataset>('/datasets/', { workspace });

export const getDataset = (id: number, signal?: AbortSignal) => apiRequest<DatasetDetail>(`/datasets/${id}/`, { signal });

/** A task sequence is made of datasets already registered, so it is plain JSON, not an upload. */
export const createTaskSequence = (body: TaskSequenceCreateRequest) =>
  apiRequest<DatasetDetail>('/datasets/', { method: 'POST', body });

export const listTemplates = (workspace: string) =>
  apiRequest<RunTemplate[]>('/templates/', { query: { workspace } });

export const launchTemplate = (id: number) => apiRequest<Run>(`/templates/${id}/launch/`, { method: 'POST' });

// --- runs ---------------------------------------------------------------------------------------

export const listRuns = (params: RunListParams, signal?: AbortSignal) =>
  apiRequest<Paginated<Run>>('/runs/', { query: params, signal });

export const getRun = (id: number, signal?: AbortSignal) => apiRequest<Run>(`/runs/${id}/`, { signal });

export const createRun = (body: RunCreateRequest) => apiRequest<Run>('/runs/', { method: 'POST', body });

export const cancelRun = (id: number) => apiRequest<Run>(`/runs/${id}/cancel/`, { method: 'POST' });

export const updateRun = (id: number, body: RunPatch) => apiRequest<Run>(`/runs/${id}/`, { method: 'PATCH', body });

/** A new run with the same everything; its parent is this run. */
export const retryRun = (id: number) => apiRequest<Run>(`/runs/${id}/retry/`, { method: 'POST' });

/** Deletes a finished run (its creator, or an owner or admin); 409 while it runs or has registered models. */
export const deleteRun = (id: number) => apiRequest<void>(`/runs/${id}/`, { method: 'DELETE' });

/** Deletes a model (409 while a run, a soup or a playground session uses it). */
export const deleteModel = (id: number) => apiRequest<void>(`/models/${id}/`, { method: 'DELETE' });

/** Deletes one dataset version (409 while a run or a task sequence uses it). */
export const deleteDataset = (id: number) => apiRequest<void>(`/datasets/${id}/`, { method: 'DELETE' });

/** A new run from this one with edits (config edits deep-merged); its parent is this run. */
export const cloneRun = (id: number, body: RunCloneRequest) => apiRequest<Run>(`/runs/${id}/clone/`, { method: 'POST', body });

/** Puts a failed or cancelled run with a checkpoint back in the queue (409 with the reason otherwise). */
export const resumeRun = (id: number) => apiRequest<Run>(`/runs/${id}/resume/`, { method: 'POST' });

/** Series of the named metrics (all of them when `names` is empty) and the stream cursor of this snapshot. */
export const getMetrics = (id: number, names: readonly string[], maxPoints = 1000, signal?: AbortSignal, range?: StepRange) =>
  apiRequest<MetricSeriesResponse>(`/runs/${id}/metrics/`, {
    query: { names: names.join(','), max_points: maxPoints, step_min: range?.min, step_max: range?.max },
    signal,
  });

/** Log lines after `after` (a page in ascending seq). */
export const getLogs = (id: number, after?: number, signal?: AbortSignal) =>
  apiRequest<LogsResponse>(`/runs/${id}/logs/`, { query: { after }, signal });

/** The last `count` log lines. */
export const getLogTail = (id: number, count: number, signal?: AbortSignal) =>
  apiRequest<LogsResponse>(`/runs/${id}/logs/`, { query: { tail: count }, signal });

export const listArtifacts = (id: number) =>
  apiRequest<Artifact[]>(`/runs/${id}/artifacts/`);

/**
 * The JSON of one of a run's "table" artifacts (404 when there is none). Every other endpoint ends
 * in a slash; the contract spells this one without, so a 404 at `content/` is asked once more as
 * `content` before it counts as "not there".
 */
export async function getArtifactContent<T = unknown>(runId: number, artifactId: number, signal?: AbortSignal): Promise<T> {
  const base = `/runs/${runId}/artifacts/${artifactId}/content`;
  try {
    return await apiRequest<T>(`${base}/`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return apiRequest<T>(base, { signal });
    throw error;
  }
}

/**
 * URL of the run's Server-Sent Events stream, for EventSource. With the `cursor` of a metrics
 * snapshot the stream continues from that snapshot instead of replaying the run from its start;
 * after a reconnect the browser's Last-Event-ID takes precedence on the server.
 */
export const runEventsUrl = (id: number, cursor?: string | null) => apiUrl(`/runs/${id}/events/`, { cursor });

// --- compare and share links -------------------------------------------------------------------

export const compareRuns = (ids: readonly number[], signal?: AbortSignal) =>
  apiRequest<CompareResponse>('/compare/', { query: { runs: ids.join(',') }, signal });

/** Series of several runs in one request (all metrics when `names` is empty). */
export const getRunsSeries = (ids: readonly number[], names: readonly string[], maxPoints = 1000, signal?: AbortSignal,
  range?: StepRange) =>
  apiRequest<MultiSeriesResponse>('/series/', {
    query: { runs: ids.join(','), names: names.join(','), max_points: maxPoints, step_min: range?.min, step_max: range?.max },
    signal,
  });

export const listShareLinks = (workspace: string) =>
  apiRequest<ShareLink[]>('/share-links/', { query: { workspace } });

export const createShareLink = (body: ShareLinkCreateRequest) =>
  apiRequest<ShareLink>('/share-links/', { method: 'POST', body });

export const revokeShareLink = (id: number) => apiRequest<void>(`/share-links/${id}/`, { method: 'DELETE' });

/** What a share link shows; needs no account (404 once revoked). */
export const getShared = (token: string, signal?: AbortSignal) =>
  apiRequest<SharedView>(`/shared/${encodeURIComponent(token)}/`, { signal });

export const getSharedSeries = (token: string, names: readonly string[], maxPoints = 1000, signal?: AbortSignal,
  range?: StepRange) =>
  apiRequest<MultiSeriesResponse>(`/shared/${encodeURIComponent(token)}/series/`, {
    query: { names: names.join(','), max_points: maxPoints, step_min: range?.min, step_max: range?.max },
    signal,
  });

// --- workers ------------------------------------------------------------------------------------

// `all=1`: stopped and long-silent workers too (the server deletes rows older than a week), so the
// dashboard can show them behind its toggle.
export const listWorkers = () =>
  apiRequest<Worker[]>('/workers/', { query: { all: '1' } });

// --- sweeps -------------------------------------------------------------------------------------

export const createSweep = (body: SweepCreateRequest) => apiRequest<SweepDetail>('/sweeps/', { method: 'POST', body });

export const listSweeps = (workspace: string) =>
  apiRequest<Sweep[]>('/sweeps/', { query: { workspace } });

export const getSweep = (id: number, signal?: AbortSignal) => apiRequest<SweepDetail>(`/sweeps/${id}/`, { signal });

// --- lineage and token statistics ---------------------------------------------------------------

export const getModelLineage = (id: number, signal?: AbortSignal) =>
  apiRequest<ModelLineage>(`/models/${id}/lineage/`, { signal });

export const getTokenStats = (datasetId: number, modelId: number, signal?: AbortSignal) =>
  apiRequest<TokenStats>(`/datasets/${datasetId}/token-stats/`, { query: { model: modelId }, signal });

// --- notifications and history ------------------------------------------------------------------

const workspacePath = (slug: string, rest: string) => `/workspaces/${encodeURIComponent(slug)}/${rest}`;

export const listNotificationChannels = (slug: string) =>
  apiRequest<NotificationChannel[]>(workspacePath(slug, 'notifications/'));

export const createNotificationChannel = (slug: string, body: { kind: 'webhook' | 'email'; target: string; events: NotificationEvent[] }) =>
  apiRequest<NotificationChannel>(workspacePath(slug, 'notifications/'), { method: 'POST', body });

export const deleteNotificationChannel = (id: number) => apiRequest<void>(`/notifications/${id}/`, { method: 'DELETE' });

export const listDeliveries = (slug: string, page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<Delivery>>(workspacePath(slug, 'deliveries/'), { query: { page }, signal });

/** The address of the workspace's history download (a gzipped JSON Lines file). */
export const historyExportUrl = (slug: string) => apiUrl(workspacePath(slug, 'export/'));

/** Path (under /api/v1) that a history file is uploaded to with XMLHttpRequest. */
export const historyImportPath = (slug: string) => workspacePath(slug, 'import/');

// Playground and invitations

export const startPlayground = (body: PlaygroundRequest) =>
  apiRequest<PlaygroundSession>('/playground/', { method: 'POST', body });

export const getPlayground = (id: number, signal?: AbortSignal) =>
  apiRequest<PlaygroundSession>(`/playground/${id}/`, { signal });

/** URL of a playground session's Server-Sent Events stream (`session`, `outputs`, `status`). */
export const playgroundEventsUrl = (id: number) => apiUrl(`/playground/${id}/events/`);

export const acceptInvitation = (token: string) =>
  apiRequest<InvitationAccepted>(`/invitations/${encodeURIComponent(token)}/accept/`, { method: 'POST' });

/** A visitor without an account makes one with the invitation's address, joins and is signed in. */
export const signUpWithInvitation = (token: string, body: { username: string; password: string }) =>
  apiRequest<InvitationAccepted>(`/invitations/${encodeURIComponent(token)}/accept/`, { method: 'POST', body });
