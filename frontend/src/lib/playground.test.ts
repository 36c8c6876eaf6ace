import { describe, expect, it } from 'vitest';
import { buildGrid, isPlaygroundActive, mergePlaygroundOutputs, playableModels, splitPrompts } from './playground';

describe('splitPrompts', () => {
  it('keeps one trimmed prompt per non-blank line', () => {
    expect(splitPrompts('  Hello \n\nWhat is 2+2?\r\n   \r\nlast')).toEqual(['Hello', 'What is 2+2?', 'last']);
  });
  it('gives nothing for empty text', () => {
    expect(splitPrompts('\n  \n')).toEqual([]);
  });
});

describe('playableModels', () => {
  it('skips imported models', () => {
    const models = [{ id: 1, source: 'path' }, { id: 2, source: 'imported' }, { id: 3, source: 'run' }];
    expect(playableModels(models).map((m) => m.id)).toEqual([1, 3]);
  });
});

describe('buildGrid', () => {
  it('has a row per prompt and a cell per model, in the order asked for', () => {
    const grid = buildGrid(['a', 'b'], [7, 3], [
      { model: 3, prompt_index: 0, text: 'Hel', tokens: 2, tokens_per_s: 10.5, done: false },
      { model: 7, prompt_index: 1, text: 'done text', tokens: 5, tokens_per_s: 20, done: true },
      { model: 3, prompt_index: 1, text: '', tokens: 0, done: false, error: 'out of memory' },
    ]);
    expect(grid.map((row) => row.prompt)).toEqual(['a', 'b']);
    expect(grid[0]!.cells.map((cell) => cell.model)).toEqual([7, 3]);
    expect(grid[0]!.cells[0]!).toMatchObject({ state: 'pending', text: '', done: false, tokens: null });
    expect(grid[0]!.cells[1]!).toMatchObject({ state: 'running', text: 'Hel', tokens: 2, tokensPerS: 10.5 });
    expect(grid[1]!.cells[0]!).toMatchObject({ state: 'done', done: true, text: 'done text' });
    expect(grid[1]!.cells[1]!).toMatchObject({ state: 'error', done: true, error: 'out of memory' });
  });
  it('ignores outputs for prompts or models not asked for', () => {
    const grid = buildGrid(['a'], [1], [{ model: 9, prompt_index: 0, text: 'x', done: true }, { model: 1, prompt_index: 4, text: 'y', done: true }]);
    expect(grid[0]!.cells[0]!.state).toBe('pending');
  });
});

describe('mergePlaygroundOutputs', () => {
  const session = { id: 1, status: 'running' as const, outputs: [
    { model: 1, prompt_index: 0, text: 'a', done: false },
    { model: 2, prompt_index: 0, text: 'b', done: true },
  ] };
  it('replaces changed cells in place and appends new ones', () => {
    const merged = mergePlaygroundOutputs(session, [
      { model: 1, prompt_index: 0, text: 'ab', done: true },
      { model: 1, prompt_index: 1, text: 'c', done: false },
    ]);
    expect(merged.outputs).toEqual([
      { model: 1, prompt_index: 0, text: 'ab', done: true },
      { model: 2, prompt_index: 0, text: 'b', done: true },
      { model: 1, prompt_index: 1, text: 'c', done: false },
    ]);
    expect(session.outputs[0]!.text).toBe('a');
  });
  it('returns the same session when nothing changed', () => {
    expect(mergePlaygroundOutputs(session, [])).toBe(session);
  });
});

describe('isPlaygroundActive', () => {
  it('polls while queued or running', () => {
    expect(isPlaygroundActive('queued')).toBe(true);
    expect(isPlaygroundActive('running')).toBe(true);
    expect(isPlaygroundActive('succeeded')).toBe(false);
    expect(isPlaygroundActive(undefined)).toBe(false);
  });
});
