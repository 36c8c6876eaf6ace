import { describe, expect, it } from 'vitest';
import { alignSeries, canUseLogScale, chartColumns, forLogScale, hasBand } from './chartData';
import type { Series } from './series';

const downsampled: Series = {
  steps: [1, 50, 100, 110],
  values: [3, 2, 1, 0.9],
  walls: [1000, 1050, 1100, 1110],
  mins: [3, 1.5, 0.8, null],
  maxs: [3, 2.5, 1.2, null],
};

const rawOnly: Series = { steps: [1, 2], values: [1, 2], walls: [10, 20], mins: [null, null], maxs: [null, null] };

describe('chartColumns', () => {
  it('draws steps, raw values and nothing else by default', () => {
    expect(chartColumns(rawOnly, { xAxis: 'step', logScale: false, smoothing: 0 })).toEqual({ x: [1, 2], raw: [1, 2] });
  });

  it('adds the min/max band when some points stand for downsampled buckets, with gaps for raw points', () => {
    const c = chartColumns(downsampled, { xAxis: 'step', logScale: false, smoothing: 0 });
    expect(c.lower).toEqual([3, 1.5, 0.8, null]);
    expect(c.upper).toEqual([3, 2.5, 1.2, null]);
    expect(hasBand(rawOnly)).toBe(false);
    expect(hasBand(downsampled)).toBe(true);
  });

  it('adds a smoothed line when smoothing is on and keeps the raw one', () => {
    const c = chartColumns(rawOnly, { xAxis: 'step', logScale: false, smoothing: 0.5 });
    expect(c.raw).toEqual([1, 2]);
    expect(c.smoothed).toHaveLength(2);
    expect(c.smoothed![0]).toBeCloseTo(1);
  });

  it('uses wall-clock seconds on the x axis, sorted, leaving out points without a time', () => {
    const s: Series = { steps: [1, 2, 3], values: [1, 2, 3], walls: [30, null, 10], mins: [null, null, null], maxs: [null, null, null] };
    expect(chartColumns(s, { xAxis: 'wall', logScale: false, smoothing: 0 })).toEqual({ x: [10, 30], raw: [3, 1] });
  });

  it('turns values a log axis cannot show into gaps, band edges in pairs', () => {
    const s: Series = { steps: [1, 2, 3], values: [0, -1, 2], walls: [1, 2, 3], mins: [-1, 0.5, 1], maxs: [1, 1, 3] };
    const c = chartColumns(s, { xAxis: 'step', logScale: true, smoothing: 0 });
    expect(c.raw).toEqual([null, null, 2]);
    expect(c.lower).toEqual([null, 0.5, 1]);
    expect(c.upper).toEqual([null, 1, 3]);
  });
});

describe('log scale helpers', () => {
  it('keeps only finite positive values', () => {
    expect(forLogScale([1, 0, -2, null, Number.POSITIVE_INFINITY, 1e-9])).toEqual([1, null, null, null, null, 1e-9]);
    expect(canUseLogScale([0, -1, null])).toBe(false);
    expect(canUseLogScale([0, 0.1])).toBe(true);
  });
});

describe('alignSeries', () => {
  it('puts every series on the union of x values with gaps', () => {
    expect(alignSeries([
      { x: [1, 2, 4], y: [10, 20, 40] },
      { x: [2, 3], y: [2, 3] },
    ])).toEqual([[1, 2, 3, 4], [10, 20, null, 40], [null, 2, 3, null]]);
  });

  it('handles no series and empty series', () => {
    expect(alignSeries([])).toEqual([[]]);
    expect(alignSeries([{ x: [], y: [] }, { x: [5], y: [null] }])).toEqual([[5], [null], [null]]);
  });
});
