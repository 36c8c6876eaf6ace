import { describe, expect, it } from 'vitest';
import { EMPTY_SERIES, mergePoints, mergeSeries, mergeSeriesList } from './series';

describe('mergeSeries', () => {
  it('appends points that come after the last step', () => {
    const s = mergeSeries({ steps: [1, 2], values: [10, 20] }, [3, 4], [30, 40]);
    expect(s).toEqual({ steps: [1, 2, 3, 4], values: [10, 20, 30, 40] });
  });

  it('drops duplicates when the same points arrive again (reconnect, fetch + stream overlap)', () => {
    const first = mergeSeries(EMPTY_SERIES, [1, 2, 3], [10, 20, 30]);
    const again = mergeSeries(first, [2, 3], [20, 30]);
    expect(again).toEqual({ steps: [1, 2, 3], values: [10, 20, 30] });
  });

  it('inserts out-of-order points in step order and lets the newer value win', () => {
    const s = mergeSeries({ steps: [1, 5, 9], values: [1, 5, 9] }, [7, 5, 3], [7, 50, 3]);
    expect(s).toEqual({ steps: [1, 3, 5, 7, 9], values: [1, 3, 50, 7, 9] });
  });

  it('handles duplicated steps inside one batch', () => {
    const s = mergeSeries(EMPTY_SERIES, [1, 1, 2], [1, 2, 3]);
    expect(s).toEqual({ steps: [1, 2], values: [2, 3] });
  });

  it('keeps null values (gaps) and returns the same object for an empty batch', () => {
    const base = { steps: [1], values: [null] };
    expect(mergeSeries(base, [], [])).toBe(base);
    expect(mergeSeries(base, [2], [null])).toEqual({ steps: [1, 2], values: [null, null] });
  });

  it('does not mutate its input', () => {
    const base = { steps: [1, 2], values: [1, 2] };
    mergeSeries(base, [3], [3]);
    mergeSeries(base, [0], [0]);
    expect(base).toEqual({ steps: [1, 2], values: [1, 2] });
  });
});

describe('mergePoints', () => {
  it('splits a batch by metric name and creates series for new names', () => {
    const state = { 'train/loss': { steps: [1], values: [3] } };
    const next = mergePoints(state, [
      { name: 'train/loss', step: 2, value: 2.5, wall: 0 },
      { name: 'eval/loss', step: 2, value: 2.9, wall: 0 },
      { name: 'train/loss', step: 3, value: 2.1, wall: 0 },
    ]);
    expect(next['train/loss']).toEqual({ steps: [1, 2, 3], values: [3, 2.5, 2.1] });
    expect(next['eval/loss']).toEqual({ steps: [2], values: [2.9] });
  });

  it('keeps untouched series identical so their charts do not redraw', () => {
    const lr = { steps: [1], values: [0.1] };
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
    expect(next['train/loss']).toEqual({ steps: [10, 50, 100, 110], values: [3, 2, 1.0, 0.9] });
    expect(next['eval/loss']).toEqual({ steps: [50], values: [2.5] });
  });
});
