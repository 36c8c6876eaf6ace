import { describe, expect, it } from 'vitest';
import { EMPTY_SERIES, mergePoints, mergeSeries, mergeSeriesList, seriesFromFetched, type Series } from './series';

/** A series of raw points from steps and values only (walls unknown). */
function raw(steps: number[], values: (number | null)[]): Series {
  return { steps, values, walls: steps.map(() => null), mins: steps.map(() => null), maxs: steps.map(() => null) };
}

const pick = (s: Series) => ({ steps: s.steps, values: s.values });

describe('mergeSeries', () => {
  it('appends points that come after the last step', () => {
    const s = mergeSeries(raw([1, 2], [10, 20]), { steps: [3, 4], values: [30, 40] });
    expect(s).toEqual(raw([1, 2, 3, 4], [10, 20, 30, 40]));
  });

  it('drops duplicates when the same points arrive again (reconnect, fetch + stream overlap)', () => {
    const first = mergeSeries(EMPTY_SERIES, { steps: [1, 2, 3], values: [10, 20, 30] });
    const again = mergeSeries(first, { steps: [2, 3], values: [20, 30] });
    expect(again).toEqual(raw([1, 2, 3], [10, 20, 30]));
  });

  it('inserts out-of-order points in step order and lets the newer value win', () => {
    const s = mergeSeries(raw([1, 5, 9], [1, 5, 9]), { steps: [7, 5, 3], values: [7, 50, 3] });
    expect(pick(s)).toEqual({ steps: [1, 3, 5, 7, 9], values: [1, 3, 50, 7, 9] });
  });

  it('handles duplicated steps inside one batch', () => {
    const s = mergeSeries(EMPTY_SERIES, { steps: [1, 1, 2], values: [1, 2, 3] });
    expect(pick(s)).toEqual({ steps: [1, 2], values: [2, 3] });
  });

  it('keeps null values (gaps) and returns the same object for an empty batch', () => {
    const base = raw([1], [null]);
    expect(mergeSeries(base, { steps: [], values: [] })).toBe(base);
    expect(pick(mergeSeries(base, { steps: [2], values: [null] }))).toEqual({ steps: [1, 2], values: [null, null] });
  });

  it('does not mutate its input', () => {
    const base = raw([1, 2], [1, 2]);
    mergeSeries(base, { steps: [3], values: [3] });
    mergeSeries(base, { steps: [0], values: [0] });
    expect(base).toEqual(raw([1, 2], [1, 2]));
  });

  it('carries walls and bucket extremes along with each point, in both merge paths', () => {
    const base = mergeSeries(EMPTY_SERIES, { steps: [10, 20], values: [2, 1], walls: [100, 200], mins: [1.5, 0.5], maxs: [3, 1.5] });
    const appended = mergeSeries(base, { steps: [30], values: [0.9], walls: [300] });
    expect(appended).toEqual({ steps: [10, 20, 30], values: [2, 1, 0.9], walls: [100, 200, 300], mins: [1.5, 0.5, null], maxs: [3, 1.5, null] });
    const inserted = mergeSeries(appended, { steps: [15], values: [1.7], walls: [150] });
    expect(inserted.walls).toEqual([100, 150, 200, 300]);
    expect(inserted.mins).toEqual([1.5, null, 0.5, null]);
  });
});

describe('mergePoints', () => {
  it('splits a batch by metric name and creates series for new names', () => {
    const state = { 'train/loss': raw([1], [3]) };
    const next = mergePoints(state, [
      { name: 'train/loss', step: 2, value: 2.5, wall: 5 },
      { name: 'eval/loss', step: 2, value: 2.9, wall: 5 },
      { name: 'train/loss', step: 3, value: 2.1, wall: 6 },
    ]);
    expect(pick(next['train/loss']!)).toEqual({ steps: [1, 2, 3], values: [3, 2.5, 2.1] });
    expect(next['train/loss']!.walls).toEqual([null, 5, 6]);
    expect(pick(next['eval/loss']!)).toEqual({ steps: [2], values: [2.9] });
  });

  it('keeps untouched series identical so their charts do not redraw', () => {
    const lr = raw([1], [0.1]);
    const next = mergePoints({ 'train/lr': lr }, [{ name: 'train/loss', step: 1, value: 1 }]);
    expect(next['train/lr']).toBe(lr);
  });

  it('returns the same state for no points', () => {
    const state = {};
    expect(mergePoints(state, [])).toBe(state);
  });
});

describe('mergeSeriesList', () => {
  it('merges a downsampled fetch with live points already received, without duplicates', () => {
    const live = mergePoints({}, [
      { name: 'train/loss', step: 100, value: 1.0 },
      { name: 'train/loss', step: 110, value: 0.9 },
    ]);
    const next = mergeSeriesList(live, [
      { name: 'train/loss', steps: [10, 50, 100], values: [3, 2, 1.0] },
      { name: 'eval/loss', steps: [50], values: [2.5] },
    ]);
    expect(pick(next['train/loss']!)).toEqual({ steps: [10, 50, 100, 110], values: [3, 2, 1.0, 0.9] });
    expect(pick(next['eval/loss']!)).toEqual({ steps: [50], values: [2.5] });
  });

  it('keeps bucket extremes only from a downsampled series', () => {
    const full = { name: 'a', steps: [1, 2], values: [1, 2], walls: [1, 2], mins: [1, 2], maxs: [1, 2], downsampled: false };
    const down = { name: 'b', steps: [1, 9], values: [1, 2], walls: [1, 9], mins: [0.5, 1], maxs: [1.5, 3], downsampled: true };
    const next = mergeSeriesList({}, [full, down]);
    expect(next.a!.mins).toEqual([null, null]);
    expect(next.b!.mins).toEqual([0.5, 1]);
    expect(next.b!.maxs).toEqual([1.5, 3]);
    expect(seriesFromFetched(down)).toEqual(next.b);
  });
});
