import { describe, expect, it } from 'vitest';
import { parseJsonObject, placeFieldErrors } from './jsonInput';

describe('parseJsonObject', () => {
  it('accepts an object', () => {
    expect(parseJsonObject('{"model_type": "llama", "n": 2}')).toEqual({ ok: true, value: { model_type: 'llama', n: 2 } });
  });

  it('explains empty input, bad JSON and values that are not objects', () => {
    expect(parseJsonObject('  ')).toMatchObject({ ok: false, error: expect.stringContaining('Enter a JSON object') });
    expect(parseJsonObject('{"a": }')).toMatchObject({ ok: false, error: expect.stringContaining('Not valid JSON') });
    expect(parseJsonObject('[1]')).toEqual({ ok: false, error: 'Expected a JSON object ({...}), got an array.' });
    expect(parseJsonObject('null')).toEqual({ ok: false, error: 'Expected a JSON object ({...}), got null.' });
    expect(parseJsonObject('3')).toEqual({ ok: false, error: 'Expected a JSON object ({...}), got a number.' });
  });
});

describe('placeFieldErrors', () => {
  it('puts messages on the fields the form shows', () => {
    const placed = placeFieldErrors({ name: ['Taken.'], 'config.vocab_size': ['Too big.'] }, ['name', 'config'], true);
    expect(placed.forField('name')).toEqual(['Taken.']);
    expect(placed.forField('config')).toEqual(['Too big.']);
    expect(placed.hasUnplaced).toBe(false);
  });

  it('flags errors no field shows, and failures that came without errors', () => {
    expect(placeFieldErrors({ workspace: ['Unknown.'] }, ['name'], true).hasUnplaced).toBe(true);
    expect(placeFieldErrors(undefined, ['name'], true).hasUnplaced).toBe(true);
    expect(placeFieldErrors(undefined, ['name'], false).hasUnplaced).toBe(false);
  });
});
