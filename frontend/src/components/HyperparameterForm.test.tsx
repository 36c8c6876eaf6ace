// @vitest-environment happy-dom
// The schema-driven form against real pydantic output: $defs/$ref resolved, defaults filled,
// bounds enforced, and server errors shown next to the right field.

import { act, cleanup, render, screen } from '@testing-library/react';
import { createRef, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import engineSchema from '../test/fixtures/kd_forward_kl.engine.schema.json';
import exampleSchema from '../test/fixtures/pydantic_example.schema.json';
import { defaultConfig, HyperparameterForm, type Config, type HyperparameterFormHandle } from './HyperparameterForm';

afterEach(cleanup);

function Harness(props: { schema: Record<string, unknown>; initial?: Config; extraErrors?: Record<string, unknown> | null; handle?: React.Ref<HyperparameterFormHandle> }) {
  const [config, setConfig] = useState<Config>(props.initial ?? defaultConfig(props.schema));
  return (
    <>
      <HyperparameterForm
        ref={props.handle}
        schema={props.schema}
        formData={config}
        onChange={setConfig}
        extraErrors={(props.extraErrors ?? null) as never}
      />
      <output data-testid="config">{JSON.stringify(config)}</output>
    </>
  );
}

describe('defaultConfig', () => {
  it('fills defaults through $ref, including nested objects', () => {
    const config = defaultConfig(engineSchema);
    expect(config.alpha).toBe(0.1);
    expect(config.temperature).toBe(1);
    expect((config.training as Config).max_steps).toBe(200);
    expect((config.training as Config).lr_scheduler).toBe('cosine');
  });

  it('resolves two levels of $ref', () => {
    const config = defaultConfig(exampleSchema);
    expect(config).toMatchObject({ training: { max_steps: 100, optimizer: { name: 'adamw', lr: 0.0005 } } });
  });
});

describe('HyperparameterForm', () => {
  it('renders a labelled input for each field of the referenced sub-config', () => {
    render(<Harness schema={engineSchema} />);
    expect((screen.getByLabelText(/^Max Steps/) as HTMLInputElement).value).toBe('200');
    expect((screen.getByLabelText(/^Temperature/) as HTMLInputElement).value).toBe('1');
    expect(screen.getByLabelText(/^Lr Scheduler/).tagName).toBe('SELECT');
    expect(screen.getByText(/Number of optimizer steps to train for/)).toBeTruthy();
  });

  it('renders an optional field as a plain input, not an anyOf picker', () => {
    render(<Harness schema={exampleSchema} />);
    expect(screen.getByLabelText(/^Eval Every/).tagName).toBe('INPUT');
    expect(screen.queryByText(/Option 1/)).toBeNull();
  });

  it('shows server errors next to the field they name', () => {
    render(
      <Harness
        schema={engineSchema}
        extraErrors={{ training: { max_steps: { __errors: ['Input should be less than or equal to 10000000'] } } }}
      />,
    );
    const input = screen.getByLabelText(/^Max Steps/);
    const field = input.closest('.form-group') ?? input.parentElement!;
    expect(field.textContent).toContain('Input should be less than or equal to 10000000');
  });

  it('drops server errors once the page clears them', () => {
    const errors = { training: { max_steps: { __errors: ['Input should be less than or equal to 10000000'] } } };
    const { rerender } = render(<Harness schema={engineSchema} extraErrors={errors} />);
    expect(screen.queryByText('Input should be less than or equal to 10000000')).not.toBeNull();
    rerender(<Harness schema={engineSchema} extraErrors={null} />);
    expect(screen.queryByText('Input should be less than or equal to 10000000')).toBeNull();
  });

  it('refuses values outside the schema bounds on validate()', () => {
    const handle = createRef<HyperparameterFormHandle>();
    const config = defaultConfig(engineSchema);
    render(<Harness schema={engineSchema} initial={{ ...config, temperature: -1 }} handle={handle} />);
    let valid = true;
    act(() => {
      valid = handle.current!.validate();
    });
    expect(valid).toBe(false);
    expect(screen.getByText(/must be > 0/)).toBeTruthy();
  });

  it('accepts the defaults', () => {
    const handle = createRef<HyperparameterFormHandle>();
    render(<Harness schema={engineSchema} handle={handle} />);
    let valid = false;
    act(() => {
      valid = handle.current!.validate();
    });
    expect(valid).toBe(true);
  });
});
