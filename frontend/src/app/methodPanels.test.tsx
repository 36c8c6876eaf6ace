// @vitest-environment happy-dom
// The alignment and continual-learning screens against a fake API: the run page's method panels
// (teacher gap, alignment rewards, task matrix, calibration), the new-run form's reference and
// task-sequence pickers, the task-sequence form, weight soups and a task sequence's page.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Method, MetricSummary, Run } from '../api/types';
import { FakeEventSource, FakeServer } from '../test/fakeServer';
import { datasets, makeRun, methods, models, paged, user, workspaces } from '../test/fixtures';
import { resetScreen } from '../test/screen';
import { App } from './App';

vi.mock('uplot', () => ({
  default: class {
    setData() {}
    setSize() {}
    destroy() {}
  },
}));

const schema = { type: 'object', properties: { beta: { type: 'number', title: 'Beta', default: 0.1 } } };
const allMethods: Method[] = [
  ...methods,
  {
    name: 'dpo', family: 'alignment', description: 'Direct preference optimisation.', paper: { title: 'DPO', url: 'https://arxiv.org/abs/2305.18290' },
    requires: { teacher: false, reference: true, dataset_kinds: ['preference'], tasks: false }, schema,
  },
  {
    name: 'grpo', family: 'alignment', description: 'Group relative policy optimisation.', paper: { title: 'GRPO', url: 'https://arxiv.org/abs/2402.03300' },
    requires: { teacher: false, reference: true, dataset_kinds: ['prompt-completion', 'chat'], tasks: false }, schema,
  },
  {
    name: 'gere', family: 'continual', description: 'General replay.', paper: { title: 'GeRe', url: 'https://arxiv.org/abs/2508.04676' },
    requires: { teacher: false, reference: false, dataset_kinds: ['text'], tasks: true }, schema,
  },
];
const allDatasets = [
  ...datasets,
  { id: 6, workspace: 'demo', name: 'prompts', kind: 'prompt-completion', version: 1 },
  { id: 8, workspace: 'demo', name: 'two-tasks', kind: 'task-sequence', version: 1 },
  { id: 9, workspace: 'demo', name: 'code', kind: 'text', version: 2 },
];

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer()
    .route('GET /api/v1/auth/me/', user)
    .route('GET /api/v1/workspaces/', workspaces)
    .route('GET /api/v1/methods/', allMethods)
    .route('GET /api/v1/models/', paged(models))
    .route('GET /api/v1/datasets/', paged(allDatasets))
    .route('GET /api/v1/templates/', []);
  server.install();
  FakeEventSource.instances = [];
  localStorage.clear();
  document.cookie = 'csrftoken=csrf-from-cookie';
});

afterEach(resetScreen);

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(<App />);
}

const summary = (last: number): MetricSummary => ({ last, last_step: 10, min: last, min_step: 10, max: last, max_step: 10, count: 1 });

function finishedRun(run: Run, series: { name: string; steps: number[]; values: number[] }[], artifacts: unknown[] = []) {
  server
    .route(`GET /api/v1/runs/${run.id}/`, run)
    .route(`GET /api/v1/runs/${run.id}/metrics/`, { series: series.map((s) => ({ ...s, walls: s.steps.map(() => 1) })), cursor: '1-0' })
    .route(`GET /api/v1/runs/${run.id}/logs/`, { results: [] })
    .route(`GET /api/v1/runs/${run.id}/artifacts/`, artifacts);
}

