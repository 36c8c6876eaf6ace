import { describe, expect, it } from 'vitest';
import { descendantTree, lineageChain, lineageFromApi, walkLineage, type LineageFetchers, type LineageModel, type LineageRun } from './lineage';

// demo-teacher-init --(run 1: lm_train)--> demo-teacher --(run 2: kd, student demo-student)--> distilled
const models: Record<number, LineageModel> = {
  1: { id: 1, name: 'demo-teacher-init', produced_by_run: null },
  2: { id: 2, name: 'demo-student', produced_by_run: null },
  3: { id: 3, name: 'demo-teacher', produced_by_run: 1 },
  4: { id: 4, name: 'distilled', produced_by_run: 2 },
};
const runs: Record<number, LineageRun> = {
  1: { id: 1, name: 'train the teacher', method: 'lm_train', status: 'succeeded', teacher: null, student: 1 },
  2: { id: 2, name: 'distill', method: 'kd_forward_kl', status: 'succeeded', teacher: 3, student: 2 },
};

function fetchers(overrides: Partial<LineageFetchers> = {}): LineageFetchers & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getModel: async (id) => {
      calls.push(`model ${id}`);
      const m = models[id];
      if (!m) throw new Error('Not found');
      return m;
    },
    getRun: async (id) => {
      calls.push(`run ${id}`);
      const r = runs[id];
      if (!r) throw new Error('Not found');
      return r;
    },
    ...overrides,
  };
}

describe('walkLineage', () => {
  it('follows the teacher up through the runs that produced each model', async () => {
    const lineage = await walkLineage(models[4]!, fetchers());
    expect(lineage.stopped).toBeNull();
    expect(lineage.steps.map((s) => [s.run.id, s.teacher?.name ?? null, s.student?.name, s.produced.name])).toEqual([
      [1, null, 'demo-teacher-init', 'demo-teacher'],
      [2, 'demo-teacher', 'demo-student', 'distilled'],
    ]);
  });

  it('is empty for a model no run produced, without asking the server anything', async () => {
    const f = fetchers();
    expect(await walkLineage(models[2]!, f)).toEqual({ steps: [], stopped: null });
    expect(f.calls).toEqual([]);
  });

  it('stops with a message where a request fails, keeping what it found', async () => {
    const lineage = await walkLineage(models[4]!, fetchers({ getRun: async (id) => {
      if (id === 1) throw new Error('Not found: it does not exist.');
      return runs[id]!;
    } }));
    expect(lineage.steps).toHaveLength(1);
    expect(lineage.stopped).toEqual({ reason: 'error', message: 'Run #1 or its models could not be loaded: Not found: it does not exist.' });
  });

  it('stops at a cycle and at the depth limit', async () => {
    const loop: LineageModel = { id: 9, name: 'loop', produced_by_run: 9 };
    const cyclic = await walkLineage(loop, {
      getModel: async () => loop,
      getRun: async () => ({ id: 9, name: 'r', method: 'lm_train', status: 'succeeded', teacher: null, student: 9 }),
    });
    expect(cyclic.stopped?.reason).toBe('cycle');
    expect(cyclic.steps).toHaveLength(1);

    const deep = await walkLineage(models[4]!, fetchers(), 1);
    expect(deep.steps.map((s) => s.run.id)).toEqual([2]);
    expect(deep.stopped?.reason).toBe('depth');
  });
});

describe('lineageChain', () => {
  it('lays the lineage out oldest first: model, run, model, run, model', async () => {
    const chain = lineageChain(models[4]!, await walkLineage(models[4]!, fetchers()));
    expect(chain.map((item) => (item.type === 'model' ? `model ${item.model.name}${item.current ? ' *' : ''}` : `run ${item.step.run.id} via ${item.via}${item.sideInput ? ` + ${item.sideInput.name}` : ''}`))).toEqual([
      'model demo-teacher-init',
      'run 1 via student',
      'model demo-teacher',
      'run 2 via teacher + demo-student',
      'model distilled *',
    ]);
  });

  it('is the model alone when nothing produced it', () => {
    expect(lineageChain(models[1]!, { steps: [], stopped: null })).toEqual([{ type: 'model', model: models[1], current: true }]);
  });
});

describe('lineage endpoint', () => {
  const node = (id: number, name: string) => ({ id, name, source: 'run' as const, architecture: 'llama', parameter_count: null });
  it('turns ancestors (nearest first) into steps, oldest first', () => {
    const lineage = lineageFromApi({
      model: node(4, 'distilled'),
      ancestors: [
        { run: { id: 11, name: 'distill', method: 'kd_forward_kl' }, teacher: node(3, 'teacher'), initial: node(2, 'student-init'), reference: null },
        { run: { id: 10, name: 'train teacher', method: 'lm_train' }, teacher: null, initial: node(1, 'base'), reference: null },
      ],
      descendants: [],
      ingredients: [],
      soups: [],
    });
    expect(lineage.steps.map((s) => [s.run.id, s.teacher?.id ?? null, s.student?.id, s.produced.id])).toEqual([
      [10, null, 1, 3],
      [11, 3, 2, 4],
    ]);
    const chain = lineageChain({ id: 4, name: 'distilled' }, lineage);
    expect(chain.map((c) => (c.type === 'model' ? `m${c.model.id}` : `r${c.step.run.id}`))).toEqual(['m1', 'r10', 'm3', 'r11', 'm4']);
  });
  it('nests descendants under the model they came from, each model once', () => {
    const tree = descendantTree(1, [
      { from: 1, role: 'teacher', run: { id: 20, name: 'a', method: 'kd_forward_kl' }, model: node(5, 'child') },
      { from: 5, role: 'student', run: { id: 21, name: 'b', method: 'lm_train' }, model: node(6, 'grandchild') },
      { from: 1, role: 'student', run: { id: 22, name: 'c', method: 'lm_train' }, model: node(7, 'other') },
      { from: 6, role: 'teacher', run: { id: 23, name: 'loop', method: 'kd_forward_kl' }, model: node(1, 'root again') },
    ]);
    expect(tree.map((n) => [n.model.id, n.role, n.children.map((c) => c.model.id)])).toEqual([
      [5, 'teacher', [6]],
      [7, 'student', []],
    ]);
    expect(tree[0]!.children[0]!.children).toEqual([]);
  });
});
