import { describe, expect, it } from 'vitest';
import { buildParameters, emptyRow, formatSweepValue, gridSize, parseValueList, pathLabel, valueAtPath } from './sweeps';

describe('parseValueList', () => {
  it('reads numbers, booleans, null and strings', () => {
    expect(parseValueList('1e-3, 3e-3,true, adam ,, null, "x"')).toEqual([0.001, 0.003, true, 'adam', null, 'x']);
  });
});

describe('buildParameters', () => {
  it('builds lists and ranges', () => {
    const rows = [
      { ...emptyRow(), path: 'config.alpha', values: '0.1, 0.5' },
      { ...emptyRow(), path: 'config.training.learning_rate', mode: 'range' as const, min: '1e-4', max: '1e-2', log: true },
    ];
    expect(buildParameters(rows, 'random')).toEqual({
      parameters: { 'config.alpha': [0.1, 0.5], 'config.training.learning_rate': { min: 1e-4, max: 1e-2, log: true } },
      errors: {},
    });
  });
  it('refuses ranges in a grid, bad ranges, blanks and duplicates', () => {
    const rows = [
      { ...emptyRow(), path: 'config.alpha', mode: 'range' as const, min: '0', max: '1' },
      { ...emptyRow(), path: '' },
      { ...emptyRow(), path: 'seed', values: ' , ' },
      { ...emptyRow(), path: 'seed', values: '1' },
      { ...emptyRow(), path: 'seed', values: '2' },
    ];
    const { errors } = buildParameters(rows, 'grid');
    expect(Object.keys(errors).map(Number).sort()).toEqual([0, 1, 2, 4]);
    const random = buildParameters([{ ...emptyRow(), path: 'a', mode: 'range', min: '0', max: '1', log: true }], 'random');
    expect(random.errors[0]).toMatch(/above 0/);
    expect(buildParameters([{ ...emptyRow(), path: 'a', mode: 'range', min: '2', max: '1' }], 'random').errors[0]).toMatch(/below/);
    expect(buildParameters([], 'grid').errors[-1]).toBeTruthy();
  });
});

describe('gridSize, valueAtPath, labels', () => {
  it('multiplies list lengths', () => {
    expect(gridSize({ a: [1, 2, 3], b: [true, false] })).toBe(6);
  });
  it('reads dotted paths from a run', () => {
    const run = { seed: 3, config: { alpha: 0.5, training: { learning_rate: 0.001 } } };
    expect(valueAtPath(run, 'config.training.learning_rate')).toBe(0.001);
    expect(valueAtPath(run, 'seed')).toBe(3);
    expect(valueAtPath(run, 'config.beta')).toBeUndefined();
    expect(valueAtPath(run, 'config.alpha.x')).toBeUndefined();
  });
  it('labels and formats', () => {
    expect(pathLabel('config.training.learning_rate')).toBe('training.learning_rate');
    expect(pathLabel('seed')).toBe('seed');
    expect(formatSweepValue(0.000123456)).toBe('0.0001235');
    expect(formatSweepValue(undefined)).toBe('—');
    expect(formatSweepValue(true)).toBe('true');
  });
});
