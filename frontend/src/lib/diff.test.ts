import { describe, expect, it } from 'vitest';
import { deepEqual, diffConfigs, flattenConfig, formatDiffValue, MISSING, onlyDifferences } from './diff';

describe('flattenConfig', () => {
  it('walks nested objects into dotted paths', () => {
    expect([...flattenConfig({ alpha: 0.5, training: { max_steps: 10, optim: { lr: 1e-3 } } })]).toEqual([
      ['alpha', 0.5],
      ['training.max_steps', 10],
      ['training.optim.lr', 1e-3],
    ]);
  });

  it('keeps arrays of plain values whole and walks arrays of objects by index', () => {
    expect(Object.fromEntries(flattenConfig({ tags: ['a', 'b'], layers: [{ size: 4 }, { size: 8 }], grid: [[1], [2]] }))).toEqual({
      tags: ['a', 'b'],
      'layers[0].size': 4,
      'layers[1].size': 8,
      'grid[0]': [1],
      'grid[1]': [2],
    });
  });

  it('keeps empty containers and nulls as leaves', () => {
    expect(Object.fromEntries(flattenConfig({ extra: {}, list: [], none: null }))).toEqual({ extra: {}, list: [], none: null });
    expect(flattenConfig({}).size).toBe(0);
  });
});

describe('diffConfigs', () => {
  const a = { alpha: 0.5, training: { max_steps: 100, lr: 0.002, schedule: ['warmup', 'cosine'] }, note: null };
  const b = { alpha: 0.1, training: { max_steps: 100, lr: 0.002, schedule: ['warmup', 'linear'] }, temperature: 2 };

  it('lines the paths of every config up, sorted, and marks the ones that differ', () => {
    const rows = diffConfigs([a, b]);
    expect(rows.map((r) => [r.path, r.differs])).toEqual([
      ['alpha', true],
      ['note', true],
      ['temperature', true],
      ['training.lr', false],
      ['training.max_steps', false],
      ['training.schedule', true],
    ]);
  });

  it('marks a key one config lacks as MISSING, which differs even from null', () => {
    const rows = diffConfigs([a, b]);
    expect(rows.find((r) => r.path === 'note')!.values).toEqual([null, MISSING]);
    expect(rows.find((r) => r.path === 'temperature')!.values).toEqual([MISSING, 2]);
    expect(diffConfigs([{ x: null }, {}])[0]!.differs).toBe(true);
  });

  it('does not call a key missing in every config but one the same as a missing one', () => {
    const rows = diffConfigs([{}, {}, { only: 1 }]);
    expect(rows).toEqual([{ path: 'only', values: [MISSING, MISSING, 1], differs: true }]);
  });

  it('compares arrays by value', () => {
    expect(diffConfigs([{ t: [1, 2] }, { t: [1, 2] }])[0]!.differs).toBe(false);
    expect(diffConfigs([{ t: [1, 2] }, { t: [2, 1] }])[0]!.differs).toBe(true);
    expect(diffConfigs([{ l: [{ a: 1 }] }, { l: [{ a: 1 }, { a: 2 }] }]).map((r) => [r.path, r.differs])).toEqual([
      ['l[0].a', false],
      ['l[1].a', true],
    ]);
  });

  it('orders indices numerically', () => {
    const many = { l: Array.from({ length: 11 }, (_, i) => ({ v: i })) };
    expect(diffConfigs([many]).map((r) => r.path).slice(0, 3)).toEqual(['l[0].v', 'l[1].v', 'l[2].v']);
  });

  it('handles a value that is an object in one config and a number in another', () => {
    const rows = diffConfigs([{ opt: { lr: 1 } }, { opt: 5 }]);
    expect(rows.map((r) => [r.path, r.values, r.differs])).toEqual([
      ['opt', [MISSING, 5], true],
      ['opt.lr', [1, MISSING], true],
    ]);
  });

  it('filters to the differences, and a single config has none', () => {
    expect(onlyDifferences(diffConfigs([a, b])).map((r) => r.path)).toEqual(['alpha', 'note', 'temperature', 'training.schedule']);
    expect(onlyDifferences(diffConfigs([a]))).toEqual([]);
  });
});

describe('deepEqual and formatDiffValue', () => {
  it('compares JSON values structurally', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual(0, -0)).toBe(false);
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true);
  });

  it('shows values as JSON and missing keys as a dash', () => {
    expect(formatDiffValue(MISSING)).toBe('—');
    expect(formatDiffValue('cosine')).toBe('cosine');
    expect(formatDiffValue(null)).toBe('null');
    expect(formatDiffValue([1, 2])).toBe('[1,2]');
    expect(formatDiffValue(0.5)).toBe('0.5');
  });
});
