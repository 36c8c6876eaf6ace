// Requests of this feature, one function per endpoint: Runs: list, create, act on, metrics, logs, artifacts, event stream; comparing runs.

import { ApiError, apiRequest, apiUrl } from '../../../api/client';
import type { Artifact, CompareResponse, LogsResponse, MetricSeriesResponse, MultiSeriesResponse, Paginated, Run, RunCloneRequest, RunCreateRequest, RunListParams, RunPatch, StepRange } from '../../../api/types';

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

export const compareRuns = (ids: readonly number[], signal?: AbortSignal) =>
  apiRequest<CompareResponse>('/compare/', { query: { runs: ids.join(',') }, signal });

/** Series of several runs in one request (all metrics when `names` is empty). */
export const getRunsSeries = (ids: readonly number[], names: readonly string[], maxPoints = 1000, signal?: AbortSignal,
  range?: StepRange) =>
  apiRequest<MultiSeriesResponse>('/series/', {
    query: { runs: ids.join(','), names: names.join(','), max_points: maxPoints, step_min: range?.min, step_max: range?.max },
    signal,
  });
