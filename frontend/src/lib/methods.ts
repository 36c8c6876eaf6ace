// How the new-run form offers methods and datasets: methods grouped by family, datasets limited
// to the kinds the chosen method can train on.

import type { Dataset, Method } from '../api/types';

export interface MethodFamilyGroup {
  family: string;
  methods: Method[];
}

const FAMILY_ORDER = ['distillation', 'alignment', 'continual'];

export function groupMethodsByFamily(methods: readonly Method[]): MethodFamilyGroup[] {
  const byFamily = new Map<string, Method[]>();
  for (const method of methods) {
    const family = method.family || 'other';
    if (!byFamily.has(family)) byFamily.set(family, []);
    byFamily.get(family)!.push(method);
  }
  const rank = (family: string) => {
    const index = FAMILY_ORDER.indexOf(family);
    return index === -1 ? FAMILY_ORDER.length : index;
  };
  return [...byFamily.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((family) => ({ family, methods: byFamily.get(family)! }));
}

/** "continual" -> "Continual learning"; unknown families are capitalised. */
export function familyLabel(family: string): string {
  const labels: Record<string, string> = {
    distillation: 'Knowledge distillation',
    alignment: 'Alignment',
    continual: 'Continual learning',
  };
  return labels[family] ?? family.charAt(0).toUpperCase() + family.slice(1);
}

/** Datasets whose kind the method accepts; every dataset when the method names no kinds. */
export function datasetsForMethod(datasets: readonly Dataset[], method: Method | undefined): Dataset[] {
  const kinds = method?.requires.dataset_kinds ?? [];
  if (kinds.length === 0) return [...datasets];
  return datasets.filter((dataset) => kinds.includes(dataset.kind));
}
