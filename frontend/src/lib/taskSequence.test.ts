import { describe, expect, it } from 'vitest';
import { hasErrors, moveRow, newRow, placeServerErrors, removeRow, requestTasks, validateTaskSequence, type TaskRow } from './taskSequence';

const row = (name: string, train: string, validation: string): TaskRow => ({ ...newRow(), name, train, validation });

describe('task sequence rows', () => {
  it('moves a row up and down, and not past the ends', () => {
    const rows = [row('a', '1', '2'), row('b', '3', '4'), row('c', '5', '6')];
    expect(moveRow(rows, 1, -1).map((r) => r.name)).toEqual(['b', 'a', 'c']);
    expect(moveRow(rows, 1, 1).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(moveRow(rows, 0, -1).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(moveRow(rows, 2, 1).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(removeRow(rows, 1).map((r) => r.name)).toEqual(['a', 'c']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });

  it('sends the rows in order with dataset ids as numbers', () => {
    expect(requestTasks([row(' a ', '1', '2'), row('b', '3', '4')])).toEqual([
      { name: 'a', train_dataset: 1, validation_dataset: 2 }, { name: 'b', train_dataset: 3, validation_dataset: 4 },
    ]);
  });
});

describe('validateTaskSequence', () => {
  it('passes a named sequence of two complete tasks', () => {
    expect(hasErrors(validateTaskSequence('seq', [row('a', '1', '2'), row('b', '3', '4')]))).toBe(false);
  });

  it('needs a name and at least two tasks', () => {
    const errors = validateTaskSequence(' ', [row('a', '1', '2')]);
    expect(errors.name).toEqual(['Give the sequence a name.']);
    expect(errors.tasks[0]).toMatch(/at least 2 tasks/);
    expect(hasErrors(errors)).toBe(true);
  });

  it('marks each incomplete or duplicate row', () => {
    const errors = validateTaskSequence('seq', [row('a', '1', ''), row('', '', '4'), row('a', '1', '2')]);
    expect(errors.rows[0]).toEqual({ validation_dataset: ['Choose the dataset this task is evaluated on.'] });
    expect(errors.rows[1]).toEqual({ name: ['Name the task.'], train_dataset: ['Choose the dataset this task trains on.'] });
    expect(errors.rows[2]!.name![0]).toMatch(/Task 1 already has this name/);
  });
});

describe('placeServerErrors', () => {
  it('places dotted keys on their row and field', () => {
    const placed = placeServerErrors({
      'tasks.1.train_dataset': ['dataset 9 is not text'],
      'tasks.0': 'bad row',
      tasks: ['at least 2 tasks'],
      name: ['taken'],
      workspace: ['unknown'],
      'tasks.5.name': ['too long'],
    }, 2);
    expect(placed.rows[1]).toEqual({ train_dataset: ['dataset 9 is not text'] });
    expect(placed.rows[0]).toEqual({ row: ['bad row'] });
    expect(placed.tasks).toEqual(['at least 2 tasks']);
    expect(placed.name).toEqual(['taken']);
    expect(placed.other).toEqual(['workspace: unknown', 'Task 6: too long']);
  });

  it('reads DRF\'s nested list of row errors', () => {
    const placed = placeServerErrors({ tasks: [{}, { validation_dataset: ['not found'], name: ['blank'] }] }, 2);
    expect(placed.rows[0]).toEqual({});
    expect(placed.rows[1]).toEqual({ validation_dataset: ['not found'], name: ['blank'] });
    expect(placed.tasks).toEqual([]);
  });
});
