// The compare page's pure parts: which runs the URL names, the metric names they share, the
// summary table (last/min/max per metric per run) with its CSV export, the multi-run series split
// by run, and share links' titles and addresses.

import type { MetricSummary, Run, RunMetricSeries } from '../api/types';
import { toCsv } from './csv';
import { seriesFromFetched, type Series } from './series';

/** At most this many runs side by side: beyond that the charts and tables stop being readable. */
export const MAX_COMPARED_RUNS = 12;

/** `?runs=3,1,3,x` -> [3, 1]: positive integers, first occurrence kept, in the order given. */
export function parseRunIds(param: string | null | undefined): number[] {
  const ids: number[] = [];
  for (const part of (param ?? '').split(',')) {
    const text = part.trim();
    if (!/^\d+$/.test(text)) continue;
    const id = Number(text);
    if (id > 0 && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

export function compareUrl(ids: readonly number[]): string {
  return `/compare?runs=${ids.join(',')}`;
}

export type RunForSummary = Pick<Run, 'id' | 'name' | 'summaries'>;

/** Every metric name any of the runs reported, sorted. */
export function metricNamesOf(runs: readonly Pick<Run, 'summaries'>[]): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.summaries)) names.add(name);
  }
  return [...names].sort();
}

export interface SummaryRow {
  metric: string;
  runId: number;
  runName: string;
  last: number | null;
  lastStep: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

/** One row per metric and run, grouped by metric; a run without the metric gets an empty row. */
export function summaryRows(runs: readonly RunForSummary[], metrics: readonly string[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const metric of metrics) {
    for (const run of runs) {
      const s: Partial<MetricSummary> = run.summaries?.[metric] ?? {};
      rows.push({
        metric,
        runId: run.id,
        runName: run.name || `Run ${run.id}`,
        last: s.last ?? null,
        lastStep: s.last_step ?? null,
        min: s.min ?? null,
        max: s.max ?? null,
        count: s.count ?? 0,
      });
    }
  }
  return rows;
}

export const SUMMARY_CSV_HEADER = ['metric', 'run_id', 'run_name', 'last', 'last_step', 'min', 'max', 'count'] as const;

export function summaryCsv(rows: readonly SummaryRow[]): string {
  return toCsv([
    SUMMARY_CSV_HEADER,
    ...rows.map((r) => [r.metric, r.runId, r.runName, r.last, r.lastStep, r.min, r.max, r.count]),
  ]);
}

/** Distinct line colours for compared runs (Tableau 10, then two more), by position. */
export const RUN_COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#393b79', '#637939',
] as const;

export function runColor(index: number): string {
  return RUN_COLORS[((index % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length]!;
}

/** GET /series/'s flat list -> each run's series by metric name. */
export function seriesByRun(list: readonly RunMetricSeries[]): Map<number, Record<string, Series>> {
  const byRun = new Map<number, Record<string, Series>>();
  for (const s of list) {
    const named = byRun.get(s.run) ?? {};
    named[s.name] = seriesFromFetched(s);
    byRun.set(s.run, named);
  }
  return byRun;
}

/** A share link's default title: the runs' names, shortened to the server's 200 characters. */
export function shareTitle(runs: readonly Pick<Run, 'id' | 'name'>[]): string {
  const title = runs.map((r) => r.name || `Run ${r.id}`).join(' vs ');
  return title.length <= 200 ? title : `${title.slice(0, 199)}…`;
}

/** The full address of a share link whose `url` is a path ("/shared/abc"). */
export function absoluteUrl(path: string, origin: string): string {
  return new URL(path, origin).toString();
}
