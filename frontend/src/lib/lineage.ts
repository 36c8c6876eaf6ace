// A model's lineage as far as the API tells it: a model points at the run that produced it
// (`produced_by_run`), that run at its teacher and its starting student model, and so on up. The
// walk follows the teacher when the run had one (distillation), otherwise the student it started
// from (plain or continued training), and stops at a model no run produced, at a cycle, at a
// depth limit, or where a request fails.

import type { Model, ModelLineage, Run } from '../api/types';

export type LineageModel = Pick<Model, 'id' | 'name'> & Partial<Pick<Model, 'source' | 'produced_by_run' | 'parameter_count'>>;
export type LineageRun = Pick<Run, 'id' | 'name' | 'method'> & Partial<Pick<Run, 'status' | 'teacher' | 'student'>>;

export interface LineageStep {
  run: LineageRun;
  teacher: LineageModel | null;
  /** The model the run started from. */
  student: LineageModel | null;
  /** The model this run produced. */
  produced: LineageModel;
}

export interface Lineage {
  /** Oldest first; the last step produced the model asked about. */
  steps: LineageStep[];
  /** Why the walk stopped before reaching a model no run produced, if it did. */
  stopped: null | { reason: 'cycle' | 'depth' | 'error'; message: string };
}

export interface LineageFetchers {
  getModel: (id: number) => Promise<LineageModel>;
  getRun: (id: number) => Promise<LineageRun>;
}

export const MAX_LINEAGE_DEPTH = 12;

export async function walkLineage(model: LineageModel, fetch: LineageFetchers, maxDepth = MAX_LINEAGE_DEPTH): Promise<Lineage> {
  const steps: LineageStep[] = [];
  const seen = new Set<number>([model.id]);
  let current = model;
  while (current.produced_by_run !== null && current.produced_by_run !== undefined) {
    if (steps.length >= maxDepth) {
      return { steps, stopped: { reason: 'depth', message: `Only the last ${maxDepth} steps are shown.` } };
    }
    const runId = current.produced_by_run;
    let step: LineageStep;
    try {
      const run = await fetch.getRun(runId);
      const [teacher, student] = await Promise.all([
        run.teacher !== null && run.teacher !== undefined ? fetch.getModel(run.teacher) : null,
        run.student !== null && run.student !== undefined ? fetch.getModel(run.student) : null,
      ]);
      step = { run, teacher, student, produced: current };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { steps, stopped: { reason: 'error', message: `Run #${runId} or its models could not be loaded: ${why}` } };
    }
    steps.unshift(step);
    const parent = step.teacher ?? step.student;
    if (!parent) break;
    if (seen.has(parent.id)) {
      return { steps, stopped: { reason: 'cycle', message: `Model #${parent.id} appears twice in its own lineage.` } };
    }
    seen.add(parent.id);
    current = parent;
  }
  return { steps, stopped: null };
}

export type ChainItem =
  | { type: 'model'; model: LineageModel; current: boolean }
  | { type: 'run'; step: LineageStep; via: 'teacher' | 'student'; sideInput: LineageModel | null };

/**
 * The lineage as a left-to-right chain: the oldest ancestor, then each run and the model it
 * produced. A run with a teacher is entered from the teacher and names its starting student as a
 * side input; a run without one is entered from the student it started from.
 */
export function lineageChain(model: LineageModel, lineage: Lineage): ChainItem[] {
  const items: ChainItem[] = [];
  const first = lineage.steps[0];
  const start = first ? first.teacher ?? first.student : null;
  if (start) items.push({ type: 'model', model: start, current: start.id === model.id });
  for (const step of lineage.steps) {
    const via = step.teacher ? 'teacher' : 'student';
    items.push({ type: 'run', step, via, sideInput: step.teacher ? step.student : null });
    items.push({ type: 'model', model: step.produced, current: step.produced.id === model.id });
  }
  if (items.length === 0) items.push({ type: 'model', model, current: true });
  return items;
}

/**
 * The lineage endpoint's ancestors (nearest first: the run that produced the model, its teacher and
 * the student it started from, then that parent's producing run...) as steps, oldest first.
 */
export function lineageFromApi(response: ModelLineage): Lineage {
  const steps: LineageStep[] = [];
  let produced: LineageModel = response.model;
  for (const ancestor of response.ancestors) {
    steps.unshift({
      run: { ...ancestor.run, teacher: ancestor.teacher?.id ?? null, student: ancestor.initial.id },
      teacher: ancestor.teacher,
      student: ancestor.initial,
      produced,
    });
    produced = ancestor.teacher ?? ancestor.initial;
  }
  return { steps, stopped: null };
}

export interface DescendantNode {
  role: 'teacher' | 'student' | 'reference';
  run: ModelLineage['descendants'][number]['run'];
  model: ModelLineage['descendants'][number]['model'];
  children: DescendantNode[];
}

/** The descendants as a tree under `rootId`: each node is a run that used its parent model (as
 *  teacher or starting student) and the model it produced. A model is placed once. */
export function descendantTree(rootId: number, descendants: ModelLineage['descendants']): DescendantNode[] {
  const placed = new Set<number>([rootId]);
  const build = (from: number): DescendantNode[] => {
    const nodes: DescendantNode[] = [];
    for (const d of descendants) {
      if (d.from !== from || placed.has(d.model.id)) continue;
      placed.add(d.model.id);
      nodes.push({ role: d.role, run: d.run, model: d.model, children: [] });
    }
    for (const node of nodes) node.children = build(node.model.id);
    return nodes;
  };
  return build(rootId);
}
