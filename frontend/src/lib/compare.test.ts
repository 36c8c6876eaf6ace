import { describe, expect, it } from 'vitest';
import {
  absoluteUrl, compareUrl, metricNamesOf, parseRunIds, RUN_COLORS, runColor, seriesByRun, shareTitle, summaryCsv, summaryRows,
  type RunForSummary,
} from './compare';

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

describe('runColor', () => {
  it('gives each position a distinct colour, wrapping after the palette', () => {
    const colors = RUN_COLORS.map((_, i) => runColor(i));
    expect(new Set(colors).size).toBe(RUN_COLORS.length);
    expect(runColor(RUN_COLORS.length)).toBe(runColor(0));
  });
});

describe('seriesByRun', () => {
  it('splits the multi-run series by run and metric', () => {
    const byRun = seriesByRun([
      { run: 7, name: 'train/loss', steps: [1, 2], values: [3, 2], walls: [1, 2], mins: [3, 2], maxs: [3, 2], downsampled: false },
      { run: 8, name: 'train/loss', steps: [1], values: [4], walls: [1], mins: [4], maxs: [4], downsampled: false },
      { run: 7, name: 'eval/loss', steps: [2], values: [2.5], walls: [2], mins: [2.5], maxs: [2.5], downsampled: false },
    ]);
    expect([...byRun.keys()]).toEqual([7, 8]);
    expect(Object.keys(byRun.get(7)!)).toEqual(['train/loss', 'eval/loss']);
    expect(byRun.get(8)!['train/loss']!.values).toEqual([4]);
  });
});

describe('share links', () => {
  it('titles a link after its runs, within 200 characters', () => {
    expect(shareTitle([{ id: 1, name: 'a' }, { id: 2, name: '' }])).toBe('a vs Run 2');
    const long = shareTitle(Array.from({ length: 40 }, (_, i) => ({ id: i, name: `run-number-${i}` })));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });

  it('makes the full address from the path the server gives', () => {
    expect(absoluteUrl('/shared/abc', 'https://distillery.example')).toBe('https://distillery.example/shared/abc');
  });
});
