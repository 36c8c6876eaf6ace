// Grouping compared runs by a config value (runs with the same learning rate, the same seed...)
// and drawing each group as one line: the mean of its runs at each step, with the min and max
// across them as a band.
//
// Runs rarely report at the same steps (each downsampled series has its own buckets), so each run
// is read at every step any run of the group has, by linear interpolation between its own points,
// and only inside its own first..last step: a run never speaks for steps it has not reached.

import type { Series } from './series';

/** The config value of one run at the chosen path; undefined when the run does not set it. */
export type ValueOf = (runId: number) => unknown;

export interface RunGroup {
  /** Stable identity of the value (JSON with sorted keys); NOT_SET_KEY when the runs lack it. */
  key: string;
  value: unknown;
  /** What the legend shows: "0.001", "adamw", "(not set)". */
  label: string;
  runIds: number[];
}

export const NOT_SET_KEY = '\u2205';

/** JSON with object keys sorted, so {a, b} and {b, a} are one group. */
export function stableKey(value: unknown): string {
  if (value === undefined) return NOT_SET_KEY;
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

export function groupLabel(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return value;
  return stableKey(value);
}

const collator = new Intl.Collator('en', { numeric: true });

/** Numbers in numeric order, then everything else by its label; "(not set)" last. */
function compareValues(a: RunGroup, b: RunGroup): number {
  if (a.key === NOT_SET_KEY || b.key === NOT_SET_KEY) return a.key === b.key ? 0 : a.key === NOT_SET_KEY ? 1 : -1;
  const na = typeof a.value === 'number';
  const nb = typeof b.value === 'number';
  if (na && nb) return (a.value as number) - (b.value as number);
  if (na !== nb) return na ? -1 : 1;
  return collator.compare(a.label, b.label);
}

/** The runs split by their value at the path; runs keep their given order inside a group. */
export function groupRunsBy(runIds: readonly number[], valueOf: ValueOf): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const id of runIds) {
    const value = valueOf(id);
    const key = stableKey(value);
    const group = groups.get(key);
    if (group) group.runIds.push(id);
    else groups.set(key, { key, value, label: groupLabel(value), runIds: [id] });
  }
  return [...groups.values()].sort(compareValues);
}

export interface AggregatedSeries {
  steps: number[];
  /** Mean of the runs that cover the step; null where none does. */
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** How many runs each point stands for. */
  counts: number[];
}

type Points = { steps: number[]; values: number[] };

/** The finite points of a series, by step (a repeated step keeps its last value). */
function finitePoints(series: Pick<Series, 'steps' | 'values'>): Points {
  const byStep = new Map<number, number>();
  series.steps.forEach((step, i) => {
    const value = series.values[i];
    if (Number.isFinite(step) && value !== null && value !== undefined && Number.isFinite(value)) byStep.set(step, value);
  });
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return { steps, values: steps.map((s) => byStep.get(s)!) };
}

/**
 * The series' value at `step`: its own point there, else the straight line between its points on
 * either side; null before its first point or after its last.
 */
export function valueAt(series: Pick<Series, 'steps' | 'values'>, step: number): number | null {
  return interpolate(finitePoints(series), step);
}

function interpolate({ steps, values }: Points, step: number): number | null {
  if (steps.length === 0 || step < steps[0]! || step > steps[steps.length - 1]!) return null;
  // Binary search for the first point at or after `step`.
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  if (steps[lo] === step) return values[lo]!;
  const x0 = steps[lo - 1]!;
  const x1 = steps[lo]!;
  const y0 = values[lo - 1]!;
  const y1 = values[lo]!;
  return y0 + ((y1 - y0) * (step - x0)) / (x1 - x0);
}

/** Mean, min and max across the series at every step any of them has. */
export function aggregateSeries(list: readonly Pick<Series, 'steps' | 'values'>[]): AggregatedSeries {
  const points = list.map(finitePoints).filter((p) => p.steps.length > 0);
  const union = new Set<number>();
  for (const p of points) for (const s of p.steps) union.add(s);
  const steps = [...union].sort((a, b) => a - b);
  const out: AggregatedSeries = { steps, mean: [], min: [], max: [], counts: [] };
  for (const step of steps) {
    let sum = 0;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      const v = interpolate(p, step);
      if (v === null) continue;
      sum += v;
      n += 1;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    out.mean.push(n > 0 ? sum / n : null);
    out.min.push(n > 0 ? lo : null);
    out.max.push(n > 0 ? hi : null);
    out.counts.push(n);
  }
  return out;
}

/** A group's aggregate as a chart series: the mean as the line, min and max as the band's edges. */
export function aggregateAsSeries(aggregate: AggregatedSeries): Series {
  return {
    steps: aggregate.steps,
    values: aggregate.mean,
    walls: aggregate.steps.map(() => null),
    mins: aggregate.min,
    maxs: aggregate.max,
  };
}
