import { describe, expect, it } from 'vitest';
import { brushRange, buildAxis, filterRows, nudgeBrush, position, valueAt, type PcRow } from './parallel';

const rows: PcRow[] = [
  { id: 1, values: { lr: 0.001, opt: 'adam', loss: 2 } },
  { id: 2, values: { lr: 0.01, opt: 'sgd', loss: 3 } },
  { id: 3, values: { lr: 0.1, opt: 'adam', loss: null } },
];

describe('axes', () => {
  it('scales numbers linearly or on a log scale', () => {
    const linear = buildAxis('lr', 'lr', rows);
    expect(linear).toMatchObject({ kind: 'numeric', min: 0.001, max: 0.1, log: false });
    expect(position(linear, 0.1)).toBe(1);
    expect(position(linear, 0.001)).toBe(0);
    const log = buildAxis('lr', 'lr', rows, true);
    expect(position(log, 0.01)).toBeCloseTo(0.5);
    expect(valueAt(log as never, 0.5)).toBeCloseTo(0.01);
  });
  it('puts a constant axis in the middle and skips missing values', () => {
    const axis = buildAxis('x', 'x', [{ id: 1, values: { x: 4 } }]);
    expect(position(axis, 4)).toBe(0.5);
    expect(position(buildAxis('loss', 'loss', rows), null)).toBeNull();
  });
  it('marks an axis without values', () => {
    expect(buildAxis('m', 'm', [{ id: 1, values: { m: null } }])).toMatchObject({ kind: 'numeric', empty: true });
  });
  it('does not use log for non-positive values', () => {
    expect(buildAxis('v', 'v', [{ id: 1, values: { v: 0 } }, { id: 2, values: { v: 1 } }], true)).toMatchObject({ log: false });
  });
  it('spreads categories evenly', () => {
    const axis = buildAxis('opt', 'opt', rows);
    expect(axis).toMatchObject({ kind: 'categorical', categories: ['adam', 'sgd'] });
    expect(position(axis, 'sgd')).toBe(1);
    expect(position(axis, 'other')).toBeNull();
  });
});

describe('brushing', () => {
  const axes = [buildAxis('lr', 'lr', rows), buildAxis('opt', 'opt', rows), buildAxis('loss', 'loss', rows)];
  it('keeps every row without brushes', () => {
    expect([...filterRows(rows, axes, {})]).toEqual([1, 2, 3]);
  });
  it('keeps rows inside every brush', () => {
    expect([...filterRows(rows, axes, { lr: [0, 0.2] })]).toEqual([1, 2]);
    expect([...filterRows(rows, axes, { lr: [0, 0.2], opt: [0, 0.1] })]).toEqual([1]);
  });
  it('drops rows with no value on a brushed axis', () => {
    expect([...filterRows(rows, axes, { loss: [0, 1] })]).toEqual([1, 2]);
  });
  it('orders and clamps a dragged range', () => {
    expect(brushRange(0.8, -0.2)).toEqual([0, 0.8]);
  });
  it('narrows with the keyboard', () => {
    expect(nudgeBrush(undefined, 'up')).toEqual([0.1, 1]);
    expect(nudgeBrush([0.1, 1], 'down')[1]).toBeCloseTo(0.9);
    expect(nudgeBrush([0.5, 0.6], 'up')).toEqual([0.5, 0.6]);
  });
});
