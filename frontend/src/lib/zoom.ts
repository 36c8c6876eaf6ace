// Zooming a chart's x axis: the range a drag selection stands for, whether the series drawn is too
// coarse there (so the range is worth fetching again at a finer resolution), and the series to draw
// while zoomed (the finer points inside the range over the full series). Pure, so it is tested alone;
// the uPlot wiring and the fetch are in hooks/useChartZoom.ts.

import { mergeSeries, type Series } from './series';

/** An inclusive x range: steps on the step axis, Unix seconds on the wall-time axis. */
export interface XRange {
  min: number;
  max: number;
}

/** Selections narrower than this many pixels are clicks, not zooms. */
export const MIN_SELECTION_PX = 3;

/**
 * The x range of a drag selection `left..left+width` (pixels in the plot area), through the plot's
 * pixel-to-value function. On the step axis the ends are widened to whole steps. Null for a
 * selection too narrow to be meant, or one that maps to no usable numbers.
 */
export function rangeFromSelection(
  left: number,
  width: number,
  toValue: (px: number) => number,
  axis: 'step' | 'wall' = 'step',
): XRange | null {
  if (!(width >= MIN_SELECTION_PX)) return null;
  let min = toValue(left);
  let max = toValue(left + width);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (min > max) [min, max] = [max, min];
  if (axis === 'step') {
    min = Math.floor(min);
    max = Math.ceil(max);
  }
  if (max <= min) return null;
  return { min, max };
}

/**
 * Whether the series is coarser than its data inside `range`: true when a point drawn in the
 * range, or the first point after it (whose bucket reaches back into the range), stands for a
 * downsampled bucket (it carries the bucket's min/max). Raw points (live ones, or a range that
 * came back whole) have no finer data behind them, so zooming into them needs no request.
 */
export function needsRefetch(series: Pick<Series, 'steps' | 'mins' | 'maxs'>, range: XRange): boolean {
  const { steps, mins, maxs } = series;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step < range.min) continue;
    const bucket = mins[i] !== null && mins[i] !== undefined && maxs[i] !== null && maxs[i] !== undefined;
    if (bucket && i > 0) return true; // a downsampled series' first point is exact: it stands for itself
    if (step > range.max) return false;
  }
  return false;
}

/** Query-key parts for a range: the same range always asks the same question. */
export function rangeKey(range: XRange | null): [number, number] | ['full'] {
  return range ? [range.min, range.max] : ['full'];
}

/** The points of `series` with min <= step <= max. */
export function sliceSeries(series: Series, range: XRange): Series {
  const keep: number[] = [];
  series.steps.forEach((step, i) => {
    if (step >= range.min && step <= range.max) keep.push(i);
  });
  return {
    steps: keep.map((i) => series.steps[i]!),
    values: keep.map((i) => series.values[i] ?? null),
    walls: keep.map((i) => series.walls[i] ?? null),
    mins: keep.map((i) => series.mins[i] ?? null),
    maxs: keep.map((i) => series.maxs[i] ?? null),
  };
}

/**
 * What a zoomed chart draws: the full series outside `range`, and inside it the finer series
 * fetched for the range instead of the full series' coarser points. Points of the full series in
 * the range newer than the fetched ones (live points that arrived after the request) are kept, so a
 * live run keeps drawing while zoomed. Without a finer series (not fetched, or not needed) the full
 * series is returned unchanged.
 */
export function mergeZoomed(full: Series, fine: Series | null | undefined, range: XRange | null): Series {
  if (!range || !fine) return full;
  const inside = sliceSeries(fine, range);
  const lastFine = inside.steps.length > 0 ? inside.steps[inside.steps.length - 1]! : -Infinity;
  const keep: number[] = [];
  full.steps.forEach((step, i) => {
    if (step < range.min || step > range.max || step > lastFine) keep.push(i);
  });
  const outside: Series = {
    steps: keep.map((i) => full.steps[i]!),
    values: keep.map((i) => full.values[i] ?? null),
    walls: keep.map((i) => full.walls[i] ?? null),
    mins: keep.map((i) => full.mins[i] ?? null),
    maxs: keep.map((i) => full.maxs[i] ?? null),
  };
  return mergeSeries(outside, inside);
}

/** Number of points of a series inside the range (what a zoomed chart shows there). */
export function pointsInRange(series: Pick<Series, 'steps'>, range: XRange | null): number {
  if (!range) return series.steps.length;
  let count = 0;
  for (const step of series.steps) if (step >= range.min && step <= range.max) count++;
  return count;
}
