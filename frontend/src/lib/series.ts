// Metric series kept sorted by step with one value per step, so that the initial (downsampled)
// fetch, live points and points re-sent after a reconnect can be merged in any order without
// duplicates. A later value for a step replaces the earlier one.

import type { MetricPoint } from '../api/types';

export interface Series {
  steps: number[];
  values: (number | null)[];
}

export type SeriesByName = Readonly<Record<string, Series>>;

export const EMPTY_SERIES: Series = { steps: [], values: [] };

/** Returns a new series holding the union of both, sorted by step; `steps`/`values` win on ties. */
export function mergeSeries(into: Series, steps: readonly number[], values: readonly (number | null)[]): Series {
  if (steps.length === 0) return into;
  const lastStep = into.steps.length > 0 ? into.steps[into.steps.length - 1]! : -Infinity;
  if (isStrictlyIncreasing(steps) && steps[0]! > lastStep) {
    // The common live case: new points come after everything we have.
    return { steps: [...into.steps, ...steps], values: [...into.values, ...values.slice(0, steps.length)] };
  }
  const byStep = new Map<number, number | null>();
  into.steps.forEach((step, i) => byStep.set(step, into.values[i] ?? null));
  steps.forEach((step, i) => byStep.set(step, values[i] ?? null));
  const merged = [...byStep.keys()].sort((a, b) => a - b);
  return { steps: merged, values: merged.map((step) => byStep.get(step) ?? null) };
}

/** Merges live points (several metrics mixed) into the per-name series; untouched series keep their identity. */
export function mergePoints(state: SeriesByName, points: readonly MetricPoint[]): SeriesByName {
  if (points.length === 0) return state;
  const grouped = new Map<string, { steps: number[]; values: (number | null)[] }>();
  for (const point of points) {
    let group = grouped.get(point.name);
    if (!group) {
      group = { steps: [], values: [] };
      grouped.set(point.name, group);
    }
    group.steps.push(point.step);
    group.values.push(point.value);
  }
  const next: Record<string, Series> = { ...state };
  for (const [name, group] of grouped) {
    next[name] = mergeSeries(state[name] ?? EMPTY_SERIES, group.steps, group.values);
  }
  return next;
}

function isStrictlyIncreasing(steps: readonly number[]): boolean {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]! <= steps[i - 1]!) return false;
  }
  return true;
}

/** Merges whole series from GET /runs/{id}/metrics/ into the per-name state. */
export function mergeSeriesList(
  state: SeriesByName,
  series: readonly { name: string; steps: readonly number[]; values: readonly (number | null)[] }[],
): SeriesByName {
  if (series.length === 0) return state;
  const next: Record<string, Series> = { ...state };
  for (const s of series) next[s.name] = mergeSeries(next[s.name] ?? EMPTY_SERIES, s.steps, s.values);
  return next;
}
