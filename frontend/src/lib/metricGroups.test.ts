import { describe, expect, it } from 'vitest';
import { groupMetricNames, metricPrefix } from './metricGroups';

describe('metricPrefix', () => {
  it('takes the part before the first slash', () => {
    expect(metricPrefix('train/loss')).toBe('train');
    expect(metricPrefix('kd/kl/token')).toBe('kd');
  });

  it('puts names without a prefix in "other"', () => {
    expect(metricPrefix('loss')).toBe('other');
    expect(metricPrefix('/loss')).toBe('other');
  });
});

describe('groupMetricNames', () => {
  it('orders train, eval, kd first, then other prefixes alphabetically, then unprefixed names', () => {
    const groups = groupMetricNames([
      'zeta/x', 'loss', 'kd/kl', 'eval/perplexity', 'train/lr', 'align/reward', 'train/loss', 'eval/loss',
    ]);
    expect(groups).toEqual([
      { prefix: 'train', names: ['train/loss', 'train/lr'] },
      { prefix: 'eval', names: ['eval/loss', 'eval/perplexity'] },
      { prefix: 'kd', names: ['kd/kl'] },
      { prefix: 'align', names: ['align/reward'] },
      { prefix: 'zeta', names: ['zeta/x'] },
      { prefix: 'other', names: ['loss'] },
    ]);
  });

  it('ignores repeated names and handles no names', () => {
    expect(groupMetricNames(['train/loss', 'train/loss'])).toEqual([{ prefix: 'train', names: ['train/loss'] }]);
    expect(groupMetricNames([])).toEqual([]);
  });
});
