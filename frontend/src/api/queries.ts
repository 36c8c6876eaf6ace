// TanStack Query hooks and their cache keys, one place for what the screens read.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isActiveStatus } from '../lib/runStatus';
import { ApiError } from './client';
import * as api from './endpoints';
import type { Artifact, RunListParams } from './types';

export const queryKeys = {
  me: ['me'] as const,
  workspaces: ['workspaces'] as const,
  methods: ['methods'] as const,
  models: (workspace: string) => ['models', workspace] as const,
  datasets: (workspace: string) => ['datasets', workspace] as const,
  model: (id: number) => ['model', id] as const,
  dataset: (id: number) => ['dataset', id] as const,
  templates: (workspace: string) => ['templates', workspace] as const,
  runs: (params: RunListParams) => ['runs', params] as const,
  run: (id: number) => ['run', id] as const,
  artifacts: (id: number) => ['artifacts', id] as const,
  runSeries: (id: number) => ['runSeries', id] as const,
  lineage: (modelId: number) => ['lineage', modelId] as const,
  workers: ['workers'] as const,
  workspace: (slug: string) => ['workspace', slug] as const,
  tokens: ['tokens'] as const,
  compare: (ids: string) => ['compare', ids] as const,
  series: (ids: string, names: string) => ['series', ids, names] as const,
  shareLinks: (workspace: string) => ['shareLinks', workspace] as const,
  shared: (token: string) => ['shared', token] as const,
  sharedSeries: (token: string, names: string) => ['sharedSeries', token, names] as const,
  audit: (workspace: string, page: number) => ['audit', workspace, page] as const,
  sweep: (id: number) => ['sweep', id] as const,
  modelLineage: (id: number) => ['modelLineage', id] as const,
  tokenStats: (dataset: number, model: number) => ['tokenStats', dataset, model] as const,
  notifications: (workspace: string) => ['notifications', workspace] as const,
  deliveries: (workspace: string, page: number) => ['deliveries', workspace, page] as const,
  artifactContent: (runId: number, artifact: Artifact | null) =>
    ['artifactContent', runId, artifact?.id ?? null, artifact?.step ?? null, artifact?.created_at ?? null, artifact?.size_bytes ?? null] as const,
};

/** How often lists and runs are polled while something is queued or running. */
export const LIVE_REFRESH_MS = 2000;

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: api.getMe,
    staleTime: 5 * 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.isAuthError) && count < 2,
  });
}

export function useWorkspaces() {
  return useQuery({ queryKey: queryKeys.workspaces, queryFn: api.listWorkspaces, staleTime: 60_000 });
}

export function useMethods() {
  return useQuery({ queryKey: queryKeys.methods, queryFn: api.listMethods, staleTime: 10 * 60_000 });
}

export function useModels(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.models(workspace ?? ''),
    queryFn: () => api.listModels(workspace!),
    enabled: Boolean(workspace),
  });
}

export function useDatasets(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.datasets(workspace ?? ''),
    queryFn: () => api.listDatasets(workspace!),
    enabled: Boolean(workspace),
  });
}

/**
 * A page of runs, refreshed every two seconds while any of them is queued or running; with
 * `pollMs`, refreshed at least that often regardless (lists that new runs should appear in).
 */
export function useRuns(params: RunListParams | null, options: { pollMs?: number } = {}) {
  return useQuery({
    queryKey: queryKeys.runs(params ?? { workspace: '' }),
    queryFn: ({ signal }) => api.listRuns(params!, signal),
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
    queryFn: ({ signal }) => api.getRun(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    refetchInterval: (query) => (query.state.data && isActiveStatus(query.state.data.status) ? 5000 : false),
  });
}

export function useArtifacts(id: number, active: boolean) {
  return useQuery({
    queryKey: queryKeys.artifacts(id),
    queryFn: () => api.listArtifacts(id),
    refetchInterval: active ? 10_000 : false,
  });
}

export function useModel(id: number) {
  return useQuery({
    queryKey: queryKeys.model(id),
    queryFn: ({ signal }) => api.getModel(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useDataset(id: number) {
  return useQuery({
    queryKey: queryKeys.dataset(id),
    queryFn: ({ signal }) => api.getDataset(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    staleTime: 60_000,
  });
}

export function useTemplates(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.templates(workspace ?? ''),
    queryFn: () => api.listTemplates(workspace!),
    enabled: Boolean(workspace),
  });
}

/** Workers are polled: a worker that stops sending heartbeats must turn stale on screen. */
export function useWorkers() {
  return useQuery({ queryKey: queryKeys.workers, queryFn: api.listWorkers, refetchInterval: 5000 });
}

export function useWorkspaceDetail(slug: string | undefined) {
  return useQuery({
    queryKey: queryKeys.workspace(slug ?? ''),
    queryFn: () => api.getWorkspace(slug!),
    enabled: Boolean(slug),
  });
}

/** Runs side by side with the server's config diff; polled while any of them is active. */
export function useCompare(ids: readonly number[]) {
  const key = ids.join(',');
  return useQuery({
    queryKey: queryKeys.compare(key),
    queryFn: ({ signal }) => api.compareRuns(ids, signal),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.runs.some((run) => isActiveStatus(run.status)) ? 5000 : false),
  });
}

/** The named metrics of several runs in one request; polled while `live`. */
export function useRunsSeries(ids: readonly number[], names: readonly string[], live: boolean) {
  return useQuery({
    queryKey: queryKeys.series(ids.join(','), names.join(',')),
    queryFn: ({ signal }) => api.getRunsSeries(ids, names, 1000, signal),
    enabled: ids.length > 0 && names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: live ? 5000 : false,
  });
}

export function useShareLinks(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.shareLinks(workspace ?? ''),
    queryFn: () => api.listShareLinks(workspace!),
    enabled: Boolean(workspace),
  });
}

/** A share link's page: public, and not retried on 404 (a revoked link stays revoked). */
export function useShared(token: string) {
  return useQuery({
    queryKey: queryKeys.shared(token),
    queryFn: ({ signal }) => api.getShared(token, signal),
    enabled: token !== '',
    refetchInterval: (query) => (query.state.data?.runs.some((run) => isActiveStatus(run.status)) ? 10_000 : false),
  });
}

export function useSharedSeries(token: string, names: readonly string[], live: boolean) {
  return useQuery({
    queryKey: queryKeys.sharedSeries(token, names.join(',')),
    queryFn: ({ signal }) => api.getSharedSeries(token, names, 1000, signal),
    enabled: token !== '' && names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: live ? 10_000 : false,
  });
}

export function useAuditLog(workspace: string, page: number) {
  return useQuery({
    queryKey: queryKeys.audit(workspace, page),
    queryFn: ({ signal }) => api.listAuditEvents(workspace, page, signal),
    placeholderData: keepPreviousData,
  });
}

export function useTokens() {
  return useQuery({ queryKey: queryKeys.tokens, queryFn: api.listTokens });
}

/**
 * The JSON of a run's table artifact. The key holds the artifact's id, step, time and size, so a
 * newer artifact (or the same one rewritten) in the polled artifacts list is fetched again. A 404
 * (not written yet, or a server without the endpoint) is not retried.
 */
export function useArtifactContent(runId: number, artifact: Artifact | null) {
  return useQuery({
    queryKey: queryKeys.artifactContent(runId, artifact),
    queryFn: ({ signal }) => api.getArtifactContent(runId, artifact!.id!, signal),
    enabled: artifact !== null && artifact.id !== undefined,
    placeholderData: keepPreviousData,
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}
