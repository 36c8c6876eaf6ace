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

export const TASK_SEQUENCE_KIND = 'task-sequence';
/** Reward-driven methods train on prompts (with reference completions), not on preference pairs. */
const PROMPT_KINDS = ['prompt-completion', 'chat'];
const RL_METHODS = ['grpo', 'kdrl'];

/**
 * The dataset kinds a method's training data may have: a task sequence for methods that train on
 * tasks; otherwise the kinds the method names. A server that names none for an alignment method
 * still gets the family's kinds (preference pairs, or prompts for GRPO/KDRL), never "any".
 */
export function trainingDatasetKinds(method: Method | undefined): string[] {
  if (!method) return [];
  if (method.requires.tasks) return [TASK_SEQUENCE_KIND];
  const kinds = method.requires.dataset_kinds ?? [];
  if (kinds.length > 0) return kinds.filter((k) => k !== TASK_SEQUENCE_KIND);
  if (RL_METHODS.includes(method.name)) return PROMPT_KINDS;
  if (method.family === 'alignment') return ['preference'];
  return [];
}

/**
 * Datasets the method can train on; with no kinds named, every dataset but task sequences (which
 * only methods that train on tasks read).
 */
export function datasetsForMethod(datasets: readonly Dataset[], method: Method | undefined): Dataset[] {
  const kinds = trainingDatasetKinds(method);
  if (kinds.length === 0) return datasets.filter((dataset) => dataset.kind !== TASK_SEQUENCE_KIND);
  return datasets.filter((dataset) => kinds.includes(dataset.kind));
}

/** Datasets a continual-learning run may replay between its tasks: general text. */
export function replayDatasets(datasets: readonly Dataset[]): Dataset[] {
  return datasets.filter((dataset) => dataset.kind === 'text');
}
