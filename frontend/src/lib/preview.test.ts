import { describe, expect, it } from 'vitest';
import { cellText, previewCell, previewColumns } from './preview';

describe('previewColumns', () => {
  it('unions the keys in the order they first appear', () => {
    expect(previewColumns([{ prompt: 'a', chosen: 'b' }, { prompt: 'c', rejected: 'd', chosen: 'e' }])).toEqual(['prompt', 'chosen', 'rejected']);
  });

  it('adds a value column for rows that are not objects', () => {
    const rows = [{ text: 'a' }, 'loose string', [1, 2]];
    expect(previewColumns(rows)).toEqual(['text', 'value']);
    expect(previewCell(rows[1], 'value')).toBe('loose string');
    expect(previewCell(rows[0], 'value')).toBeUndefined();
    expect(previewColumns([])).toEqual([]);
  });
});

describe('cellText', () => {
  it('shows strings as they are, other values as JSON, and cuts long text', () => {
    expect(cellText('hello')).toEqual({ text: 'hello', truncated: false });
    expect(cellText([{ role: 'user', content: 'hi' }])).toEqual({ text: '[{"role":"user","content":"hi"}]', truncated: false });
    expect(cellText(3)).toEqual({ text: '3', truncated: false });
    expect(cellText(undefined)).toEqual({ text: '', truncated: false });
    expect(cellText('abcdef', 3)).toEqual({ text: 'abc…', truncated: true });
  });
});