describe('teacher gap', () => {
  const run = makeRun({ status: 'succeeded', validation_dataset: 1 });
  const baselines = [
    makeRun({ id: 11, name: 'plain-old', method: 'lm_train', teacher: null, status: 'succeeded', created_at: '2025-11-20T00:00:00Z', summaries: { 'eval/loss': summary(4.5) } }),
    makeRun({ id: 12, name: 'plain', method: 'lm_train', teacher: null, status: 'succeeded', created_at: '2025-11-22T00:00:00Z', summaries: { 'eval/loss': summary(4) } }),
    makeRun({ id: 13, name: 'other-student', method: 'lm_train', teacher: null, student: 2, status: 'succeeded', created_at: '2025-11-23T00:00:00Z', summaries: { 'eval/loss': summary(1) } }),
  ];

  beforeEach(() => {
    finishedRun(run, [
      { name: 'eval/loss', steps: [0, 10], values: [5, 3] },
      { name: 'eval/teacher/loss', steps: [0], values: [2] },
      { name: 'eval/teacher/perplexity', steps: [0], values: [7.39] },
    ]);
    server.route('GET /api/v1/runs/', (request) => ({
      body: { count: 3, next: null, previous: null, results: request.query.get('method') === 'lm_train' ? baselines : [] },
    }));
    for (const b of baselines) server.route(`GET /api/v1/runs/${b.id}/`, b);
  });

  it('compares the student with its teacher and the newest matching baseline, and says why when it cannot', async () => {
    renderAt('/runs/7');
    const panel = await screen.findByTestId('teacher-gap');
    const gap = within(panel).getByTestId('gap-closed');
    await waitFor(() => expect(gap.getAttribute('data-state')).toBe('ok'));
    // (4 - 3) / (4 - 2)
    expect(gap.getAttribute('data-value')).toBe('0.5000');
    expect(gap.textContent).toContain('50.0%');
    const baseline = within(panel).getByLabelText('Baseline run') as HTMLSelectElement;
    expect(baseline.value).toBe('12');
    expect(server.sent('GET', '/api/v1/runs/').some((r) => r.query.get('method') === 'lm_train' && r.query.get('status') === 'succeeded')).toBe(true);
    const loss = within(panel).getByTestId('teacher-gap-values').querySelector('tr[data-metric="eval/loss"]')!;
    expect([...loss.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['3', '2', '4']);

    // A baseline better than the teacher leaves no gap; the choice goes into the URL.
    fireEvent.change(baseline, { target: { value: '13' } });
    await waitFor(() => expect(gap.getAttribute('data-state')).toBe('unavailable'));
    expect(gap.textContent).toContain('no gap to close');
    expect(new URLSearchParams(window.location.search).get('baseline')).toBe('13');

    fireEvent.change(baseline, { target: { value: 'none' } });
    await waitFor(() => expect(gap.textContent).toContain('No baseline'));
    expect(new URLSearchParams(window.location.search).get('baseline')).toBe('none');
  });

  it('reads the baseline from the URL and says when the teacher was not evaluated', async () => {
    finishedRun(run, [{ name: 'eval/loss', steps: [10], values: [3] }]);
    renderAt('/runs/7?baseline=11');
    const gap = await screen.findByTestId('gap-closed');
    await waitFor(() => expect(gap.textContent).toContain('No eval/teacher/loss yet'));
    expect((screen.getByLabelText('Baseline run') as HTMLSelectElement).value).toBe('11');
  });
});

describe('alignment panel', () => {
  it('charts the preference rewards and shows the reference model as the initial policy', async () => {
    const run = makeRun({ id: 21, method: 'dpo', teacher: null, reference: null, train_dataset: 5, status: 'succeeded' });
    finishedRun(run, [
      { name: 'align/reward_chosen', steps: [1, 2], values: [0.1, 0.4] },
      { name: 'align/margin', steps: [1, 2], values: [0.05, 0.3] },
      { name: 'eval/accuracy', steps: [2], values: [0.75] },
    ]);
    renderAt('/runs/21');
    const panel = await screen.findByTestId('alignment-panel');
    expect(panel.getAttribute('data-kind')).toBe('preference');
    await waitFor(() => expect(within(panel).getByTestId('panel-chart-align/margin')).toBeTruthy());
    expect(within(panel).getByTestId('panel-chart-eval/accuracy-last').textContent).toContain('0.75 at step 2');
    expect(panel.querySelector('[data-metric="align/reward_chosen"] dd')!.textContent).toBe('0.4');
    expect(panel.querySelector('[data-metric="align/accuracy"] dd')!.textContent).toBe('—');
    expect(screen.queryByTestId('teacher-gap')).toBeNull();
    expect(screen.getByTestId('run-reference').textContent).toBe('initial policy');
    // The main charts keep their own test ids.
    expect(screen.getByTestId('chart-align/margin')).toBeTruthy();
  });

  it('shows the reward curves of grpo and a chosen reference model', async () => {
    const run = makeRun({ id: 22, method: 'grpo', teacher: null, reference: 2, status: 'succeeded' });
    finishedRun(run, [{ name: 'rl/reward_mean', steps: [1, 2], values: [0.2, 0.6] }]);
    renderAt('/runs/22');
    const panel = await screen.findByTestId('alignment-panel');
    expect(panel.getAttribute('data-kind')).toBe('rl');
    await waitFor(() => expect(within(panel).getByTestId('panel-chart-rl/reward_mean')).toBeTruthy());
    expect(within(panel).queryByTestId('panel-chart-align/margin')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('run-reference').textContent).toBe('teacher-small (#2)'));
  });
});

