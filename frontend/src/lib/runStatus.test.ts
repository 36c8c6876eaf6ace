import { describe, expect, it } from 'vitest';
import type { MetricSummary } from '../api/types';
import { isActiveStatus, lastMetricValue, runMetricNames, recentFinished } from './runStatus';

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
  it('lists the summaries keys', () => {
    expect(
      runMetricNames({ summaries: { 'train/loss': summary(1), 'eval/loss': summary(2) } }).sort(),
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

describe('recentFinished', () => {
  it('keeps finished runs, newest finish first, at most count', () => {
    const run = (id: number, status: string, finished_at: string | null) =>
      ({ id, status: status as 'succeeded', finished_at, created_at: '2025-01-01T00:00:00Z' });
    const runs = [
      run(1, 'succeeded', '2025-01-01T10:00:00Z'),
      run(2, 'running', null),
      run(3, 'failed', '2025-01-01T12:00:00Z'),
      run(4, 'cancelled', null),
      run(5, 'succeeded', '2025-01-01T11:00:00Z'),
    ];
    expect(recentFinished(runs, 10).map((r) => r.id)).toEqual([3, 5, 1, 4]);
    expect(recentFinished(runs, 2).map((r) => r.id)).toEqual([3, 5]);
  });
});
