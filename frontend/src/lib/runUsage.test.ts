import { describe, expect, it } from 'vitest';
import { formatKeyMetric } from './runUsage';

describe('formatKeyMetric', () => {
  it('names the metric, its last value and step, and which way is better', () => {
    expect(formatKeyMetric({ name: 'eval/loss', value: 2.25, step: 20, higher_is_better: false })).toBe('eval/loss 2.25 (step 20) ↓');
    expect(formatKeyMetric({ name: 'eval/accuracy', value: 0.5, step: 40, higher_is_better: true })).toBe('eval/accuracy 0.5 (step 40) ↑');
  });

  it('shows a dash for a run that has logged none yet', () => {
    expect(formatKeyMetric(null)).toBe('—');
  });
});
