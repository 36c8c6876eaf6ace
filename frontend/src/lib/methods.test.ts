import { describe, expect, it } from 'vitest';
import type { Dataset, Method } from '../api/types';
import { datasetsForMethod, familyLabel, groupMethodsByFamily } from './methods';

const method = (name: string, family: string, kinds: string[] = ['text']): Method => ({
  name,
  family,
  description: '',
  paper: { title: '', url: '' },
  requires: { teacher: false, reference: false, dataset_kinds: kinds },
  schema: {},
});

const dataset = (id: number, kind: string): Dataset => ({ id, workspace: 'demo', name: `d${id}`, kind });

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
