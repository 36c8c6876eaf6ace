import { describe, expect, it } from 'vitest';
import { configEdits, deepMerge, parseTags, tagsText } from './clone';

describe('deepMerge', () => {
  it('lays a run\'s config over the defaults, objects key by key, arrays whole', () => {
    const defaults = { alpha: 0.5, training: { max_steps: 100, lr: 0.001 }, layers: [1, 2, 3] };
    const run = { alpha: 0.1, training: { max_steps: 10 }, layers: [4] };
    expect(deepMerge(defaults, run)).toEqual({ alpha: 0.1, training: { max_steps: 10, lr: 0.001 }, layers: [4] });
    expect(defaults.training.max_steps).toBe(100);
  });
});

describe('configEdits', () => {
  const original = { alpha: 0.1, temperature: 1, training: { max_steps: 10, optim: { lr: 0.001, betas: [0.9, 0.99] } } };

  it('keeps only the changed leaves, nested', () => {
    const edited = { alpha: 0.5, temperature: 1, training: { max_steps: 10, optim: { lr: 0.01, betas: [0.9, 0.99] } } };
    expect(configEdits(original, edited)).toEqual({ alpha: 0.5, training: { optim: { lr: 0.01 } } });
  });

  it('replaces an array whole, and sends a key the original lacked', () => {
    const edited = { ...original, training: { ...original.training, optim: { lr: 0.001, betas: [0.8, 0.99] } }, warmup: 5 };
    expect(configEdits(original, edited)).toEqual({ training: { optim: { betas: [0.8, 0.99] } }, warmup: 5 });
  });

  it('is null when nothing changed, and merges back into the edited config', () => {
    expect(configEdits(original, structuredClone(original))).toBeNull();
    const edited = { ...original, alpha: 0.9, training: { max_steps: 20, optim: { lr: 0.001, betas: [0.9, 0.99] } } };
    expect(deepMerge(original, configEdits(original, edited)!)).toEqual(edited);
  });

  it('sends null and type changes as edits', () => {
    expect(configEdits({ a: 1, b: { c: 1 } }, { a: null, b: 3 })).toEqual({ a: null, b: 3 });
  });
});

describe('tags', () => {
  it('splits on commas, trims and drops repeats and blanks', () => {
    expect(parseTags(' a, b,,a , c ')).toEqual(['a', 'b', 'c']);
    expect(parseTags('')).toEqual([]);
    expect(tagsText(['a', 'b'])).toBe('a, b');
    expect(tagsText(undefined)).toBe('');
  });
});
