// @vitest-environment happy-dom
// The screens wired together against a fake API: sign-in redirect, runs list, new-run error
// mapping, and the run page's live updates from the event stream.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, FakeServer } from '../test/fakeServer';
import { makeRun, user } from '../test/fixtures';
import { signedInServer, resetScreen } from '../test/screen';
import { App } from './App';

// uPlot draws on a canvas, which happy-dom does not have; the chart's own markup is what is tested.
vi.mock('uplot', () => ({
  default: class {
    setData() {}
    setSize() {}
    destroy() {}
  },
}));

let server: FakeServer;

beforeEach(() => {
  server = signedInServer();
});

afterEach(resetScreen);

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(<App />);
}

function page(runs: ReturnType<typeof makeRun>[], next: string | null = null) {
  return { count: runs.length, next, previous: null, results: runs };
}

describe('sign in', () => {
  it('sends a signed-out visitor to /login, shows the server message, then returns to the page', async () => {
    let signedIn = false;
    server
      .route('GET /api/v1/auth/me/', () =>
        signedIn ? { body: user } : { status: 403, body: { detail: 'Not signed in: log in.' } })
      .route('POST /api/v1/auth/login/', (request) => {
        if ((request.body as { password: string }).password !== 'right') {
          return { status: 400, body: { detail: 'Wrong username or password.' } };
        }
        signedIn = true;
        return { body: user };
      })
      .route('GET /api/v1/runs/', page([makeRun()]));

    renderAt('/runs');
    await screen.findByRole('heading', { name: 'Sign in to Distillery' });
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/runs');

    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong username or password.');
    expect(server.sent('POST', '/api/v1/auth/login/')[0]!.headers['X-CSRFToken']).toBe('csrf-from-cookie');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const table = await screen.findByTestId('runs-table');
    expect(window.location.pathname).toBe('/runs');
    expect(within(table).getByRole('link', { name: 'distil-1' }).getAttribute('href')).toBe('/runs/7');
  });
});

describe('runs list', () => {
  it('shows the workspace runs with status, progress and last train/loss, and filters by status', async () => {
    server.route('GET /api/v1/runs/', (request) =>
      ({ body: page(request.query.get('status') === 'failed' ? [] : [makeRun()], null) }));
    renderAt('/runs');
    const table = await screen.findByTestId('runs-table');
    const row = within(table).getAllByTestId('run-row')[0]!;
    expect(within(row).getByTestId('run-status').textContent).toBe('running');
    expect(within(row).getByTestId('run-progress').textContent).toContain('3 / 10 steps');
    expect(within(row).getByTestId('run-progress').textContent).toContain('ETA 1m 05s');
    expect(row.textContent).toContain('2.2');
    expect(server.sent('GET', '/api/v1/runs/')[0]!.query.get('workspace')).toBe('demo');

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    await screen.findByText(/No failed runs in Demo/);
    expect(server.sent('GET', '/api/v1/runs/').at(-1)!.query.get('status')).toBe('failed');
  });

  it('remembers the workspace chosen in the top bar', async () => {
    server.route('GET /api/v1/runs/', page([]));
    renderAt('/runs');
    await screen.findByText(/No runs in Demo yet/);
    fireEvent.change(screen.getByLabelText('Workspace'), { target: { value: 'lab' } });
    await screen.findByText(/No runs in Lab yet/);
    expect(localStorage.getItem('distillery.workspace')).toBe('lab');
    expect(server.sent('GET', '/api/v1/runs/').at(-1)!.query.get('workspace')).toBe('lab');
  });
});

