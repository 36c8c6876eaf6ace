// Cloning a run from the new-run form (/runs/new?clone=ID): the form starts from the run's
// config laid over the method's defaults, and POST /runs/{id}/clone/ is sent only the edits,
// since the server deep-merges `config` edits into the original config.

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `over` laid on top, objects merged key by key (what the server does with config edits). */
export function deepMerge(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? deepMerge(merged[key] as Json, value) : value;
  }
  return merged;
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/**
 * The smallest object that, deep-merged into `original`, gives `edited` for every key `edited`
 * has: changed leaves only, nested as in the config; arrays are replaced whole. Keys that `edited`
 * lacks are left alone (a deep merge cannot remove them). Null when nothing changed.
 */
export function configEdits(original: Json, edited: Json): Json | null {
  const edits: Json = {};
  for (const [key, value] of Object.entries(edited)) {
    const before = original[key];
    if (isPlainObject(value) && isPlainObject(before)) {
      const inner = configEdits(before, value);
      if (inner) edits[key] = inner;
    } else if (!equal(before, value)) {
      edits[key] = value;
    }
  }
  return Object.keys(edits).length > 0 ? edits : null;
}

/** Tags as typed ("a, b,,c ") -> ["a", "b", "c"], each once. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

export function tagsText(tags: readonly string[] | null | undefined): string {
  return (tags ?? []).join(', ');
}