const clMatrix = {
  kind: 'cl-matrix',
  tasks: ['math', 'code'],
  completed: 1,
  initial: { loss: [3, 3.5], accuracy: [0.1, 0.2] },
  matrices: { loss: [[1.5, 3.2]], accuracy: [[0.8, 0.25]] },
  summary: { accuracy: { average: 0.525, backward_transfer: null, forgetting: null, forward_transfer: 0.05 }, loss: { average: 2.35 } },
  higher_is_better: { accuracy: true, loss: false },
};
const table = (id: number, name: string, step: number) => ({ id, kind: 'table', name, path: `/runs/31/${name}.json`, step, size_bytes: 100, created_at: '2025-11-23T12:00:00Z' });

describe('continual-learning panel', () => {
  it('draws the newest task matrix with pending rows, toggles the metric and explains the summary', async () => {
    const run = makeRun({ id: 31, method: 'gere', teacher: null, train_dataset: 8, replay_dataset: 1, status: 'running' });
    finishedRun(run, [], [table(40, 'cl-matrix', 5), table(41, 'cl-matrix', 10)]);
    server.route('GET /api/v1/runs/31/artifacts/41/content/', clMatrix);
    renderAt('/runs/31');
    const matrix = await screen.findByTestId('cl-matrix');
    expect(server.sent('GET', '/api/v1/runs/31/artifacts/40/content/')).toHaveLength(0);
    expect(matrix.getAttribute('data-metric')).toBe('accuracy');
    const cells = matrix.querySelectorAll('.heatmap-cell');
    expect(cells).toHaveLength(6);
    const cell = (row: number, column: number) => matrix.querySelector(`.heatmap-cell[data-row="${row}"][data-column="${column}"]`)!;
    expect(cell(1, 0).textContent).toBe('0.80');
    expect(cell(2, 1).getAttribute('data-pending')).toBe('true');
    expect(cell(2, 1).textContent).toBe('pending');
    const summaryList = within(matrix).getByTestId('cl-summary');
    expect(summaryList.querySelector('[data-summary="average"]')!.textContent).toContain('0.53');
    expect(summaryList.querySelector('[data-summary="forgetting"]')!.textContent).toContain('Not computable yet');
    expect(summaryList.querySelector('[data-summary="backward_transfer"]')!.textContent).toContain('negative means later tasks hurt it');

    fireEvent.click(within(matrix).getByLabelText('loss'));
    await waitFor(() => expect(screen.getByTestId('cl-matrix').getAttribute('data-metric')).toBe('loss'));
    // For loss, lower is better: the explanations turn round.
    expect(screen.getByTestId('cl-summary').querySelector('[data-summary="backward_transfer"]')!.textContent).toContain('positive means later tasks hurt it');
    expect(screen.getByTestId('cl-matrix').querySelector('.heatmap-cell[data-row="1"][data-column="0"]')!.textContent).toBe('1.50');
    expect(screen.getByTestId('cl-matrix').querySelector('svg')!.getAttribute('tabindex')).toBe('0');

    // The run's inputs: its task sequence and replay data; no validation dataset of its own.
    expect(screen.getByTestId('run-replay-dataset').textContent).toContain('corpus');
  });

  it('fetches the matrix again when a newer one appears in the polled artifacts list', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const run = makeRun({ id: 34, method: 'gere', teacher: null, status: 'running' });
      let artifacts = [table(70, 'cl-matrix', 5)];
      finishedRun(run, [], []);
      server
        .route('GET /api/v1/runs/34/artifacts/', () => ({ body: artifacts }))
        .route('GET /api/v1/runs/34/artifacts/70/content/', clMatrix)
        .route('GET /api/v1/runs/34/artifacts/71/content/', { ...clMatrix, completed: 2, matrices: { loss: [[1.5, 3.2], [2, 1]], accuracy: [[0.8, 0.25], [0.6, 0.9]] } });
      renderAt('/runs/34');
      await waitFor(() => expect(screen.getByTestId('cl-matrix').getAttribute('data-completed')).toBe('1'));
      artifacts = [...artifacts, table(71, 'cl-matrix', 10)];
      await vi.advanceTimersByTimeAsync(10_500);
      await waitFor(() => expect(screen.getByTestId('cl-matrix').getAttribute('data-completed')).toBe('2'));
      expect(server.sent('GET', '/api/v1/runs/34/artifacts/71/content/')).toHaveLength(1);
      expect(screen.getByTestId('cl-matrix').querySelector('.heatmap-cell[data-row="2"][data-column="1"]')!.textContent).toBe('0.90');
    } finally {
      vi.useRealTimers();
    }
  });

  it('says the matrix is not available yet when there is none, or its content answers 404', async () => {
    const run = makeRun({ id: 32, method: 'gere', teacher: null, status: 'running' });
    finishedRun(run, [], []);
    renderAt('/runs/32');
    expect((await screen.findByTestId('cl-matrix-state')).textContent).toContain('not available yet');
    cleanup();

    finishedRun({ ...run, id: 33 }, [], [table(50, 'cl-matrix', 1)]);
    renderAt('/runs/33');
    expect((await screen.findByTestId('cl-matrix-state')).textContent).toContain('not available yet');
    // Asked with the trailing slash, then once without.
    expect(server.sent('GET', '/api/v1/runs/33/artifacts/50/content/')).toHaveLength(1);
    expect(server.sent('GET', '/api/v1/runs/33/artifacts/50/content')).toHaveLength(1);
  });
});

