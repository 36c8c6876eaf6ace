// The sweep editor's rows -> the API's `parameters`, and reading a swept value back from a run.
//
// A row is a dotted path into the run body ("config.training.learning_rate", "config.alpha",
// "seed") with either a list of values (grid, or random choice) or a {min, max, log} range
// (random only).

export type SweepStrategy = 'grid' | 'random';

export interface SweepRow {
  path: string;
  mode: 'list' | 'range';
  /** Comma-separated values, for `list`. */
  values: string;
  min: string;
  max: string;
  log: boolean;
}

export type SweepValue = number | string | boolean | null;
export type SweepParameter = SweepValue[] | { min: number; max: number; log: boolean };

export const emptyRow = (): SweepRow => ({ path: '', mode: 'list', values: '', min: '', max: '', log: false });

/** "1e-3, 3e-3, true, adam" -> [0.001, 0.003, true, "adam"]. Empty items are dropped. */
export function parseValueList(text: string): SweepValue[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    if (item === 'true') return true;
    if (item === 'false') return false;
    if (item === 'null') return null;
    const number = Number(item);
    if (Number.isFinite(number)) return number;
    return item.replace(/^["'](.*)["']$/, '$1');
  });
}

export interface BuiltParameters {
  parameters: Record<string, SweepParameter>;
  /** Messages by row index; `parameters` is only usable when this is empty. */
  errors: Record<number, string>;
}

export function buildParameters(rows: readonly SweepRow[], strategy: SweepStrategy): BuiltParameters {
  const parameters: Record<string, SweepParameter> = {};
  const errors: Record<number, string> = {};
  rows.forEach((row, index) => {
    const path = row.path.trim();
    if (!path) {
      errors[index] = 'Give the parameter path, e.g. config.alpha or seed.';
      return;
    }
    if (path in parameters) {
      errors[index] = `${path} is swept twice.`;
      return;
    }
    if (row.mode === 'list') {
      const values = parseValueList(row.values);
      if (values.length === 0) {
        errors[index] = 'Give at least one value, separated by commas.';
        return;
      }
      parameters[path] = values;
      return;
    }
    if (strategy === 'grid') {
      errors[index] = 'A grid needs a list of values; a min/max range needs the random strategy.';
      return;
    }
    const min = Number(row.min);
    const max = Number(row.max);
    if (row.min.trim() === '' || row.max.trim() === '' || !Number.isFinite(min) || !Number.isFinite(max)) {
      errors[index] = 'Min and max must be numbers.';
      return;
    }
    if (min >= max) {
      errors[index] = 'Min must be below max.';
      return;
    }
    if (row.log && min <= 0) {
      errors[index] = 'A log range needs a min above 0.';
      return;
    }
    parameters[path] = { min, max, log: row.log };
  });
  if (rows.length === 0) errors[-1] = 'Add at least one parameter to sweep.';
  return { parameters, errors };
}

/** Runs a grid makes: the product of the list lengths. */
export function gridSize(parameters: Record<string, SweepParameter>): number {
  return Object.values(parameters).reduce((n, p) => n * (Array.isArray(p) ? p.length : 1), 1);
}

/** The value at a dotted path of a run ("config.alpha" -> run.config.alpha; "seed" -> run.seed). */
export function valueAtPath(run: object, path: string): unknown {
  let current: unknown = run;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A column heading for a swept path: "config.training.learning_rate" -> "training.learning_rate". */
export function pathLabel(path: string): string {
  return path.startsWith('config.') ? path.slice('config.'.length) : path;
}

export function formatSweepValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return typeof value === 'string' ? value : JSON.stringify(value);
}
