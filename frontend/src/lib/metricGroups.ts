// Groups metric names by their prefix ("train/loss" -> "train") so the run page can show one
// section per family of charts, in a stable order.

export interface MetricGroup {
  /** The prefix before the first "/", or "other" for names without one. */
  prefix: string;
  names: string[];
}

/** Prefixes the engine emits, shown first and in this order; others follow alphabetically. */
const KNOWN_PREFIXES = ['train', 'eval', 'kd'];
const OTHER = 'other';

export function metricPrefix(name: string): string {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : OTHER;
}

export function groupMetricNames(names: Iterable<string>): MetricGroup[] {
  const byPrefix = new Map<string, Set<string>>();
  for (const name of names) {
    const prefix = metricPrefix(name);
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, new Set());
    byPrefix.get(prefix)!.add(name);
  }
  return [...byPrefix.keys()]
    .sort((a, b) => prefixRank(a) - prefixRank(b) || a.localeCompare(b))
    .map((prefix) => ({ prefix, names: [...byPrefix.get(prefix)!].sort((a, b) => a.localeCompare(b)) }));
}

function prefixRank(prefix: string): number {
  const known = KNOWN_PREFIXES.indexOf(prefix);
  if (known !== -1) return known;
  return prefix === OTHER ? KNOWN_PREFIXES.length + 1 : KNOWN_PREFIXES.length;
}