describe('calibration panel', () => {
  const bins = Array.from({ length: 15 }, (_, i) => ({
    lower: i / 15, upper: (i + 1) / 15, count: i === 3 ? 0 : 10 + i, confidence: i === 3 ? null : (i + 0.5) / 15, accuracy: i === 3 ? null : Math.min(1, i / 14),
  }));

  it('draws the latest reliability diagram with its ECE', async () => {
    const run = makeRun({ id: 41, status: 'succeeded', summaries: { 'eval/ece': summary(0.07) } });
    finishedRun(run, [], [table(60, 'calibration-step-100', 100), table(61, 'calibration-step-20', 20)]);
    server
      .route('GET /api/v1/runs/41/artifacts/60/content/', { kind: 'calibration', step: 100, ece: 0.0712, bins })
      .route('GET /api/v1/runs/', { count: 0, next: null, previous: null, results: [] });
    renderAt('/runs/41');
    const diagram = await screen.findByTestId('reliability-diagram');
    expect(diagram.getAttribute('data-step')).toBe('100');
    expect(diagram.querySelectorAll('.reliability-bar')).toHaveLength(15);
    expect(diagram.querySelectorAll('.reliability-count')).toHaveLength(15);
    expect(diagram.querySelector('.reliability-diagonal')).toBeTruthy();
    expect(within(diagram).getByTestId('calibration-ece').textContent).toBe('0.0712');
    expect(diagram.querySelector('.reliability-bar[data-bin="3"]')!.getAttribute('height')).toBe('0');
    expect(server.sent('GET', '/api/v1/runs/41/artifacts/61/content/')).toHaveLength(0);
  });

  it('is hidden while the run has no calibration table', async () => {
    const run = makeRun({ id: 42, status: 'succeeded', summaries: { 'eval/ece': summary(0.07) } });
    finishedRun(run, [], [table(62, 'cl-matrix', 1)]);
    server.route('GET /api/v1/runs/', { count: 0, next: null, previous: null, results: [] });
    renderAt('/runs/42');
    await screen.findByTestId('artifacts-table');
    expect(screen.queryByTestId('calibration-panel')).toBeNull();
  });
});

