import { describe, expect, it } from 'vitest';
import {
  availableColumns, columnKey, columnLabel, columnValue, DEFAULT_COLUMNS, getPath, moveColumn, parseColumns,
  serializeColumns, toggleColumn, type RunColumn,
} from './columns';

const loss: RunColumn = { kind: 'metric', name: 'train/loss', stat: 'min' };
const steps: RunColumn = { kind: 'config', path: 'training.max_steps' };

const run = {
  summaries: { 'train/loss': { last: 2, last_step: 9, min: 1.5, min_step: 7, max: 4, max_step: 1, count: 9 } },
  config: { alpha: 0.5, training: { max_steps: 100 }, layers: [{ size: 8 }] },
};

describe('stored columns', () => {
  it('round-trip, dropping invalid and duplicate entries', () => {
    expect(parseColumns(serializeColumns([loss, steps]))).toEqual([loss, steps]);
    expect(parseColumns(JSON.stringify([loss, { kind: 'metric', name: 'x', stat: 'mean' }, { kind: 'config', path: ' ' }, loss, 3])))
      .toEqual([loss]);
  });

  it('are null when nothing usable is stored', () => {
    expect(parseColumns(null)).toBeNull();
    expect(parseColumns('{not json')).toBeNull();
    expect(parseColumns('{"a":1}')).toBeNull();
    expect(parseColumns('[]')).toEqual([]);
  });
});

describe('choosing columns', () => {
  it('toggles a column in and out, keeping the order of the others', () => {
    const added = toggleColumn(DEFAULT_COLUMNS, steps);
    expect(added.map(columnKey)).toEqual(['metric:last:train/loss', 'config:training.max_steps']);
    expect(toggleColumn(added, { kind: 'metric', name: 'train/loss', stat: 'last' })).toEqual([steps]);
  });

  it('moves a column left or right within bounds', () => {
    expect(moveColumn([loss, steps], steps, -1)).toEqual([steps, loss]);
    expect(moveColumn([loss, steps], steps, 1)).toEqual([loss, steps]);
  });

  it('labels metric columns by name and statistic', () => {
    expect(columnLabel({ kind: 'metric', name: 'eval/loss', stat: 'last' })).toBe('eval/loss');
    expect(columnLabel(loss)).toBe('train/loss (min)');
    expect(columnLabel(steps)).toBe('training.max_steps');
  });
});

describe('column values', () => {
  it('reads metric summaries and dotted config paths, with array indices', () => {
    expect(columnValue(run, loss)).toBe(1.5);
    expect(columnValue(run, { kind: 'metric', name: 'eval/loss', stat: 'last' })).toBeNull();
    expect(columnValue(run, steps)).toBe(100);
    expect(getPath(run.config, 'layers[0].size')).toBe(8);
    expect(getPath(run.config, 'layers.0.size')).toBe(8);
    expect(getPath(run.config, 'training.nope.deeper')).toBeUndefined();
    expect(getPath(run.config, 'alpha.x')).toBeUndefined();
  });

  it('offers the metrics and config leaves the runs have', () => {
    expect(availableColumns([run, { summaries: { 'eval/loss': run.summaries['train/loss'] }, config: { seed_extra: 1 } }])).toEqual({
      metrics: ['eval/loss', 'train/loss'],
      configPaths: ['alpha', 'layers[0].size', 'seed_extra', 'training.max_steps'],
    });
  });
});
