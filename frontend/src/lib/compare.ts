// The compare page's pure parts: which runs the URL names, the metric names they share, and the
// summary table (last/min/max per metric per run) with its CSV export.

import type { MetricSummary, Run } from '../api/types';
import { toCsv } from './csv';

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
export function metricNamesOf(runs: readonly Pick<Run, 'summaries' | 'metric_names'>[]): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.summaries ?? {})) names.add(name);
    for (const name of run.metric_names ?? []) names.add(name);
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

/**
 * What the config diff compares for a run: its inputs and seed next to its config. An input the
 * run does not have (no teacher, no validation set) is left out, so the diff shows it as missing.
 */
export function comparableRun(
  run: Pick<Run, 'method' | 'seed' | 'resources' | 'tags' | 'config'>,
  inputs: Record<string, string | null | undefined>,
): Record<string, unknown> {
  const present = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== null && v !== undefined && v !== ''));
  return { method: run.method, ...present, seed: run.seed, resources: run.resources, tags: run.tags, config: run.config };
}