describe('new run', () => {
  it('maps server errors to their fields, then launches and opens the run', async () => {
    let attempts = 0;
    server
      .route('POST /api/v1/runs/', () => {
        attempts += 1;
        if (attempts === 1) {
          return {
            status: 400,
            body: {
              detail: 'Invalid input: config.training.max_steps: Input should be less than or equal to 100',
              errors: {
                'config.training.max_steps': ['Input should be less than or equal to 100'],
                student: ['There is no student with id 3 in \'demo\'.'],
              },
            },
          };
        }
        return { status: 201, body: makeRun({ id: 42, name: 'my-run', status: 'queued', progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null }, summaries: {} }) };
      })
      .route('GET /api/v1/runs/42/', makeRun({ id: 42, name: 'my-run', status: 'queued', progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null }, summaries: {} }))
      .route('GET /api/v1/runs/42/metrics/', { series: [] })
      .route('GET /api/v1/runs/42/logs/', { results: [] })
      .route('GET /api/v1/runs/42/artifacts/', []);

    renderAt('/runs/new');
    expect(screen.queryByLabelText('Teacher model')).toBeNull();
    fireEvent.click(await screen.findByLabelText('kd_forward_kl'));
    const teacher = await screen.findByLabelText('Teacher model');
    const trainDataset = screen.getByLabelText('Training dataset') as HTMLSelectElement;
    await waitFor(() => expect(trainDataset.disabled).toBe(false));
    // Only datasets of the method's kinds (text) are offered.
    expect([...trainDataset.options].map((o) => o.textContent)).toEqual(['Choose a dataset…', 'corpus (#1, text)']);
    expect((screen.getByLabelText(/^Max Steps/) as HTMLInputElement).value).toBe('200');

    fireEvent.change(screen.getByLabelText('Run name'), { target: { value: 'my-run' } });
    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(teacher, { target: { value: '2' } });
    fireEvent.change(trainDataset, { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));

    // Every error has a field to sit next to, so the summary links to the fields instead of
    // repeating the messages.
    const summary = await screen.findByTestId('run-form-errors');
    expect(within(summary).getByRole('link', { name: 'training.max_steps' }).getAttribute('href')).toBe('#config_training_max_steps');
    expect(within(summary).getByRole('link', { name: 'Student model' }).getAttribute('href')).toBe('#run-student');
    expect(screen.getAllByText(/Input should be less than or equal to 100/)).toHaveLength(1);
    expect(screen.getByTestId('run-student-errors').textContent).toContain('There is no student with id 3');
    expect(screen.getByLabelText('Student model').getAttribute('aria-invalid')).toBe('true');
    const maxSteps = screen.getByLabelText(/^Max Steps/);
    expect(maxSteps.closest('.form-group')!.textContent).toContain('Input should be less than or equal to 100');

    const sent = server.sent('POST', '/api/v1/runs/')[0]!;
    expect(sent.headers['X-CSRFToken']).toBe('csrf-from-cookie');
    expect(sent.body).toMatchObject({
      workspace: 'demo',
      name: 'my-run',
      method: 'kd_forward_kl',
      student: 3,
      teacher: 2,
      train_dataset: 1,
      validation_dataset: null,
      seed: 0,
      resources: { gpus: 0, nodes: 1 },
      config: { alpha: 0.1, temperature: 1, training: { max_steps: 200, lr_scheduler: 'cosine' } },
    });

    fireEvent.change(maxSteps, { target: { value: '50' } });
    fireEvent.click(screen.getByLabelText('GPUs'));
    fireEvent.change(screen.getByLabelText('Number of GPUs'), { target: { value: '8' } });
    fireEvent.change(screen.getByLabelText('Hosts'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    await screen.findByRole('heading', { name: 'my-run' });
    expect(window.location.pathname).toBe('/runs/42');
    const second = server.sent('POST', '/api/v1/runs/')[1]!.body as { config: { training: { max_steps: number } }; resources: object };
    expect(second.config.training.max_steps).toBe(50);
    expect(second.resources).toEqual({ gpus: 8, nodes: 2 });
  });
});

