// The one query-key factory: every TanStack Query cache key of the app is made here, so a
// mutation invalidates exactly what a query cached (and a prefix such as `runsAll` reaches all of them).

import { rangeKey, type XRange } from '../lib/zoom';
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
  /** Every runs list, whatever its filters: what a new, changed or deleted run invalidates. */
  runsAll: ['runs'] as const,
  runs: (params: RunListParams) => ['runs', params] as const,
  run: (id: number) => ['run', id] as const,
  /** A page of the runs that used a model or a dataset; under `runsAll`, so a new or deleted run reaches it. */
  modelRuns: (id: number, role: string, page: number) => ['runs', 'usingModel', id, role, page] as const,
  datasetRuns: (id: number, role: string, page: number) => ['runs', 'usingDataset', id, role, page] as const,
  artifacts: (id: number) => ['artifacts', id] as const,
  runSeries: (id: number) => ['runSeries', id] as const,
  lineage: (modelId: number) => ['lineage', modelId] as const,
  workers: ['workers'] as const,
  workspace: (slug: string) => ['workspace', slug] as const,
  tokens: ['tokens'] as const,
  /** A workspace's open invitations (its owners and admins see them). */
  invitations: (workspace: string) => ['invitations', workspace] as const,
  /** The signed-in user's open invitations. */
  myInvitations: ['myInvitations'] as const,
  compare: (ids: string) => ['compare', ids] as const,
  series: (ids: string, names: string) => ['series', ids, names] as const,
  shareLinks: (workspace: string) => ['shareLinks', workspace] as const,
  shared: (token: string) => ['shared', token] as const,
  sharedSeries: (token: string, names: string) => ['sharedSeries', token, names] as const,
  /** Every page of a workspace's audit log: what an audited action invalidates. */
  auditAll: (workspace: string) => ['audit', workspace] as const,
  audit: (workspace: string, page: number) => ['audit', workspace, page] as const,
  sweeps: (workspace: string) => ['sweeps', workspace] as const,
  sweep: (id: number) => ['sweep', id] as const,
  playground: (id: number) => ['playground', id] as const,
  /** A model's lineage; it holds the run that produced the model, whose change means another lineage. */
  modelLineage: (id: number, producedBy: number | null | undefined) => ['modelLineage', id, producedBy ?? null] as const,
  tokenStats: (dataset: number, model: number) => ['tokenStats', dataset, model] as const,
  notifications: (workspace: string) => ['notifications', workspace] as const,
  deliveries: (workspace: string, page: number) => ['deliveries', workspace, page] as const,
  artifactContent: (runId: number, artifact: Artifact | null) =>
    ['artifactContent', runId, artifact?.id ?? null, artifact?.step ?? null, artifact?.created_at ?? null, artifact?.size_bytes ?? null] as const,
  /**
   * The finer points of a zoomed chart: what they are fetched from (one of the zoom sources below,
   * with the metric and grouping the chart adds) and the step range.
   */
  chartZoom: (source: readonly unknown[], range: XRange | null) => ['chartZoom', ...source, ...rangeKey(range)] as const,
  /** Zoom sources: one metric of one run, the runs of a comparison, the runs behind a share link. */
  runZoomSource: (runId: number, name: string, maxPoints: number) => ['run', runId, name, maxPoints] as const,
  compareZoomSource: (ids: string) => ['compare', ids] as const,
  sharedZoomSource: (token: string) => ['shared', token] as const,
};
