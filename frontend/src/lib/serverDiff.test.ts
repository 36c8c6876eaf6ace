import { describe, expect, it } from 'vitest';
import { MISSING } from './diff';
import { displayPath, groupablePaths, rowsFromServerDiff, serverValue } from './serverDiff';

const diff = {
  values: {
    alpha: { '7': 0.1, '8': 0.5 },
    'training.max_steps': { '7': 10, '8': 10 },
    method: { '7': 'kd_forward_kl', '8': 'kd_forward_kl' },
    seed: { '7': 0, '8': 1 },
    student: { '7': 3, '8': 3 },
    teacher: { '7': 2, '8': null },
    train_dataset: { '7': 1, '8': 1 },
    validation_dataset: { '7': null, '8': null },
    'layers': { '7': [1, 2], '8': [1, 2] },
  },
  differing: ['alpha', 'seed', 'teacher'],
};

describe('rowsFromServerDiff', () => {
  it('lists the inputs first, then the config paths prefixed, with the server\'s verdict', () => {
    const rows = rowsFromServerDiff(diff, [7, 8]);
    expect(rows.map((r) => r.path)).toEqual([
      'method', 'student', 'teacher', 'train_dataset', 'validation_dataset', 'seed', 'config.alpha', 'config.layers',
      'config.training.max_steps',
    ]);
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['teacher', 'seed', 'config.alpha']);
    expect(rows.find((r) => r.path === 'config.layers')!.values).toEqual([[1, 2], [1, 2]]);
  });

  it('names models and datasets, and shows an input a run lacks as missing', () => {
    const rows = rowsFromServerDiff(diff, [7, 8], (path, id) => (path === 'teacher' ? `teacher-small (#${id})` : undefined));
    expect(rows.find((r) => r.path === 'teacher')!.values).toEqual(['teacher-small (#2)', MISSING]);
    expect(rows.find((r) => r.path === 'student')!.values).toEqual([3, 3]);
    expect(rows.find((r) => r.path === 'validation_dataset')).toMatchObject({ values: [MISSING, MISSING], differs: false });
  });

  it('follows the order of the given runs and marks a run the server left out as missing and differing', () => {
    const rows = rowsFromServerDiff(diff, [8, 7, 9]);
    expect(rows.find((r) => r.path === 'config.alpha')!.values).toEqual([0.5, 0.1, MISSING]);
    expect(rows.find((r) => r.path === 'config.training.max_steps')).toMatchObject({ values: [10, 10, MISSING], differs: true });
  });

  it('prefixes only config paths', () => {
    expect(displayPath('seed')).toBe('seed');
    expect(displayPath('training.seed')).toBe('config.training.seed');
  });
});

describe('grouping paths', () => {
  it('offers differing paths first, never the model and dataset ids', () => {
    expect(groupablePaths(diff)).toEqual(['alpha', 'seed', 'layers', 'method', 'training.max_steps']);
  });

  it('reads a run\'s value, undefined when absent', () => {
    expect(serverValue(diff, 'alpha', 8)).toBe(0.5);
    expect(serverValue(diff, 'alpha', 9)).toBeUndefined();
    expect(serverValue(diff, 'nope', 7)).toBeUndefined();
  });
});
