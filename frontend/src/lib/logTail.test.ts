import { describe, expect, it } from 'vitest';
import type { LogLine } from '../api/types';
import { appendLogLines } from './logTail';

const line = (seq: number, message = `line ${seq}`): LogLine => ({ seq, time: 1732300000 + seq, level: 'info', message });

describe('appendLogLines', () => {
  it('appends newer lines', () => {
    expect(appendLogLines([line(1)], [line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('drops lines it already has and sorts late ones in', () => {
    const merged = appendLogLines([line(1), line(2), line(4)], [line(2), line(3), line(4), line(5)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps only the last lines', () => {
    const many = Array.from({ length: 250 }, (_, i) => line(i));
    const merged = appendLogLines([], many, 200);
    expect(merged).toHaveLength(200);
    expect(merged[0]!.seq).toBe(50);
    expect(merged[199]!.seq).toBe(249);
  });

  it('returns the same array when nothing arrives', () => {
    const existing = [line(1)];
    expect(appendLogLines(existing, [])).toBe(existing);
  });
});
