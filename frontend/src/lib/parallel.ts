// Parallel coordinates: one vertical axis per key, each run a polyline through its values.
// Positions are normalised to 0 (bottom) .. 1 (top); the component maps them to pixels.
//
// Numeric axes scale linearly between their min and max (logarithmically when every value is
// positive and `log` is asked for); any other values (strings, booleans) make a categorical axis
// with its distinct values spread evenly in first-seen order. A brush is a [low, high] range of
// normalised positions on an axis; a run passes when it has a value inside every brush.

export interface PcRow {
  id: number;
  values: Record<string, unknown>;
}

export type PcAxis =
  | { key: string; label: string; kind: 'numeric'; min: number; max: number; log: boolean; empty?: boolean }
  | { key: string; label: string; kind: 'categorical'; categories: string[] };

export type Brushes = Record<string, readonly [number, number]>;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function buildAxis(key: string, label: string, rows: readonly PcRow[], log = false): PcAxis {
  const present = rows.map((r) => r.values[key]).filter((v) => v !== undefined && v !== null);
  if (present.every(isNumber)) {
    const numbers = present as number[];
    const min = numbers.length ? Math.min(...numbers) : 0;
    const max = numbers.length ? Math.max(...numbers) : 1;
    return { key, label, kind: 'numeric', min, max, log: log && min > 0, ...(numbers.length ? {} : { empty: true }) };
  }
  const categories: string[] = [];
  for (const v of present) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (!categories.includes(text)) categories.push(text);
  }
  return { key, label, kind: 'categorical', categories };
}

/** A value's position on the axis, 0..1, or null when the run has none there. */
export function position(axis: PcAxis, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (axis.kind === 'numeric') {
    if (!isNumber(value)) return null;
    if (axis.max === axis.min) return 0.5;
    if (axis.log) {
      if (value <= 0) return null;
      return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
    }
    return (value - axis.min) / (axis.max - axis.min);
  }
  const index = axis.categories.indexOf(typeof value === 'string' ? value : JSON.stringify(value));
  if (index < 0) return null;
  return axis.categories.length === 1 ? 0.5 : index / (axis.categories.length - 1);
}

/** The value at a position on a numeric axis (for tick labels and brush read-outs). */
export function valueAt(axis: PcAxis & { kind: 'numeric' }, t: number): number {
  if (axis.log) return Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)));
  return axis.min + t * (axis.max - axis.min);
}

/** A brush from two positions in either order, clamped to 0..1. */
export function brushRange(a: number, b: number): readonly [number, number] {
  const clamp = (t: number) => Math.min(1, Math.max(0, t));
  return [clamp(Math.min(a, b)), clamp(Math.max(a, b))];
}

/** Ids of the rows inside every brush (all rows when there are none). */
export function filterRows(rows: readonly PcRow[], axes: readonly PcAxis[], brushes: Brushes): Set<number> {
  const active = axes.filter((axis) => brushes[axis.key]);
  const kept = new Set<number>();
  const EPS = 1e-9;
  for (const row of rows) {
    const inside = active.every((axis) => {
      const [low, high] = brushes[axis.key]!;
      const t = position(axis, row.values[axis.key]);
      return t !== null && t >= low - EPS && t <= high + EPS;
    });
    if (inside) kept.add(row.id);
  }
  return kept;
}

/** A brush moved by the keyboard: ArrowUp keeps the upper part (raises the low end), ArrowDown
 *  keeps the lower part (lowers the high end), by `step`; never narrower than `step`. */
export function nudgeBrush(brush: readonly [number, number] | undefined, key: 'up' | 'down', step = 0.1): readonly [number, number] {
  const [low, high] = brush ?? [0, 1];
  if (key === 'up') return [Math.max(low, Math.min(low + step, high - step)), high];
  return [low, Math.min(high, Math.max(high - step, low + step))];
}
