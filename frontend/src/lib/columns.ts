// The runs table's optional columns: metric summaries (last, min or max of a metric) and config
// fields (dotted paths into the run's config). The choice is remembered per workspace in
// localStorage, and read back defensively: storage can hold anything.

import type { Run } from '../api/types';
import { flattenConfig } from './diff';

export type MetricStat = 'last' | 'min' | 'max';

export const METRIC_STATS: readonly MetricStat[] = ['last', 'min', 'max'];

export type RunColumn =
  | { kind: 'metric'; name: string; stat: MetricStat }
  | { kind: 'config'; path: string };

/** What the table showed before columns could be chosen: the last train/loss. */
export const DEFAULT_COLUMNS: readonly RunColumn[] = [{ kind: 'metric', name: 'train/loss', stat: 'last' }];

export const COLUMNS_STORAGE_PREFIX = 'distillery.runColumns.';

export function columnKey(column: RunColumn): string {
  return column.kind === 'metric' ? `metric:${column.stat}:${column.name}` : `config:${column.path}`;
}

export function columnLabel(column: RunColumn): string {
  if (column.kind === 'config') return column.path;
  return column.stat === 'last' ? column.name : `${column.name} (${column.stat})`;
}

function isColumn(value: unknown): value is RunColumn {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  if (c.kind === 'metric') return typeof c.name === 'string' && c.name !== '' && METRIC_STATS.includes(c.stat as MetricStat);
  if (c.kind === 'config') return typeof c.path === 'string' && c.path.trim() !== '';
  return false;
}

/** Stored columns, or null when nothing usable is stored (then the defaults apply). */
export function parseColumns(raw: string | null): RunColumn[] | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return null;
    const seen = new Set<string>();
    const columns: RunColumn[] = [];
    for (const item of value) {
      if (!isColumn(item)) continue;
      const column: RunColumn = item.kind === 'metric'
        ? { kind: 'metric', name: item.name, stat: item.stat }
        : { kind: 'config', path: item.path.trim() };
      if (seen.has(columnKey(column))) continue;
      seen.add(columnKey(column));
      columns.push(column);
    }
    return columns;
  } catch {
    return null;
  }
}

export function serializeColumns(columns: readonly RunColumn[]): string {
  return JSON.stringify(columns);
}

export function hasColumn(columns: readonly RunColumn[], column: RunColumn): boolean {
  const key = columnKey(column);
  return columns.some((c) => columnKey(c) === key);
}

/** Adds the column at the end, or removes it if it is there. */
export function toggleColumn(columns: readonly RunColumn[], column: RunColumn): RunColumn[] {
  const key = columnKey(column);
  return hasColumn(columns, column) ? columns.filter((c) => columnKey(c) !== key) : [...columns, column];
}

/** Moves a column one place left (-1) or right (+1). */
export function moveColumn(columns: readonly RunColumn[], column: RunColumn, by: -1 | 1): RunColumn[] {
  const index = columns.findIndex((c) => columnKey(c) === columnKey(column));
  const target = index + by;
  if (index < 0 || target < 0 || target >= columns.length) return [...columns];
  const next = [...columns];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

/** The value at a dotted path ("training.max_steps", "layers.0.size" or "layers[0].size"). */
export function getPath(value: unknown, path: string): unknown {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  let node: unknown = value;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export function columnValue(run: Pick<Run, 'summaries' | 'config'>, column: RunColumn): unknown {
  if (column.kind === 'metric') return run.summaries?.[column.name]?.[column.stat] ?? null;
  return getPath(run.config, column.path);
}

/** Metric names and config leaf paths found in these runs: what the column picker offers. */
export function availableColumns(runs: readonly Pick<Run, 'summaries' | 'config'>[]): { metrics: string[]; configPaths: string[] } {
  const metrics = new Set<string>();
  const paths = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.summaries ?? {})) metrics.add(name);
    for (const path of flattenConfig(run.config ?? {}).keys()) if (path) paths.add(path);
  }
  return { metrics: [...metrics].sort(), configPaths: [...paths].sort() };
}
