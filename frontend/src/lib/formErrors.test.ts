import { describe, expect, it } from 'vitest';
import { errorsForField, flattenServerErrors, pinCrossFieldErrors, placeErrors, splitServerErrors } from './formErrors';

describe('splitServerErrors', () => {
  it('strips the config prefix and nests config errors for rjsf', () => {
    const { configErrors, fieldErrors } = splitServerErrors({
      'config.training.max_steps': ['Input should be greater than or equal to 1'],
      'config.temperature': ['Input should be greater than 0'],
    });
    expect(configErrors).toEqual({
      training: { max_steps: { __errors: ['Input should be greater than or equal to 1'] } },
      temperature: { __errors: ['Input should be greater than 0'] },
    });
    expect(fieldErrors).toEqual({});
  });

  it('puts errors on the config object itself at the root', () => {
    const { configErrors } = splitServerErrors({ config: ['Extra inputs are not permitted'] });
    expect(configErrors).toEqual({ __errors: ['Extra inputs are not permitted'] });
  });

  it('keeps a parent error and a child error on the same node', () => {
    const { configErrors } = splitServerErrors({
      'config.training.max_steps': ['too small'],
      'config.training': ['bad combination'],
    });
    expect(configErrors).toEqual({ training: { __errors: ['bad combination'], max_steps: { __errors: ['too small'] } } });
  });

  it('keeps array indices as keys', () => {
    const { configErrors } = splitServerErrors({ 'config.layers.0': ['must be positive'] });
    expect(configErrors).toEqual({ layers: { 0: { __errors: ['must be positive'] } } });
  });

  it('returns other fields by path and no config tree when the config is fine', () => {
    const { configErrors, fieldErrors } = splitServerErrors({
      student: ['Model 99 is not in workspace demo.'],
      'resources.gpus': ['No worker has 4 GPUs.'],
    });
    expect(configErrors).toBeNull();
    expect(fieldErrors).toEqual({
      student: ['Model 99 is not in workspace demo.'],
      'resources.gpus': ['No worker has 4 GPUs.'],
    });
  });

  it('does not treat a field that merely starts with "config" as config', () => {
    const { configErrors, fieldErrors } = splitServerErrors({ configuration: ['x'] });
    expect(configErrors).toBeNull();
    expect(fieldErrors).toEqual({ configuration: ['x'] });
  });
});

describe('flattenServerErrors', () => {
  it('accepts DRF-style nested objects, lists per index and single strings', () => {
    expect(
      flattenServerErrors({
        resources: { gpus: ['Ensure this value is greater than or equal to 0.'] },
        tags: [{}, ['Not a valid string.']],
        name: 'This field is required.',
      }),
    ).toEqual({
      'resources.gpus': ['Ensure this value is greater than or equal to 0.'],
      'tags.1': ['Not a valid string.'],
      name: ['This field is required.'],
    });
  });

  it('returns nothing for missing errors', () => {
    expect(flattenServerErrors(undefined)).toEqual({});
  });
});

describe('errorsForField', () => {
  it('collects the field and its sub-paths only', () => {
    const errors = { resources: ['a'], 'resources.gpus': ['b'], resourcesx: ['c'] };
    expect(errorsForField(errors, 'resources')).toEqual(['a', 'b']);
    expect(errorsForField(errors, 'seed')).toEqual([]);
  });
});

describe('placeErrors', () => {
  it('separates errors a field shows from those it cannot', () => {
    const targets: Record<string, string> = { student: 'run-student', 'config.training': 'config_training' };
    expect(
      placeErrors(
        { student: ['gone'], 'config.training': ['too long'], workspace: ['unknown', 'really'] },
        (path) => targets[path] ?? null,
      ),
    ).toEqual({
      placed: [
        { path: 'student', target: 'run-student' },
        { path: 'config.training', target: 'config_training' },
      ],
      unplaced: ['workspace: unknown', 'workspace: really'],
    });
  });

  it('has nothing to place without errors', () => {
    expect(placeErrors(undefined, () => 'x')).toEqual({ placed: [], unplaced: [] });
  });
});

describe('pinCrossFieldErrors', () => {
  const fields = new Set(['training', 'training.warmup_steps', 'training.max_steps', 'training.early_stopping_patience', 'samples_per_prompt', 'temperature']);
  const hasPath = (path: readonly string[]) => fields.has(path.join('.'));

  it('moves a message on an object to the field its message starts by naming', () => {
    expect(pinCrossFieldErrors({
      'config.training': ['warmup_steps (9) must not exceed max_steps (5): lower warmup_steps or raise max_steps'],
      config: [
        'samples_per_prompt is 4 but temperature is 0, so every sample would be the same greedy output',
        'training.early_stopping_patience: early stopping watches token-level metrics; set it to 0',
      ],
    }, hasPath)).toEqual({
      'config.training.warmup_steps': ['warmup_steps (9) must not exceed max_steps (5): lower warmup_steps or raise max_steps'],
      'config.samples_per_prompt': ['samples_per_prompt is 4 but temperature is 0, so every sample would be the same greedy output'],
      'config.training.early_stopping_patience': ['training.early_stopping_patience: early stopping watches token-level metrics; set it to 0'],
    });
  });

  it('leaves field errors, unknown names and errors outside the config where they are', () => {
    const errors = {
      'config.training.max_steps': ['Input should be less than or equal to 100'],
      'config.training': ['Something went wrong with these settings'],
      config: ['tm_weight needs replay_source general'],
      student: ['temperature is not a model'],
    };
    expect(pinCrossFieldErrors(errors, hasPath)).toEqual(errors);
  });
});
