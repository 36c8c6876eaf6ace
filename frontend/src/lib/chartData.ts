// Turns a metric series into the columns a chart draws: the x axis (step or wall-clock time), the
// raw values, an optional EMA-smoothed line, and the min/max band of a downsampled series. Also
// lines several runs' series up on one x axis for the compare page. Pure, so it is tested alone.

import { emaSmooth } from './ema';
import type { Series } from './series';

export type XAxis = 'step' | 'wall';

export interface ChartOptions {
  xAxis: XAxis;
  /** A log-scale axis cannot show values <= 0: they become gaps. */
  logScale: boolean;
  /** EMA weight in [0, 1); 0 draws no smoothed line. */
  smoothing: number;
}

export interface ChartColumns {
  x: number[];
  raw: (number | null)[];
  /** Present when smoothing > 0. */
  smoothed?: (number | null)[];
  /** Present when some point stands for a downsampled bucket: the band's edges (null elsewhere). */
  lower?: (number | null)[];
  upper?: (number | null)[];
}

/** Whether the series has any bucket extremes to draw as a band. */
export function hasBand(series: Pick<Series, 'mins' | 'maxs'>): boolean {
  return series.mins.some((v, i) => v !== null && series.maxs[i] !== null && series.maxs[i] !== undefined);
}

/** Values for a log axis: only finite positive numbers survive. */
export function forLogScale(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (v !== null && Number.isFinite(v) && v > 0 ? v : null));
}

/** Whether any value can be drawn on a log axis at all. */
export function canUseLogScale(values: readonly (number | null)[]): boolean {
  return values.some((v) => v !== null && Number.isFinite(v) && v > 0);
}

/** Indices of the points to draw, in x order: all of them by step; by wall time those with a time, sorted. */
function order(series: Series, xAxis: XAxis): number[] {
  const indices = series.steps.map((_, i) => i);
  if (xAxis === 'step') return indices;
  return indices
    .filter((i) => series.walls[i] !== null && series.walls[i] !== undefined && Number.isFinite(series.walls[i]!))
    .sort((a, b) => series.walls[a]! - series.walls[b]! || series.steps[a]! - series.steps[b]!);
}

export function chartColumns(series: Series, options: ChartOptions): ChartColumns {
  const idx = order(series, options.xAxis);
  const x = idx.map((i) => (options.xAxis === 'step' ? series.steps[i]! : series.walls[i]!));
  const values = idx.map((i) => series.values[i] ?? null);
  const scale = options.logScale ? forLogScale : (v: (number | null)[]) => v;
  const columns: ChartColumns = { x, raw: scale(values) };
  // Smoothing runs over the real values in x order; the log axis then hides what it cannot show.
  if (options.smoothing > 0) columns.smoothed = scale(emaSmooth(values, options.smoothing));
  if (hasBand(series)) {
    const lower = idx.map((i) => series.mins[i] ?? null);
    const upper = idx.map((i) => series.maxs[i] ?? null);
    // Both edges or neither: a band with one edge missing would fill to the axis.
    const both = lower.map((v, i) => v !== null && upper[i] !== null);
    columns.lower = scale(lower.map((v, i) => (both[i] ? v : null)));
    columns.upper = scale(upper.map((v, i) => (both[i] ? v : null)));
    if (options.logScale) {
      columns.lower = columns.lower.map((v, i) => (v !== null && columns.upper![i] !== null ? v : null));
      columns.upper = columns.upper.map((v, i) => (v !== null && columns.lower![i] !== null ? v : null));
    }
  }
  return columns;
}

export interface XYSeries {
  x: readonly number[];
  y: readonly (number | null)[];
}

/**
 * Several series on one x axis (uPlot's aligned data): the sorted union of their x values, and
 * each series' y at those x (null where it has no point). A repeated x keeps the series' last y.
 */
export function alignSeries(list: readonly XYSeries[]): [number[], ...(number | null)[][]] {
  const xs = new Set<number>();
  const lookups = list.map((s) => {
    const byX = new Map<number, number | null>();
    s.x.forEach((x, i) => {
      xs.add(x);
      byX.set(x, s.y[i] ?? null);
    });
    return byX;
  });
  const x = [...xs].sort((a, b) => a - b);
  return [x, ...lookups.map((byX) => x.map((value) => (byX.has(value) ? byX.get(value)! : null)))];
}
