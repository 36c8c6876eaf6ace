import { describe, expect, it } from 'vitest';
import { histogramBars } from './tokenStats';

describe('histogramBars', () => {
  it('drops empty buckets at the ends and labels ranges', () => {
    const bars = histogramBars([
      { up_to: 1, count: 0 }, { up_to: 2, count: 0 }, { up_to: 4, count: 2 }, { up_to: 8, count: 0 },
      { up_to: 16, count: 4 }, { up_to: 32, count: 0 },
    ]);
    expect(bars).toEqual([
      { label: '3–4', count: 2, share: 0.5 },
      { label: '5–8', count: 0, share: 0 },
      { label: '9–16', count: 4, share: 1 },
    ]);
  });
  it('labels a one-value bucket by its value and handles an empty histogram', () => {
    expect(histogramBars([{ up_to: 1, count: 3 }, { up_to: 2, count: 1 }]).map((b) => b.label)).toEqual(['0–1', '2']);
    expect(histogramBars([{ up_to: 1, count: 0 }])).toEqual([]);
  });
});