describe('new run for alignment and continual methods', () => {
  it('offers a reference model (initial policy by default) and only preference datasets to dpo', async () => {
    server.route('POST /api/v1/runs/', (request) => ({ status: 201, body: makeRun({ id: 50, ...(request.body as object) }) }))
      .route('GET /api/v1/runs/50/', makeRun({ id: 50, method: 'dpo' }));
    renderAt('/runs/new?method=dpo');
    const reference = (await screen.findByLabelText('Reference model')) as HTMLSelectElement;
    expect(reference.value).toBe('');
    expect(reference.options[0]!.textContent).toMatch(/Initial policy/);
    const train = screen.getByLabelText('Training dataset') as HTMLSelectElement;
    await waitFor(() => expect(train.disabled).toBe(false));
    expect([...train.options].map((o) => o.value)).toEqual(['', '5']);
    const validation = screen.getByLabelText('Validation dataset (optional)') as HTMLSelectElement;
    expect([...validation.options].map((o) => o.value)).toEqual(['', '5']);
    expect(screen.queryByLabelText('Replay dataset (optional)')).toBeNull();

    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(train, { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    await waitFor(() => expect(server.sent('POST', '/api/v1/runs/')).toHaveLength(1));
    const body = server.sent('POST', '/api/v1/runs/')[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ method: 'dpo', student: 3, reference: null, train_dataset: 5, validation_dataset: null });
    expect('replay_dataset' in body).toBe(false);
  });

  it('offers task sequences and a text replay dataset, without a validation picker, to methods that train on tasks', async () => {
    server.route('POST /api/v1/runs/', (request) => ({ status: 201, body: makeRun({ id: 51, ...(request.body as object) }) }))
      .route('GET /api/v1/runs/51/', makeRun({ id: 51, method: 'gere' }));
    renderAt('/runs/new?method=gere');
    const sequence = (await screen.findByLabelText('Task sequence')) as HTMLSelectElement;
    await waitFor(() => expect(sequence.disabled).toBe(false));
    expect([...sequence.options].map((o) => o.value)).toEqual(['', '8']);
    expect(screen.queryByLabelText('Validation dataset (optional)')).toBeNull();
    expect(screen.queryByLabelText('Reference model')).toBeNull();
    const replay = screen.getByLabelText('Replay dataset (optional)') as HTMLSelectElement;
    expect([...replay.options].map((o) => o.value)).toEqual(['', '1', '9']);

    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(sequence, { target: { value: '8' } });
    fireEvent.change(replay, { target: { value: '9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    await waitFor(() => expect(server.sent('POST', '/api/v1/runs/')).toHaveLength(1));
    const body = server.sent('POST', '/api/v1/runs/')[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ method: 'gere', train_dataset: 8, validation_dataset: null, replay_dataset: 9 });
    expect('reference' in body).toBe(false);
  });

  it('offers prompts to grpo and shows the server\'s message under the reference picker', async () => {
    server.route('POST /api/v1/runs/', {});
    server.route('POST /api/v1/runs/', () => ({ status: 400, body: { detail: 'reference: no such model', errors: { reference: ['There is no model with id 2.'] } } }));
    renderAt('/runs/new?method=grpo');
    const train = (await screen.findByLabelText('Training dataset')) as HTMLSelectElement;
    await waitFor(() => expect(train.disabled).toBe(false));
    expect([...train.options].map((o) => o.value)).toEqual(['', '6']);
    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Reference model'), { target: { value: '2' } });
    fireEvent.change(train, { target: { value: '6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    expect((await screen.findByTestId('run-reference-errors')).textContent).toContain('There is no model with id 2.');
    expect((server.sent('POST', '/api/v1/runs/')[0]!.body as Record<string, unknown>).reference).toBe(2);
  });
});

describe('task sequence form', () => {
  it('checks the rows, reorders them, sends them in order and shows the server\'s errors on their row', async () => {
    let answer: { status: number; body: unknown } = {
      status: 400,
      body: { detail: "tasks.1.validation_dataset: 'code' is text data...", errors: { 'tasks.1.validation_dataset': ["'code v2' is text data but the task trains on chat data."] } },
    };
    server.route('POST /api/v1/datasets/', () => answer);
    renderAt('/datasets');
    await screen.findByTestId('datasets-table');
    const form = screen.getByTestId('task-sequence-form');
    fireEvent.click(within(form).getByText('New task sequence'));
    fireEvent.click(within(form).getByRole('button', { name: 'Create task sequence' }));
    expect(within(form).getByTestId('task-sequence-name-errors').textContent).toContain('Give the sequence a name.');
    expect(form.querySelectorAll('[data-testid="task-sequence-row"] .field-errors').length).toBeGreaterThan(0);
    expect(server.sent('POST', '/api/v1/datasets/')).toHaveLength(0);
    // The removal buttons are off at the minimum of two tasks.
    expect((within(form).getByRole('button', { name: 'Remove task 1' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(within(form).getByLabelText('Sequence name'), { target: { value: 'curriculum' } });
    fireEvent.change(within(form).getByLabelText('Task name 1'), { target: { value: 'second' } });
    fireEvent.change(within(form).getByLabelText('Training dataset 1'), { target: { value: '9' } });
    fireEvent.change(within(form).getByLabelText('Validation dataset 1'), { target: { value: '9' } });
    fireEvent.change(within(form).getByLabelText('Task name 2'), { target: { value: 'first' } });
    fireEvent.change(within(form).getByLabelText('Training dataset 2'), { target: { value: '1' } });
    fireEvent.change(within(form).getByLabelText('Validation dataset 2'), { target: { value: '1' } });
    const options = [...(within(form).getByLabelText('Training dataset 1') as HTMLSelectElement).options].map((o) => o.value);
    expect(options).not.toContain('8');
    fireEvent.click(within(form).getByRole('button', { name: 'Move task 2 up' }));
    expect((within(form).getByLabelText('Task name 1') as HTMLInputElement).value).toBe('first');
    fireEvent.click(within(form).getByRole('button', { name: 'Add task' }));
    expect(within(form).getAllByTestId('task-sequence-row')).toHaveLength(3);
    fireEvent.click(within(form).getByRole('button', { name: 'Remove task 3' }));

    fireEvent.click(within(form).getByRole('button', { name: 'Create task sequence' }));
    await waitFor(() => expect(server.sent('POST', '/api/v1/datasets/')).toHaveLength(1));
    expect(server.sent('POST', '/api/v1/datasets/')[0]!.body).toEqual({
      workspace: 'demo', name: 'curriculum', kind: 'task-sequence',
      tasks: [{ name: 'first', train_dataset: 1, validation_dataset: 1 }, { name: 'second', train_dataset: 9, validation_dataset: 9 }],
    });
    const rowErrors = await within(form).findByTestId(/task-\d+-validation-errors/);
    expect(rowErrors.closest('[data-testid="task-sequence-row"]')!.getAttribute('data-index')).toBe('1');
    expect(rowErrors.textContent).toContain('trains on chat data');
    expect(within(form).getByTestId('task-sequence-errors').textContent).toContain('See the messages below.');

    answer = { status: 201, body: { id: 70, workspace: 'demo', name: 'curriculum', kind: 'task-sequence', version: 1 } };
    fireEvent.change(within(form).getByLabelText('Validation dataset 2'), { target: { value: '1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create task sequence' }));
    const created = await within(form).findByTestId('task-sequence-created');
    expect(within(created).getByRole('link', { name: 'curriculum' }).getAttribute('href')).toBe('/datasets/70');
  });

  it('lists a task sequence\'s tasks on its page', async () => {
    server.route('GET /api/v1/datasets/8/', {
      id: 8, workspace: 'demo', name: 'two-tasks', kind: 'task-sequence', version: 1, preview: [],
      tasks: [
        { name: 'math', train_dataset: { id: 1, name: 'corpus', version: 1 }, validation_dataset: { id: 9, name: 'code', version: 2 } },
        { name: 'code', train_dataset: { id: 9, name: 'code', version: 2 }, validation_dataset: { id: 9, name: 'code', version: 2 } },
      ],
    });
    renderAt('/datasets/8');
    const tasks = await screen.findByTestId('dataset-tasks');
    const rows = tasks.querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.getAttribute('data-task'))).toEqual(['math', 'code']);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: 'code v2' }).getAttribute('href')).toBe('/datasets/9');
    expect(screen.queryByTestId('dataset-preview')).toBeNull();
  });
});

describe('weight soups', () => {
  const weighted = [
    { id: 3, workspace: 'demo', name: 'student-tiny', source: 'config' },
    { id: 4, workspace: 'demo', name: 'sft-a', source: 'run', produced_by_run: 1 },
    { id: 5, workspace: 'demo', name: 'sft-b', source: 'path' },
    { id: 6, workspace: 'demo', name: 'old-soup', source: 'soup' },
  ];

  it('registers a soup of the ticked models with weights', async () => {
    server.route('GET /api/v1/models/', paged(weighted))
      .route('POST /api/v1/models/', (request) => ({ status: 201, body: { id: 9, workspace: 'demo', name: (request.body as { name: string }).name, source: 'soup' } }));
    renderAt('/models');
    fireEvent.click(await screen.findByLabelText('Weight soup'));
    const ingredients = await screen.findByTestId('model-ingredients');
    expect(within(ingredients).queryByLabelText(/student-tiny/)).toBeNull();
    expect(within(ingredients).queryByLabelText(/old-soup/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'salsa-ref' } });
    fireEvent.click(within(ingredients).getByLabelText(/sft-a/));
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    expect((await screen.findByTestId('model-ingredients-errors')).textContent).toContain('at least two');
    expect(server.sent('POST', '/api/v1/models/')).toHaveLength(0);
    fireEvent.click(within(ingredients).getByLabelText(/sft-b/));
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    await screen.findByTestId('model-registered');
    expect(server.sent('POST', '/api/v1/models/')[0]!.body).toEqual({ workspace: 'demo', name: 'salsa-ref', source: 'soup', ingredients: [4, 5] });
  });

  it('shows a soup\'s ingredients on its page', async () => {
    server.route('GET /api/v1/models/9/', { id: 9, workspace: 'demo', name: 'salsa-ref', source: 'soup', ingredients: [4, 5], soups: [] })
      .route('GET /api/v1/models/9/lineage/', {
        model: { id: 9, name: 'salsa-ref', source: 'soup', architecture: 'llama', parameter_count: 1000 },
        ancestors: [], descendants: [],
        ingredients: [{ id: 4, name: 'sft-a', source: 'run' }, { id: 5, name: 'sft-b', source: 'path' }], soups: [],
      });
    renderAt('/models/9');
    const list = await screen.findByTestId('model-ingredients');
    expect(within(list).getByRole('link', { name: 'sft-a' }).getAttribute('href')).toBe('/models/4');
    expect(within(list).getByRole('link', { name: 'sft-b' })).toBeTruthy();
    expect(screen.getByTestId('lineage').textContent).toContain('weight soup');
  });
});
