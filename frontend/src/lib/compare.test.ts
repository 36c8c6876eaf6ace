import { describe, expect, it } from 'vitest';
import { comparableRun, compareUrl, metricNamesOf, parseRunIds, RUN_COLORS, runColor, summaryCsv, summaryRows, type RunForSummary } from './compare';

const s = (last: number, min: number, max: number, count = 3) =>
  ({ last, last_step: 30, min, min_step: 20, max, max_step: 10, count });

const runs: RunForSummary[] = [
  { id: 3, name: 'teacher, big', summaries: { 'train/loss': s(1.5, 1.2, 4), 'eval/loss': s(1.7, 1.6, 3.9) } },
  { id: 5, name: '', summaries: { 'train/loss': s(2.5, 2.2, 5) } },
];

describe('parseRunIds', () => {
  it('keeps positive integers once, in order', () => {
    expect(parseRunIds('3,1,3, 7 ,x,,-2,0,1.5')).toEqual([3, 1, 7]);
    expect(parseRunIds(null)).toEqual([]);
    expect(parseRunIds('')).toEqual([]);
  });

  it('round-trips through compareUrl', () => {
    expect(compareUrl([1, 2, 3])).toBe('/compare?runs=1,2,3');
    expect(parseRunIds(new URLSearchParams(compareUrl([4, 9]).split('?')[1]).get('runs'))).toEqual([4, 9]);
  });
});

describe('summaryRows', () => {
  it('lists each metric for each run, with empty rows where a run lacks the metric', () => {
    const metrics = metricNamesOf(runs);
    expect(metrics).toEqual(['eval/loss', 'train/loss']);
    const rows = summaryRows(runs, metrics);
    expect(rows.map((r) => [r.metric, r.runId, r.last])).toEqual([
      ['eval/loss', 3, 1.7],
      ['eval/loss', 5, null],
      ['train/loss', 3, 1.5],
      ['train/loss', 5, 2.5],
    ]);
    expect(rows[1]!.runName).toBe('Run 5');
    expect(rows[1]!.count).toBe(0);
  });
});

describe('summaryCsv', () => {
  it('writes a header and one line per row, quoting names with commas', () => {
    const csv = summaryCsv(summaryRows(runs, ['train/loss']));
    expect(csv.split('\r\n')).toEqual([
      'metric,run_id,run_name,last,last_step,min,max,count',
      'train/loss,3,"teacher, big",1.5,30,1.2,4,3',
      'train/loss,5,Run 5,2.5,30,2.2,5,3',
      '',
    ]);
  });
});

describe('runColor and comparableRun', () => {
  it('gives each position a distinct colour, wrapping after the palette', () => {
    const colors = RUN_COLORS.map((_, i) => runColor(i));
    expect(new Set(colors).size).toBe(RUN_COLORS.length);
    expect(runColor(RUN_COLORS.length)).toBe(runColor(0));
  });

  it('puts inputs and seed next to the config for the diff', () => {
    expect(comparableRun({ method: 'lm_train', seed: 1, resources: { gpus: 0 }, tags: [], config: { a: 1 } }, { student: 'tiny (#2)', teacher: null, validation_dataset: '' }))
      .toEqual({ method: 'lm_train', student: 'tiny (#2)', seed: 1, resources: { gpus: 0 }, tags: [], config: { a: 1 } });
  });
});
