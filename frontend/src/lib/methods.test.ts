import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetKind, Method } from '../api/types';
import { makeDataset } from '../test/fixtures';
import { datasetsForMethod, familyLabel, groupMethodsByFamily, replayDatasets, trainingDatasetKinds } from './methods';

const method = (name: string, family: string, kinds: DatasetKind[] = ['text']): Method => ({
  name,
  family,
  description: '',
  paper: { title: '', url: '' },
  requires: { teacher: false, reference: false, dataset_kinds: kinds, tasks: false },
  schema: {},
});

const dataset = (id: number, kind: DatasetKind): Dataset => makeDataset({ id, name: `d${id}`, kind });

describe('groupMethodsByFamily', () => {
  it('orders distillation, alignment, continual, then others, keeping the registry order inside a family', () => {
    const groups = groupMethodsByFamily([
      method('replay', 'continual'),
      method('dpo', 'alignment'),
      method('lm_train', 'distillation'),
      method('x', 'zoo'),
      method('kd_forward_kl', 'distillation'),
    ]);
    expect(groups.map((g) => [g.family, g.methods.map((m) => m.name)])).toEqual([
      ['distillation', ['lm_train', 'kd_forward_kl']],
      ['alignment', ['dpo']],
      ['continual', ['replay']],
      ['zoo', ['x']],
    ]);
  });
});

describe('familyLabel', () => {
  it('names known families and capitalises others', () => {
    expect(familyLabel('distillation')).toBe('Knowledge distillation');
    expect(familyLabel('zoo')).toBe('Zoo');
  });
});

describe('datasetsForMethod', () => {
  const datasets = [dataset(1, 'text'), dataset(2, 'preference'), dataset(3, 'text')];

  it('keeps the kinds the method accepts', () => {
    expect(datasetsForMethod(datasets, method('kd', 'distillation', ['text'])).map((d) => d.id)).toEqual([1, 3]);
    expect(datasetsForMethod(datasets, method('dpo', 'alignment', ['preference'])).map((d) => d.id)).toEqual([2]);
  });

  it('keeps everything when the method names no kinds or none is chosen', () => {
    expect(datasetsForMethod(datasets, method('any', 'distillation', []))).toHaveLength(3);
    expect(datasetsForMethod(datasets, undefined)).toHaveLength(3);
  });
});

describe('training data of alignment and continual methods', () => {
  const datasets = [dataset(1, 'text'), dataset(2, 'preference'), dataset(3, 'prompt-completion'), dataset(4, 'chat'), dataset(5, 'task-sequence')];
  const ids = (m: Parameters<typeof datasetsForMethod>[1]) => datasetsForMethod(datasets, m).map((d) => d.id);

  it('offers only preference datasets to preference methods, even when the server names no kinds', () => {
    expect(ids(method('dpo', 'alignment', ['preference']))).toEqual([2]);
    expect(ids(method('ipo', 'alignment', []))).toEqual([2]);
  });

  it('offers prompts to grpo and kdrl', () => {
    expect(ids(method('grpo', 'alignment', []))).toEqual([3, 4]);
    expect(ids(method('kdrl', 'distillation', []))).toEqual([3, 4]);
  });

  it('offers only task sequences to methods that train on tasks, and task sequences to no one else', () => {
    const gere = { ...method('gere', 'continual', ['text']), requires: { teacher: false, reference: false, dataset_kinds: ['text' as DatasetKind], tasks: true } };
    expect(ids(gere)).toEqual([5]);
    expect(trainingDatasetKinds(gere)).toEqual(['task-sequence']);
    expect(ids(method('any', 'distillation', []))).toEqual([1, 2, 3, 4]);
    expect(ids(undefined)).toEqual([1, 2, 3, 4]);
  });

  it('replays text datasets only', () => {
    expect(replayDatasets(datasets).map((d) => d.id)).toEqual([1]);
  });
});
