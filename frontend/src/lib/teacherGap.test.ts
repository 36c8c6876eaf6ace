import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { makeRun } from '../test/fixtures';
import { chosenBaseline, defaultBaseline, gapClosed, lastValue, summaryLast } from './teacherGap';

describe('gapClosed', () => {
  it('is the share of the baseline-teacher gap the student closed', () => {
    const result = gapClosed({ baseline: 4, teacher: 2, student: 3, baselineChosen: true });
    expect(result).toEqual({ ok: true, value: 0.5 });
    expect(gapClosed({ baseline: 4, teacher: 2, student: 2, baselineChosen: true })).toEqual({ ok: true, value: 1 });
    expect(gapClosed({ baseline: 4, teacher: 2, student: 4, baselineChosen: true })).toEqual({ ok: true, value: 0 });
  });

  it('goes past 1 when the student beats the teacher and below 0 when it is worse than the baseline', () => {
    const better = gapClosed({ baseline: 4, teacher: 2, student: 1.5, baselineChosen: true });
    expect(better.ok && better.value).toBeCloseTo(1.25, 12);
    const worse = gapClosed({ baseline: 4, teacher: 2, student: 5, baselineChosen: true });
    expect(worse.ok && worse.value).toBeCloseTo(-0.5, 12);
  });

  it('says why it cannot be computed', () => {
    const reason = (r: ReturnType<typeof gapClosed>) => (r.ok ? '' : r.reason);
    expect(reason(gapClosed({ baseline: null, teacher: 2, student: 3, baselineChosen: false }))).toMatch(/No baseline/);
    expect(reason(gapClosed({ baseline: null, teacher: 2, student: 3, baselineChosen: true }))).toMatch(/baseline run has no eval\/loss/);
    expect(reason(gapClosed({ baseline: 4, teacher: null, student: 3, baselineChosen: true }))).toMatch(/eval\/teacher\/loss/);
    expect(reason(gapClosed({ baseline: 4, teacher: 2, student: null, baselineChosen: true }))).toMatch(/No eval\/loss for this run/);
    expect(reason(gapClosed({ baseline: 2, teacher: 2, student: 3, baselineChosen: true }))).toMatch(/no gap to close/);
    expect(reason(gapClosed({ baseline: 1.5, teacher: 2, student: 3, baselineChosen: true }))).toMatch(/no gap to close/);
  });
});

describe('baseline choice', () => {
  const run = makeRun({ id: 20, student: 3, train_dataset: 1 });
  const candidates: Run[] = [
    makeRun({ id: 11, method: 'lm_train', student: 3, train_dataset: 1, created_at: '2025-11-20T00:00:00Z' }),
    makeRun({ id: 12, method: 'lm_train', student: 3, train_dataset: 1, created_at: '2025-11-22T00:00:00Z' }),
    makeRun({ id: 13, method: 'lm_train', student: 4, train_dataset: 1, created_at: '2025-11-23T00:00:00Z' }),
    makeRun({ id: 14, method: 'lm_train', student: 3, train_dataset: 9, created_at: '2025-11-24T00:00:00Z' }),
  ];

  it('defaults to the newest run with the same student and training dataset', () => {
    expect(defaultBaseline(run, candidates)?.id).toBe(12);
    expect(defaultBaseline(makeRun({ student: 99 }), candidates)).toBeNull();
  });

  it('follows the URL: an id among the candidates, none, or the default for an unknown id', () => {
    expect(chosenBaseline('13', run, candidates)?.id).toBe(13);
    expect(chosenBaseline('none', run, candidates)).toBeNull();
    expect(chosenBaseline('77', run, candidates)?.id).toBe(12);
    expect(chosenBaseline(null, run, candidates)?.id).toBe(12);
  });
});

describe('values', () => {
  it('reads the last finite value of a series and a summary', () => {
    expect(lastValue([3, 2, null])).toBe(2);
    expect(lastValue([Number.NaN])).toBeNull();
    expect(lastValue([])).toBeNull();
    const run = makeRun({ summaries: { 'eval/loss': { last: 2.5, last_step: 10, min: 2, min_step: 5, max: 3, max_step: 1, count: 3 } } });
    expect(summaryLast(run, 'eval/loss')).toBe(2.5);
    expect(summaryLast(run, 'eval/teacher/loss')).toBeNull();
    expect(summaryLast(undefined, 'eval/loss')).toBeNull();
  });
});
