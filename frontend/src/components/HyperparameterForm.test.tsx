// @vitest-environment happy-dom
// The schema-driven form against real pydantic output: $defs/$ref resolved, defaults filled,
// bounds enforced, and server errors shown next to the right field.

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
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
    expect((screen.getByLabelText(/^Temperature$/) as HTMLInputElement).value).toBe('1');
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

describe('HyperparameterForm layout', () => {
  it("puts the method's own settings first and folds the shared training settings, collapsed, last", () => {
    render(<Harness schema={engineSchema} />);
    const alpha = screen.getByLabelText(/^Alpha/);
    const temperature = screen.getByLabelText(/^Temperature$/);
    const training = screen.getByTestId('training-section') as HTMLDetailsElement;
    expect(training.tagName).toBe('DETAILS');
    expect(training.open).toBe(false);
    expect(training.querySelector('summary')!.textContent).toMatch(/^Training \(25 settings/);
    const maxSteps = screen.getByLabelText(/^Max Steps/);
    expect(training.contains(maxSteps)).toBe(true);
    expect(training.contains(alpha)).toBe(false);
    // Document order: alpha, temperature, then the training section.
    expect(alpha.compareDocumentPosition(temperature) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(temperature.compareDocumentPosition(training) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    fireEvent.click(training.querySelector('summary')!);
    expect(training.open).toBe(true);
  });

  it('opens the training section when one of its fields has an error', () => {
    render(<Harness schema={engineSchema} extraErrors={{ training: { warmup_steps: { __errors: ['warmup_steps (9) must not exceed max_steps (5)'] } } }} />);
    expect((screen.getByTestId('training-section') as HTMLDetailsElement).open).toBe(true);
  });

  it('edits a list of strings one per line, without an "Option 1/2" picker, and round-trips it', () => {
    const { unmount } = render(<Harness schema={engineSchema} />);
    expect(screen.queryByText(/Option 1/)).toBeNull();
    const modules = screen.getByLabelText(/^Lora Target Modules/) as HTMLTextAreaElement;
    expect(modules.tagName).toBe('TEXTAREA');
    expect(modules.value).toBe('');
    const config = () => JSON.parse(screen.getByTestId('config').textContent!) as { training: Config };
    expect(config().training.lora_target_modules).toBeNull();
    fireEvent.change(modules, { target: { value: 'q_proj\n  v_proj \n\n' } });
    expect(config().training.lora_target_modules).toEqual(['q_proj', 'v_proj']);
    // What the user typed stays as typed (the trailing new line included) while they type.
    expect(modules.value).toBe('q_proj\n  v_proj \n\n');
    fireEvent.change(modules, { target: { value: '' } });
    expect(config().training.lora_target_modules).toBeNull();
    unmount();
    // A config that already has a list (a clone) shows it one per line, and validates.
    const handle = createRef<HyperparameterFormHandle>();
    const start = defaultConfig(engineSchema);
    render(<Harness schema={engineSchema} handle={handle}
      initial={{ ...start, training: { ...(start.training as Config), lora_target_modules: ['c_attn', 'c_proj'] } }} />);
    expect((screen.getByLabelText(/^Lora Target Modules/) as HTMLTextAreaElement).value).toBe('c_attn\nc_proj');
    let valid = false;
    act(() => {
      valid = handle.current!.validate();
    });
    expect(valid).toBe(true);
  });
});
