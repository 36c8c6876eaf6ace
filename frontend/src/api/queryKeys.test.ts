import { describe, expect, it } from 'vitest';
import { queryKeys } from './queryKeys';

const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) =>
  prefix.every((part, index) => Object.is(key[index], part));

describe('queryKeys', () => {
  it('makes the "all of them" keys prefixes of the keys they invalidate', () => {
    expect(startsWith(queryKeys.runs({ workspace: 'demo', status: 'running' }), queryKeys.runsAll)).toBe(true);
    expect(startsWith(queryKeys.audit('demo', 3), queryKeys.auditAll('demo'))).toBe(true);
    expect(startsWith(queryKeys.audit('lab', 1), queryKeys.auditAll('demo'))).toBe(false);
    // A new, changed or deleted run reaches the lists of the runs that used a model or a dataset.
    expect(startsWith(queryKeys.modelRuns(3, 'teacher', 2), queryKeys.runsAll)).toBe(true);
    expect(startsWith(queryKeys.datasetRuns(3, '', 1), queryKeys.runsAll)).toBe(true);
    expect(queryKeys.modelRuns(3, '', 1)).not.toEqual(queryKeys.datasetRuns(3, '', 1));
  });

  it('keys one object per id, apart from the lists', () => {
    expect(queryKeys.run(7)).not.toEqual(queryKeys.run(8));
    expect(queryKeys.sweep(5)).not.toEqual(queryKeys.sweeps('demo'));
    expect(queryKeys.playground(4)).toEqual(['playground', 4]);
  });
});
