import { describe, expect, it } from 'vitest';
import { emaSmooth } from './ema';

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it('starts at the first value (debiased) and matches the hand-computed average', () => {
    const out = emaSmooth([10, 20], 0.5);
    expect(out[0]).toBeCloseTo(10);
    // raw: 0.5*(0.5*10) + 0.5*20 = 12.5; debias by 1 - 0.25
    expect(out[1]).toBeCloseTo(12.5 / 0.75);
  });

  it('keeps a constant series constant', () => {
    for (const v of emaSmooth([3, 3, 3, 3, 3], 0.9)) expect(v).toBeCloseTo(3);
  });

  it('leaves gaps as null without resetting the average', () => {
    const out = emaSmooth([10, null, Number.NaN, 10], 0.9);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNull();
    expect(out[3]).toBeCloseTo(10);
  });

  it('smooths a step change gradually', () => {
    const out = emaSmooth([0, 0, 0, 10, 10], 0.6);
    expect(out[3]!).toBeGreaterThan(0);
    expect(out[3]!).toBeLessThan(10);
    expect(out[4]!).toBeGreaterThan(out[3]!);
  });
});
