// @vitest-environment happy-dom
// Screen tests for sweeps: the editor under the new-run form and the sweep page.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SweepDetail } from '../api/types';
import { FakeServer } from '../test/fakeServer';
import { makeRun } from '../test/fixtures';
import { signedInServer, resetScreen } from '../test/screen';
import { App } from './App';

vi.mock('uplot', () => ({ default: class { setData() {} setSize() {} destroy() {} } }));

let server: FakeServer;

beforeEach(() => {
  server = signedInServer();
});

afterEach(resetScreen);

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(<App />);
}

const summary = (min: number) => ({ 'eval/loss': { last: min, last_step: 10, min, min_step: 10, max: min + 1, max_step: 1, count: 3 } });

const sweep: SweepDetail = {
  id: 5, workspace: 'demo', name: 'lr-sweep', method: 'kd_forward_kl', strategy: 'grid',
  parameters: { 'config.training.learning_rate': [0.001, 0.01], 'config.alpha': [0.1, 0.9] },
  metric: 'eval/loss', goal: 'min', creator: 'ada', created_at: '2026-11-23T12:00:00Z',
  runs: [
    makeRun({ id: 21, name: 'lr-sweep-1', status: 'succeeded', config: { training: { learning_rate: 0.001 }, alpha: 0.1 }, summaries: summary(2.5) }),
    makeRun({ id: 22, name: 'lr-sweep-2', status: 'succeeded', config: { training: { learning_rate: 0.001 }, alpha: 0.9 }, summaries: summary(1.5) }),
    makeRun({ id: 23, name: 'lr-sweep-3', status: 'succeeded', config: { training: { learning_rate: 0.01 }, alpha: 0.1 }, summaries: summary(3.5) }),
    makeRun({ id: 24, name: 'lr-sweep-4', status: 'failed', config: { training: { learning_rate: 0.01 }, alpha: 0.9 }, summaries: {} }),
  ],
  best: { run: 22, value: 1.5 },
};