describe('new run errors without a field', () => {
  it('shows a cross-field error at the field it names, and lists errors no field shows with the detail', async () => {
    let attempts = 0;
    server.route('POST /api/v1/runs/', () => {
      attempts += 1;
      return attempts === 1
        ? {
            status: 400,
            body: {
              detail: 'Invalid run config: config.training: warmup_steps (999999) must not exceed max_steps (200)',
              errors: { 'config.training': ['warmup_steps (999999) must not exceed max_steps (200)'] },
            },
          }
        : {
            status: 400,
            body: {
              detail: 'Invalid input: workspace: Unknown workspace.',
              errors: { workspace: ['Unknown workspace.'], 'config.not_a_field': ['Extra inputs are not permitted'] },
            },
          };
    });
    renderAt('/runs/new?method=lm_train');
    const student = await screen.findByLabelText('Student model') as HTMLSelectElement;
    await waitFor(() => expect(student.disabled).toBe(false));
    fireEvent.change(student, { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Training dataset'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));

    // The cross-field check fails on config.training; its message names warmup_steps, so it is
    // shown at that field (its folded section opened) and the summary names that field.
    const message = await screen.findByText(/warmup_steps \(999999\) must not exceed max_steps/);
    const warmup = screen.getByLabelText(/^Warmup Steps/);
    expect(message.closest('.form-group')).toBe(warmup.closest('.form-group'));
    expect(screen.getAllByText(/must not exceed max_steps/)).toHaveLength(1);
    expect((screen.getByTestId('training-section') as HTMLDetailsElement).open).toBe(true);
    const errorSummary = screen.getByTestId('run-form-errors');
    expect(errorSummary.textContent).toContain('See the message at training.warmup_steps.');
    const link = within(errorSummary).getByRole('link', { name: 'training.warmup_steps' });
    expect(link.getAttribute('href')).toBe('#config_training_warmup_steps');
    // The run name is optional: the server names the run after its method.
    expect(server.sent('POST', '/api/v1/runs/')[0]!.body).not.toHaveProperty('name');

    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    const summary = await screen.findByText(/Invalid input: workspace: Unknown workspace/);
    expect(summary.closest('[data-testid="run-form-errors"]')!.textContent).toContain('config.not_a_field: Extra inputs are not permitted');
  });
});

describe('run page', () => {
  function serveRun(run = makeRun()) {
    server
      .route('GET /api/v1/runs/7/', run)
      .route('GET /api/v1/runs/7/metrics/', {
        series: [{ name: 'train/loss', steps: [1, 2, 3], values: [3, 2.5, 2.2], walls: [1, 2, 3] }],
        cursor: '12-2',
      })
      .route('GET /api/v1/runs/7/logs/', (request) => ({
        body: {
          results: request.query.get('after')
            ? []
            : [
                { seq: 1, time: 1732300000, level: 'info', message: 'loading the teacher' },
                { seq: 2, time: 1732300001, level: 'info', message: 'step 1' },
              ],
        },
      }))
      .route('GET /api/v1/runs/7/artifacts/', [
        { id: 1, kind: 'checkpoint', name: 'step-2', path: '/var/artifacts/run-7/checkpoints/step-2', step: 2, size_bytes: 2048, created_at: '2025-11-23T12:01:00Z' },
      ]);
  }

  it('draws the fetched series, merges live points by step and adds charts for new metrics', async () => {
    serveRun();
    renderAt('/runs/7');
    const chart = await screen.findByTestId('chart-train/loss');
    await waitFor(() => expect(chart.getAttribute('data-points')).toBe('3'));
    expect(screen.getByTestId('run-status').textContent).toBe('running');
    expect(screen.getByTestId('run-progress').textContent).toContain('3 / 10 steps');
    await waitFor(() => expect(screen.getByTestId('log-tail').querySelectorAll('.log-line')).toHaveLength(2));
    expect(await screen.findByText('step-2')).toBeTruthy();

    // The stream continues from the snapshot's cursor rather than replaying the run, and the log
    // came from its tail.
    const source = FakeEventSource.instances.at(-1)!;
    expect(source.url).toBe('/api/v1/runs/7/events/?cursor=12-2');
    expect(server.sent('GET', '/api/v1/runs/7/logs/')[0]!.query.get('tail')).toBe('200');
    source.open();
    source.emit('metrics', {
      points: [
        { name: 'train/loss', step: 3, value: 2.2, wall: 3 },
        { name: 'train/loss', step: 4, value: 2.0, wall: 4 },
        { name: 'eval/loss', step: 4, value: 2.4, wall: 4 },
      ],
    }, '10-2');
    await waitFor(() => expect(screen.getByTestId('chart-train/loss').getAttribute('data-points')).toBe('4'));
    expect(screen.getByTestId('chart-last-train/loss').textContent).toBe('2 at step 4');
    const evalGroup = screen.getByTestId('metric-group-eval');
    expect(within(evalGroup).getByTestId('chart-eval/loss').getAttribute('data-points')).toBe('1');

    source.emit('log', { lines: [
      { seq: 2, time: 1732300001, level: 'info', message: 'step 1' },
      { seq: 3, time: 1732300002, level: 'warning', message: 'loss spiked' },
    ] }, '10-3');
    await waitFor(() => expect(screen.getByTestId('log-tail').querySelectorAll('.log-line')).toHaveLength(3));
    expect(screen.getByTestId('log-tail').textContent).toContain('loss spiked');

    source.emit('status', makeRun({ status: 'succeeded', progress: { step: 10, total: 10, eta_s: 0, tokens_per_s: null } }), '10-3');
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('succeeded'));
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();

    // The server ends the stream after the final status; the page must not reconnect.
    source.drop();
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    await waitFor(() => expect(screen.getByTestId('stream-state').getAttribute('data-state')).toBe('ended'));
  });

  it('cancels a running run', async () => {
    serveRun();
    let run = makeRun();
    server
      .route('GET /api/v1/runs/7/', () => ({ body: run }))
      .route('POST /api/v1/runs/7/cancel/', () => {
        run = makeRun({ status: 'cancelled', error_message: 'Cancelled by ada.' });
        return { body: run };
      });
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('cancelled'));
    expect(server.sent('POST', '/api/v1/runs/7/cancel/')[0]!.headers['X-CSRFToken']).toBe('csrf-from-cookie');
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });

  it('lists the hosts of a run over several, with a node that failed', async () => {
    serveRun(makeRun({
      resources: { gpus: 8, nodes: 2 },
      nodes: [
        { node_rank: 0, worker: 'gpu-a', address: '10.0.0.1', status: 'running', exit_code: null, heartbeat_at: '2025-11-23T12:00:00Z' },
        { node_rank: 1, worker: 'gpu-b', address: '10.0.0.2', status: 'exited', exit_code: -9, heartbeat_at: '2025-11-23T12:00:00Z' },
      ],
    }));
    renderAt('/runs/7');
    const nodes = await screen.findByTestId('run-nodes');
    expect([...nodes.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'node 0: gpu-a (10.0.0.1) — running',
      'node 1: gpu-b (10.0.0.2) — exited, exit code -9',
    ]);
    expect(screen.getByText('2 hosts × 8 GPUs')).toBeTruthy();
  });

  it('shows why a run failed and opens no stream for a finished run', async () => {
    serveRun(makeRun({ status: 'failed', error_message: 'CUDA out of memory: lower batch_size.' }));
    renderAt('/runs/7');
    expect((await screen.findByTestId('run-error')).textContent).toContain('CUDA out of memory');
    expect(screen.getByTestId('run-config').textContent).toContain('"max_steps": 10');
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
