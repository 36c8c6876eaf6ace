import { describe, expect, it } from 'vitest';
import type { MetricSummary } from '../api/types';
import { isActiveStatus, lastMetricValue, runMetricNames } from './runStatus';

const summary = (last: number): MetricSummary => ({
  last, last_step: 10, min: last, min_step: 10, max: last, max_step: 10, count: 1,
});

describe('isActiveStatus', () => {
  it('is true for queued and running only', () => {
    expect(isActiveStatus('queued')).toBe(true);
    expect(isActiveStatus('running')).toBe(true);
    for (const status of ['succeeded', 'failed', 'cancelled', undefined]) expect(isActiveStatus(status)).toBe(false);
  });
});

describe('runMetricNames', () => {
  it('unites metric_names and the summaries keys', () => {
    expect(
      runMetricNames({ metric_names: ['train/loss'], summaries: { 'train/loss': summary(1), 'eval/loss': summary(2) } }).sort(),
    ).toEqual(['eval/loss', 'train/loss']);
    expect(runMetricNames({ summaries: { 'kd/kl': summary(1) } })).toEqual(['kd/kl']);
    expect(runMetricNames(undefined)).toEqual([]);
  });
});

describe('lastMetricValue', () => {
  it('reads the summary or gives null', () => {
    expect(lastMetricValue({ summaries: { 'train/loss': summary(2.5) } }, 'train/loss')).toBe(2.5);
    expect(lastMetricValue({}, 'train/loss')).toBeNull();
  });
});