describe('sweep editor', () => {
  it('launches a sweep from the form as it stands and opens the sweep', async () => {
    server
      .route('POST /api/v1/sweeps/', (request) => {
        const body = request.body as { parameters: Record<string, unknown> };
        if ('config.alpha' in body.parameters) {
          return { status: 400, body: { detail: 'Combination 2 (config.alpha=7) is not valid.', errors: { 'config.alpha': ['Input should be less than or equal to 1'] } } };
        }
        return { status: 201, body: sweep };
      })
      .route('GET /api/v1/sweeps/5/', sweep);
    renderAt('/runs/new');
    fireEvent.click(await screen.findByLabelText('kd_forward_kl'));
    const teacher = await screen.findByLabelText('Teacher model');
    const trainDataset = screen.getByLabelText('Training dataset') as HTMLSelectElement;
    await waitFor(() => expect(trainDataset.disabled).toBe(false));
    const editor = screen.getByTestId('sweep-editor');
    expect(editor.hasAttribute('open')).toBe(false);
    fireEvent.click(within(editor).getByText('Sweep: several runs over parameter values'));
    await waitFor(() => expect(editor.hasAttribute('open')).toBe(true));

    // Not launchable before the form names its models and datasets.
    fireEvent.change(within(editor).getByLabelText('Values 1'), { target: { value: '1e-3, 1e-2' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Launch sweep' }));
    expect((await within(editor).findByRole('alert')).textContent).toContain('Fill in the run form above first');
    expect(server.sent('POST', '/api/v1/sweeps/')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(teacher, { target: { value: '2' } });
    fireEvent.change(trainDataset, { target: { value: '1' } });

    // A second row with no values is refused next to it.
    fireEvent.click(within(editor).getByRole('button', { name: 'Add parameter' }));
    fireEvent.change(within(editor).getByLabelText('Parameter path 2'), { target: { value: 'config.alpha' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Launch sweep' }));
    expect(await within(editor).findByText('Give at least one value, separated by commas.')).toBeTruthy();

    // The server names the failing combination.
    fireEvent.change(within(editor).getByLabelText('Values 2'), { target: { value: '0.5, 7' } });
    expect(within(editor).getByTestId('sweep-count').textContent).toBe('4 runs');
    fireEvent.click(within(editor).getByRole('button', { name: 'Launch sweep' }));
    const alert = await within(editor).findByTestId('sweep-errors');
    await waitFor(() => expect(alert.textContent).toContain('Combination 2 (config.alpha=7)'));
    expect(alert.textContent).toContain('config.alpha: Input should be less than or equal to 1');

    fireEvent.click(within(editor).getByRole('button', { name: 'Remove parameter 2' }));
    fireEvent.click(within(editor).getByLabelText('Random'));
    fireEvent.change(within(editor).getByLabelText('List or range 1'), { target: { value: 'range' } });
    fireEvent.change(within(editor).getByLabelText('Min 1'), { target: { value: '1e-4' } });
    fireEvent.change(within(editor).getByLabelText('Max 1'), { target: { value: '1e-2' } });
    fireEvent.click(within(editor).getByLabelText('Log scale 1'));
    fireEvent.change(within(editor).getByLabelText('Number of runs'), { target: { value: '6' } });
    fireEvent.change(within(editor).getByLabelText('Goal'), { target: { value: 'max' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Launch sweep' }));
    expect(await screen.findByTestId('sweep-page')).toBeTruthy();
    const sent = server.sent('POST', '/api/v1/sweeps/')[1]!;
    expect(sent.body).toMatchObject({
      workspace: 'demo', method: 'kd_forward_kl', student: 3, teacher: 2, train_dataset: 1, seed: 0,
      resources: { gpus: 0 }, strategy: 'random', count: 6, metric: 'eval/loss', goal: 'max',
      parameters: { 'config.training.learning_rate': { min: 1e-4, max: 1e-2, log: true } },
    });
    expect((sent.body as { config: { alpha: number } }).config.alpha).toBe(0.1);
  });
});

describe('sweep page', () => {
  it('shows swept values as columns, the best run, and filters by brushing an axis', async () => {
    server.route('GET /api/v1/sweeps/5/', sweep);
    renderAt('/sweeps/5');
    const pageEl = await screen.findByTestId('sweep-page');
    expect(screen.getByTestId('sweep-best').getAttribute('data-run-id')).toBe('22');
    expect(within(screen.getByTestId('sweep-best')).getByRole('link', { name: 'lr-sweep-2' }).getAttribute('href')).toBe('/runs/22');
    const table = within(pageEl).getByTestId('sweep-runs');
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toContain('training.learning_rate');
    const bestRow = table.querySelector('tr[data-run-id="22"]')!;
    expect(bestRow.getAttribute('data-best')).toBe('true');
    expect(bestRow.textContent).toContain('0.9');

    const pc = screen.getByTestId('parallel-coordinates');
    expect(pc.getAttribute('data-axes')).toBe('3');
    expect(pc.getAttribute('data-kept')).toBe('4');
    // Keyboard brushing: keep the upper part of the learning-rate axis.
    const axis = within(pc).getByRole('slider', { name: 'Filter training.learning_rate' });
    for (let i = 0; i < 6; i++) fireEvent.keyDown(axis, { key: 'ArrowUp' });
    await waitFor(() => expect(pc.getAttribute('data-kept')).toBe('2'));
    expect([...table.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-run-id'))).toEqual(['23', '24']);
    expect(screen.getByText('2 of 4 runs inside the filters.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(pc.getAttribute('data-kept')).toBe('4'));
  });
});

describe('sweeps on the runs page and the run page', () => {
  it('lists the workspace sweeps and links a sweep run to its sweep', async () => {
    server
      .route('GET /api/v1/runs/', { count: 0, next: null, previous: null, results: [] })
      .route('GET /api/v1/sweeps/', [sweep]);
    renderAt('/runs');
    const list = await screen.findByTestId('sweeps-list');
    expect(within(list).getByRole('link', { name: 'lr-sweep' }).getAttribute('href')).toBe('/sweeps/5');
    cleanup();
    server
      .route('GET /api/v1/runs/21/', { ...sweep.runs[0]!, sweep: 5 })
      .route('GET /api/v1/runs/21/metrics/', { series: [] })
      .route('GET /api/v1/runs/21/logs/', { results: [] })
      .route('GET /api/v1/runs/21/artifacts/', []);
    renderAt('/runs/21');
    expect(within(await screen.findByTestId('run-sweep')).getByRole('link', { name: 'sweep #5' }).getAttribute('href')).toBe('/sweeps/5');
  });
});
