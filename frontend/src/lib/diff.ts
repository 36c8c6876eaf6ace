// Side-by-side diff of several runs' configs: each config is flattened to dotted paths
// ("training.max_steps", "layers[1].size"), the paths are lined up, and a row says whether the
// runs disagree. A key one config lacks is MISSING there, which differs from any value, null
// included.

/** Marks a path that one config does not have. */
export const MISSING: unique symbol = Symbol('missing');

export type DiffValue = unknown;

export interface DiffRow {
  path: string;
  /** One per config, in the order given; MISSING where that config lacks the path. */
  values: DiffValue[];
  differs: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/**
 * Leaf paths of a config and their values. Objects are walked into; an array of plain values
 * (`[1, 2]`, `["a"]`) is one leaf compared as a whole, while an array holding objects or arrays
 * is walked by index (`layers[0].size`). Empty objects and arrays are leaves of their own.
 */
export function flattenConfig(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (node: unknown, path: string) => {
    if (isPlainObject(node)) {
      const keys = Object.keys(node);
      if (keys.length === 0 && path) out.set(path, {});
      for (const key of keys) walk(node[key], join(path, key));
      return;
    }
    if (Array.isArray(node) && node.length > 0 && !node.every(isPrimitive)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (path) out.set(path, node);
    else if (!isPlainObject(node)) out.set('', node);
  };
  walk(value, prefix);
  return out;
}

/** Structural equality for JSON values (the leaves: plain values, arrays of them, empty containers). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Orders paths like a person would read them: "a[2]" before "a[10]", case-insensitively. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function diffConfigs(configs: readonly unknown[]): DiffRow[] {
  const flat = configs.map((config) => flattenConfig(config));
  const paths = new Set<string>();
  for (const map of flat) for (const path of map.keys()) paths.add(path);
  return [...paths]
    .sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => {
      const values = flat.map((map) => (map.has(path) ? map.get(path) : MISSING));
      const first = values[0];
      const differs = values.some((v) => (v === MISSING) !== (first === MISSING) || (v !== MISSING && !deepEqual(v, first)));
      return { path, values, differs };
    });
}

export function onlyDifferences(rows: readonly DiffRow[]): DiffRow[] {
  return rows.filter((row) => row.differs);
}

/** A cell's text: JSON for values, an em dash for a missing key. */
export function formatDiffValue(value: DiffValue): string {
  if (value === MISSING) return '—';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
