// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import type { Artifact, RunListParams } from '../../../api/types';
import { isActiveStatus } from '../../../lib/runStatus';
import type { XRange } from '../../../lib/zoom';
import { compareRuns, getArtifactContent, getRun, getRunsSeries, listArtifacts, listRuns } from './requests';

/** How often lists and runs are polled while something is queued or running. */
export const LIVE_REFRESH_MS = 2000;

/**
 * A page of runs, refreshed every two seconds while any of them is queued or running; with
 * `pollMs`, refreshed at least that often regardless (lists that new runs should appear in).
 */
export function useRuns(params: RunListParams | null, options: { pollMs?: number } = {}) {
  return useQuery({
    queryKey: queryKeys.runs(params ?? { workspace: '' }),
    queryFn: ({ signal }) => listRuns(params!, signal),
    enabled: params !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.results.some((run) => isActiveStatus(run.status)) ? LIVE_REFRESH_MS : (options.pollMs ?? false),
  });
}

/**
 * One run. While it is active the live stream keeps it fresh; the slower poll here covers a
 * stream that cannot connect.
 */
export function useRun(id: number) {
  return useQuery({
    queryKey: queryKeys.run(id),
    queryFn: ({ signal }) => getRun(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    refetchInterval: (query) => (query.state.data && isActiveStatus(query.state.data.status) ? 5000 : false),
  });
}

export function useArtifacts(id: number, active: boolean) {
  return useQuery({
    queryKey: queryKeys.artifacts(id),
    queryFn: () => listArtifacts(id),
    refetchInterval: active ? 10_000 : false,
  });
}

/** Runs side by side with the server's config diff; polled while any of them is active. */
export function useCompare(ids: readonly number[]) {
  const key = ids.join(',');
  return useQuery({
    queryKey: queryKeys.compare(key),
    queryFn: ({ signal }) => compareRuns(ids, signal),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.runs.some((run) => isActiveStatus(run.status)) ? 5000 : false),
  });
}

/**
 * Each run on its own (GET /runs/{id}/), e.g. to name the ones a comparison cannot load; the
 * answers share the cache with useRun.
 */
export function useEachRun(ids: readonly number[]) {
  return useQueries({
    queries: ids.map((id) => ({ queryKey: queryKeys.run(id), queryFn: ({ signal }: { signal: AbortSignal }) => getRun(id, signal) })),
  });
}

/** The named metrics of several runs in one request; polled while `live`. */
export function useRunsSeries(ids: readonly number[], names: readonly string[], live: boolean) {
  return useQuery({
    queryKey: queryKeys.series(ids.join(','), names.join(',')),
    queryFn: ({ signal }) => getRunsSeries(ids, names, 1000, signal),
    enabled: ids.length > 0 && names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: live ? 5000 : false,
  });
}

/**
 * The JSON of a run's table artifact. The key holds the artifact's id, step, time and size, so a
 * newer artifact (or the same one rewritten) in the polled artifacts list is fetched again. A 404
 * (not written yet, or a server without the endpoint) is not retried.
 */
export function useArtifactContent(runId: number, artifact: Artifact | null) {
  return useQuery({
    queryKey: queryKeys.artifactContent(runId, artifact),
    queryFn: ({ signal }) => getArtifactContent(runId, artifact!.id!, signal),
    enabled: artifact !== null && artifact.id !== undefined,
    placeholderData: keepPreviousData,
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

/**
 * The finer points of a zoomed metric chart (hooks/useChartZoom): `source` names what `fetch`
 * reads (a queryKeys zoom source plus what the chart adds), `range` the zoomed steps. A zoom inside
 * a zoom keeps the previous range's points until its own arrive.
 */
export function useZoomedSeries<T>(options: {
  source: readonly unknown[] | null;
  range: XRange | null;
  enabled: boolean;
  fetch: (range: XRange, signal: AbortSignal) => Promise<T>;
}) {
  const { source, range, enabled, fetch } = options;
  return useQuery({
    queryKey: queryKeys.chartZoom(source ?? [], range),
    queryFn: ({ signal }) => fetch(range!, signal),
    enabled: enabled && source !== null && range !== null,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}
