import { describe, expect, it } from 'vitest';
import { aggregateAsSeries, aggregateSeries, groupRunsBy, NOT_SET_KEY, stableKey, valueAt } from './groupBy';

describe('groupRunsBy', () => {
  const lr: Record<number, unknown> = { 1: 0.01, 2: 0.001, 3: 0.01, 4: undefined, 5: 0.001 };

  it('puts runs with equal values together, in numeric order, unset last', () => {
    const groups = groupRunsBy([1, 2, 3, 4, 5], (id) => lr[id]);
    expect(groups.map((g) => [g.label, g.runIds])).toEqual([
      ['0.001', [2, 5]],
      ['0.01', [1, 3]],
      ['(not set)', [4]],
    ]);
    expect(groups[2]!.key).toBe(NOT_SET_KEY);
  });

  it('treats objects with the same keys in another order as one value, and null apart from unset', () => {
    const values: Record<number, unknown> = { 1: { a: 1, b: 2 }, 2: { b: 2, a: 1 }, 3: null, 4: undefined };
    const groups = groupRunsBy([1, 2, 3, 4], (id) => values[id]);
    expect(groups.map((g) => g.runIds)).toEqual([[1, 2], [3], [4]]);
    expect(groups[0]!.label).toBe('{"a":1,"b":2}');
    expect(groups[1]!.label).toBe('null');
  });

  it('sorts strings naturally and numbers before strings', () => {
    const values: Record<number, unknown> = { 1: 'run10', 2: 'run9', 3: 2, 4: true };
    expect(groupRunsBy([1, 2, 3, 4], (id) => values[id]).map((g) => g.label)).toEqual(['2', 'run9', 'run10', 'true']);
  });

  it('keys values stably', () => {
    expect(stableKey({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(stableKey(undefined)).toBe(NOT_SET_KEY);
  });
});

describe('valueAt', () => {
  const s = { steps: [10, 20, 40], values: [1, 3, 2] as (number | null)[] };

  it('reads a point, interpolates between points and says nothing outside the run', () => {
    expect(valueAt(s, 20)).toBe(3);
    expect(valueAt(s, 15)).toBe(2);
    expect(valueAt(s, 30)).toBe(2.5);
    expect(valueAt(s, 5)).toBeNull();
    expect(valueAt(s, 41)).toBeNull();
  });

  it('skips null and non-finite values', () => {
    expect(valueAt({ steps: [0, 5, 10], values: [0, null, 10] }, 5)).toBe(5);
    expect(valueAt({ steps: [0, 5, 10], values: [0, Number.NaN, 10] }, 5)).toBe(5);
    expect(valueAt({ steps: [], values: [] }, 0)).toBeNull();
  });
});

describe('aggregateSeries', () => {
  it('averages the runs at every step, with their min and max, interpolating where a run has no point', () => {
    const a = { steps: [0, 10, 20], values: [4, 2, 1] };
    const b = { steps: [0, 20], values: [6, 3] };
    const agg = aggregateSeries([a, b]);
    expect(agg.steps).toEqual([0, 10, 20]);
    // b at step 10 is halfway between 6 and 3: 4.5.
    expect(agg.mean).toEqual([5, 3.25, 2]);
    expect(agg.min).toEqual([4, 2, 1]);
    expect(agg.max).toEqual([6, 4.5, 3]);
    expect(agg.counts).toEqual([2, 2, 2]);
  });

  it('counts only the runs that reached a step', () => {
    const long = { steps: [0, 10, 20, 30], values: [4, 3, 2, 1] };
    const short = { steps: [0, 10], values: [6, 5] };
    const agg = aggregateSeries([long, short]);
    expect(agg.steps).toEqual([0, 10, 20, 30]);
    expect(agg.mean).toEqual([5, 4, 2, 1]);
    expect(agg.counts).toEqual([2, 2, 1, 1]);
    expect(agg.min[3]).toBe(1);
    expect(agg.max[3]).toBe(1);
  });

  it('is the series itself for one run, and empty for none', () => {
    const one = aggregateSeries([{ steps: [1, 2], values: [3, null] }]);
    expect(one).toEqual({ steps: [1], mean: [3], min: [3], max: [3], counts: [1] });
    expect(aggregateSeries([])).toEqual({ steps: [], mean: [], min: [], max: [], counts: [] });
    expect(aggregateSeries([{ steps: [], values: [] }]).steps).toEqual([]);
  });

  it('becomes a chart series whose band is the min and max', () => {
    const series = aggregateAsSeries(aggregateSeries([{ steps: [0, 1], values: [1, 2] }, { steps: [0, 1], values: [3, 4] }]));
    expect(series).toEqual({ steps: [0, 1], values: [2, 3], walls: [null, null], mins: [1, 2], maxs: [3, 4] });
  });
});
