import { describe, expect, it } from 'vitest';
import { mergeSeriesList, type Series } from './series';
import { mergeZoomed, needsRefetch, pointsInRange, rangeFromSelection, rangeKey, sliceSeries } from './zoom';

const scale = (px: number) => 100 + px * 10; // 0 px = step 100, 1 px = 10 steps

function series(steps: number[], bucket = false): Series {
  return {
    steps,
    values: steps.map((s) => s / 10),
    walls: steps.map((s) => 1000 + s),
    mins: steps.map((s) => (bucket ? s / 10 - 1 : null)),
    maxs: steps.map((s) => (bucket ? s / 10 + 1 : null)),
  };
}

describe('rangeFromSelection', () => {
  it('maps the selected pixels to whole steps, widened outwards', () => {
    expect(rangeFromSelection(10.04, 20.05, scale)).toEqual({ min: 200, max: 401 });
    const wall = rangeFromSelection(10.04, 20.05, scale, 'wall')!;
    expect(wall.min).toBeCloseTo(200.4, 9);
    expect(wall.max).toBeCloseTo(400.9, 9);
  });

  it('ignores clicks, reversed or unusable selections', () => {
    expect(rangeFromSelection(50, 0, scale)).toBeNull();
    expect(rangeFromSelection(50, 2, scale)).toBeNull();
    expect(rangeFromSelection(10, 20, () => Number.NaN)).toBeNull();
    expect(rangeFromSelection(10, 20, (px) => -px)).toEqual({ min: -30, max: -10 });
    // A few pixels over less than one step still spans a step.
    expect(rangeFromSelection(0, 5, (px) => 7 + px / 100)).toEqual({ min: 7, max: 8 });
    expect(rangeFromSelection(0, 5, () => 7)).toBeNull();
  });
});

describe('needsRefetch', () => {
  // A downsampled fetch: first point exact, then buckets with their extremes.
  const downsampled = mergeSeriesList({}, [{
    name: 'loss', steps: [0, 100, 200, 300, 400], values: [5, 4, 3, 2, 1], walls: [1, 2, 3, 4, 5],
    mins: [5, 3.5, 2.5, 1.5, 1], maxs: [5, 4.5, 3.5, 2.5, 1.5], downsampled: true,
  }]).loss!;

  it('is true where a bucket point lies in the range or is the first after it', () => {
    expect(needsRefetch(downsampled, { min: 120, max: 280 })).toBe(true);
    expect(needsRefetch(downsampled, { min: 110, max: 150 })).toBe(true); // only the bucket at 200 covers it
    expect(needsRefetch(downsampled, { min: 350, max: 1000 })).toBe(true);
  });

  it('is false on raw points, past the end, and for the exact first point alone', () => {
    const raw = mergeSeriesList({}, [{ name: 'loss', steps: [0, 1, 2, 3], values: [1, 2, 3, 4], walls: [1, 2, 3, 4],
      mins: [1, 2, 3, 4], maxs: [1, 2, 3, 4], downsampled: false }]).loss!;
    expect(needsRefetch(raw, { min: 0, max: 3 })).toBe(false);
    expect(needsRefetch(downsampled, { min: 500, max: 900 })).toBe(false);
    expect(needsRefetch({ steps: [0], mins: [5], maxs: [5] }, { min: 0, max: 0 })).toBe(false);
    // Live raw points appended after a downsampled snapshot need no request.
    const live = { ...downsampled, steps: [...downsampled.steps, 401, 402], mins: [...downsampled.mins, null, null],
      maxs: [...downsampled.maxs, null, null] };
    expect(needsRefetch(live, { min: 401, max: 402 })).toBe(false);
  });
});

describe('mergeZoomed', () => {
  const full = series([0, 100, 200, 300, 400], true);
  const fine = series([150, 175, 200, 225, 250]);

  it('draws the finer points inside the range and the full series outside it', () => {
    const merged = mergeZoomed(full, fine, { min: 150, max: 250 });
    expect(merged.steps).toEqual([0, 100, 150, 175, 200, 225, 250, 300, 400]);
    // Bands stay where they were (outside); the fetched raw points inside have none, the bucket at 200 is replaced.
    expect(merged.mins).toEqual([-1, 9, null, null, null, null, null, 29, 39]);
    expect(merged.walls[2]).toBe(1150);
  });

  it('keeps live points of the full series newer than the fetched range', () => {
    const live: Series = { ...full, steps: [...full.steps, 401, 402], values: [...full.values, 7, 8],
      walls: [...full.walls, 1, 2], mins: [...full.mins, null, null], maxs: [...full.maxs, null, null] };
    const merged = mergeZoomed(live, series([390, 395, 399]), { min: 390, max: 500 });
    expect(merged.steps).toEqual([0, 100, 200, 300, 390, 395, 399, 400, 401, 402]);
    expect(merged.values.slice(-2)).toEqual([7, 8]);
  });

  it('ignores fetched points outside the range, and returns the full series when there is nothing finer', () => {
    // The fetched range ends at 160 here, so the full series' 200 counts as a newer (live) point and stays.
    expect(mergeZoomed(full, series([10, 160, 999]), { min: 150, max: 250 }).steps).toEqual([0, 100, 160, 200, 300, 400]);
    expect(mergeZoomed(full, series([10, 999]), { min: 150, max: 250 }).steps).toEqual(full.steps);
    expect(mergeZoomed(full, undefined, { min: 150, max: 250 })).toBe(full);
    expect(mergeZoomed(full, fine, null)).toBe(full);
  });
});

describe('helpers', () => {
  it('slices, counts and keys ranges', () => {
    expect(sliceSeries(series([1, 5, 9]), { min: 2, max: 9 }).steps).toEqual([5, 9]);
    expect(pointsInRange(series([1, 5, 9]), { min: 2, max: 9 })).toBe(2);
    expect(pointsInRange(series([1, 5, 9]), null)).toBe(3);
    expect(rangeKey({ min: 3, max: 4 })).toEqual([3, 4]);
    expect(rangeKey(null)).toEqual(['full']);
  });
});
