// The server's config diff (GET /compare/ and /shared/{token}/: `values[path][runId]` and the
// `differing` paths) as the rows the config diff table draws. The server flattens each run's
// config to dotted paths and adds the run's method, seed, models and datasets under their own
// names; the table prefixes config paths with "config." so that they never read like the inputs,
// lists the inputs first, and shows model and dataset names where the page knows them.

import { deepEqual, MISSING, type DiffRow } from './diff';

/** Paths that the server adds beside the config, in the order the table shows them. */
export const INPUT_PATHS = ['method', 'student', 'teacher', 'train_dataset', 'validation_dataset', 'seed'] as const;

const ID_PATHS = new Set(['student', 'teacher', 'train_dataset', 'validation_dataset']);

export interface ServerDiff {
  values: Record<string, Record<string, unknown>>;
  differing: readonly string[];
}

/** "model name (#3)" for a model or dataset id, or undefined to show the bare id. */
export type NameOfInput = (path: string, id: number) => string | undefined;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function displayPath(path: string): string {
  return (INPUT_PATHS as readonly string[]).includes(path) ? path : `config.${path}`;
}

/**
 * One row per path with each run's value in `runIds` order. A model or dataset the run does not
 * have (no teacher, no validation set) is MISSING rather than null; a path whose values the server
 * lists as differing is marked so, and one it does not list is compared here too, so a run the
 * server left out of `values` cannot look equal.
 */
export function rowsFromServerDiff(diff: ServerDiff, runIds: readonly number[], nameOf: NameOfInput = () => undefined): DiffRow[] {
  const differing = new Set(diff.differing);
  const rank = (path: string) => {
    const i = (INPUT_PATHS as readonly string[]).indexOf(path);
    return i === -1 ? INPUT_PATHS.length : i;
  };
  return Object.keys(diff.values)
    .sort((a, b) => rank(a) - rank(b) || collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => {
      const byRun = diff.values[path] ?? {};
      const raw = runIds.map((id) => (Object.prototype.hasOwnProperty.call(byRun, String(id)) ? byRun[String(id)] : MISSING));
      const values = raw.map((value) => {
        if (!ID_PATHS.has(path)) return value;
        if (value === null || value === undefined) return MISSING;
        return typeof value === 'number' ? (nameOf(path, value) ?? value) : value;
      });
      const first = raw[0];
      const differs = differing.has(path) || raw.some((v) => (v === MISSING) !== (first === MISSING) || !deepEqual(v, first));
      return { path: displayPath(path), values, differs };
    });
}

/** Config paths (without the "config." prefix) that runs can be grouped by: every path but the inputs' ids. */
export function groupablePaths(diff: ServerDiff): string[] {
  return Object.keys(diff.values)
    .filter((path) => !ID_PATHS.has(path))
    .sort((a, b) => {
      // Paths that differ first: grouping by a value every run shares makes one group.
      const da = diff.differing.includes(a) ? 0 : 1;
      const db = diff.differing.includes(b) ? 0 : 1;
      return da - db || collator.compare(a, b);
    });
}

/** The value of `path` for a run, undefined when the server did not list it. */
export function serverValue(diff: ServerDiff, path: string, runId: number): unknown {
  const byRun = diff.values[path];
  if (!byRun || !Object.prototype.hasOwnProperty.call(byRun, String(runId))) return undefined;
  return byRun[String(runId)];
}
