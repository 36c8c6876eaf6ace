// Metric series kept sorted by step with one point per step, so that the initial (downsampled)
// fetch, live points and points re-sent after a reconnect can be merged in any order without
// duplicates. A later point for a step replaces the earlier one.
//
// Each point carries its wall-clock time (for the wall-time x axis) and, when it stands for a
// bucket of a downsampled fetch, the bucket's min and max (for the band drawn behind the line).
// Raw points have null extremes.

import type { MetricPoint } from '../api/types';

export interface Series {
  steps: number[];
  values: (number | null)[];
  /** Unix seconds; null when unknown. */
  walls: (number | null)[];
  /** Bucket extremes of a downsampled point; null for a raw point. */
  mins: (number | null)[];
  maxs: (number | null)[];
}

/** What can be merged into a series: steps and values, and optionally the other columns. */
export interface SeriesChunk {
  steps: readonly number[];
  values: readonly (number | null)[];
  walls?: readonly (number | null | undefined)[];
  mins?: readonly (number | null)[] | null;
  maxs?: readonly (number | null)[] | null;
}

export type SeriesByName = Readonly<Record<string, Series>>;

export const EMPTY_SERIES: Series = { steps: [], values: [], walls: [], mins: [], maxs: [] };

interface Point {
  value: number | null;
  wall: number | null;
  min: number | null;
  max: number | null;
}

function chunkPoint(chunk: SeriesChunk, i: number): Point {
  return {
    value: chunk.values[i] ?? null,
    wall: chunk.walls?.[i] ?? null,
    min: chunk.mins?.[i] ?? null,
    max: chunk.maxs?.[i] ?? null,
  };
}

/** Returns a new series holding the union of both, sorted by step; the chunk wins on ties. */
export function mergeSeries(into: Series, chunk: SeriesChunk): Series {
  const { steps } = chunk;
  if (steps.length === 0) return into;
  const lastStep = into.steps.length > 0 ? into.steps[into.steps.length - 1]! : -Infinity;
  const points = steps.map((_, i) => chunkPoint(chunk, i));
  if (isStrictlyIncreasing(steps) && steps[0]! > lastStep) {
    // The common live case: new points come after everything we have.
    return {
      steps: [...into.steps, ...steps],
      values: [...into.values, ...points.map((p) => p.value)],
      walls: [...into.walls, ...points.map((p) => p.wall)],
      mins: [...into.mins, ...points.map((p) => p.min)],
      maxs: [...into.maxs, ...points.map((p) => p.max)],
    };
  }
  const byStep = new Map<number, Point>();
  into.steps.forEach((step, i) =>
    byStep.set(step, { value: into.values[i] ?? null, wall: into.walls[i] ?? null, min: into.mins[i] ?? null, max: into.maxs[i] ?? null }));
  steps.forEach((step, i) => byStep.set(step, points[i]!));
  const merged = [...byStep.keys()].sort((a, b) => a - b);
  const ordered = merged.map((step) => byStep.get(step)!);
  return {
    steps: merged,
    values: ordered.map((p) => p.value),
    walls: ordered.map((p) => p.wall),
    mins: ordered.map((p) => p.min),
    maxs: ordered.map((p) => p.max),
  };
}

/** Merges live points (several metrics mixed) into the per-name series; untouched series keep their identity. */
export function mergePoints(state: SeriesByName, points: readonly MetricPoint[]): SeriesByName {
  if (points.length === 0) return state;
  const grouped = new Map<string, { steps: number[]; values: (number | null)[]; walls: (number | null)[] }>();
  for (const point of points) {
    let group = grouped.get(point.name);
    if (!group) {
      group = { steps: [], values: [], walls: [] };
      grouped.set(point.name, group);
    }
    group.steps.push(point.step);
    group.values.push(point.value);
    group.walls.push(point.wall ?? null);
  }
  const next: Record<string, Series> = { ...state };
  for (const [name, group] of grouped) {
    next[name] = mergeSeries(state[name] ?? EMPTY_SERIES, group);
  }
  return next;
}

function isStrictlyIncreasing(steps: readonly number[]): boolean {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]! <= steps[i - 1]!) return false;
  }
  return true;
}

/** A series as GET /runs/{id}/metrics/ sends it. */
export interface FetchedSeries extends SeriesChunk {
  name: string;
  downsampled?: boolean;
}

/**
 * Merges whole series from GET /runs/{id}/metrics/ into the per-name state. The bucket extremes
 * are kept only from a downsampled series: for a full one the server repeats the values in
 * `mins`/`maxs`, and a band of zero width is not worth drawing.
 */
export function mergeSeriesList(state: SeriesByName, series: readonly FetchedSeries[]): SeriesByName {
  if (series.length === 0) return state;
  const next: Record<string, Series> = { ...state };
  for (const s of series) {
    const chunk: SeriesChunk = s.downsampled ? s : { steps: s.steps, values: s.values, walls: s.walls };
    next[s.name] = mergeSeries(next[s.name] ?? EMPTY_SERIES, chunk);
  }
  return next;
}

/** One fetched series on its own (compare page). */
export function seriesFromFetched(s: FetchedSeries): Series {
  return mergeSeriesList({}, [s])[s.name] ?? EMPTY_SERIES;
}
