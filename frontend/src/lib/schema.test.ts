import { describe, expect, it } from 'vitest';
// pydantic_example.schema.json is what pydantic 2 emits for a config with nested models ($defs/$ref),
// an Optional[int], a Literal and bounds; the engine's own schemas use the same constructs.
import exampleSchema from '../test/fixtures/pydantic_example.schema.json';
import { prepareSchema, schemaHasPath } from './schema';

describe('prepareSchema', () => {
  it('folds Optional[int] into a nullable integer, keeping bounds, default and description', () => {
    const out = prepareSchema(exampleSchema) as any;
    expect(out.$defs.TrainingConfig.properties.eval_every).toEqual({
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      description: 'Evaluate every N steps; empty disables evaluation.',
      title: 'Eval Every',
    });
  });

  it('leaves $defs, $ref and other fields alone', () => {
    const out = prepareSchema(exampleSchema) as any;
    expect(out.properties.training.$ref).toBe('#/$defs/TrainingConfig');
    expect(out.$defs.TrainingConfig.properties.optimizer.$ref).toBe('#/$defs/OptimizerConfig');
    expect(out.properties.alpha).toEqual(exampleSchema.properties.alpha);
  });

  it('titles a referenced sub-config by its property name rather than its class name', () => {
    const out = prepareSchema(exampleSchema) as any;
    expect(out.properties.training.title).toBe('Training');
    expect(out.$defs.TrainingConfig.properties.optimizer).toMatchObject({ title: 'Optimizer', description: 'Optimizer.' });
    const titled = prepareSchema({ properties: { kd_loss: { $ref: '#/$defs/X', title: 'Own title' } } }) as any;
    expect(titled.properties.kd_loss.title).toBe('Own title');
  });

  it('keeps anyOf that is not a simple nullable', () => {
    const schema = {
      properties: {
        teacher: { anyOf: [{ $ref: '#/$defs/Model' }, { type: 'null' }] },
        mixed: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
      },
    };
    expect(prepareSchema(schema)).toEqual(schema);
  });

  it('adds null to a nullable enum', () => {
    const out = prepareSchema({ anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }], default: null }) as any;
    expect(out).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null], default: null });
  });

  it('does not mutate its input', () => {
    const before = JSON.stringify(exampleSchema);
    prepareSchema(exampleSchema);
    expect(JSON.stringify(exampleSchema)).toBe(before);
  });
});

describe('schemaHasPath', () => {
  it('follows $ref into $defs, two levels deep', () => {
    expect(schemaHasPath(exampleSchema, ['training', 'max_steps'])).toBe(true);
    expect(schemaHasPath(exampleSchema, ['training', 'optimizer', 'lr'])).toBe(true);
    expect(schemaHasPath(exampleSchema, ['training'])).toBe(true);
    expect(schemaHasPath(exampleSchema, [])).toBe(true);
  });

  it('follows anyOf branches (Optional fields)', () => {
    expect(schemaHasPath(exampleSchema, ['training', 'eval_every'])).toBe(true);
  });

  it('refuses paths the schema does not define', () => {
    expect(schemaHasPath(exampleSchema, ['training', 'nope'])).toBe(false);
    expect(schemaHasPath(exampleSchema, ['alpha', 'deeper'])).toBe(false);
    expect(schemaHasPath(exampleSchema, ['unknown'])).toBe(false);
  });

  it('follows array items and additionalProperties', () => {
    const schema = {
      properties: {
        layers: { type: 'array', items: { type: 'object', properties: { width: { type: 'integer' } } } },
        extra: { type: 'object', additionalProperties: { type: 'number' } },
      },
    };
    expect(schemaHasPath(schema, ['layers', '0', 'width'])).toBe(true);
    expect(schemaHasPath(schema, ['layers', 'x'])).toBe(false);
    expect(schemaHasPath(schema, ['extra', 'anything'])).toBe(true);
  });
});
