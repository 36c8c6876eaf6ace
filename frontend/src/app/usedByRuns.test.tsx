// @vitest-environment happy-dom
// A model's and a dataset's page list the runs that used them (GET /models/{id}/runs/,
// /datasets/{id}/runs/): roles, status, key metric, a role filter and pages.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetRun, ModelRun } from '../api/types';
import { FakeServer } from '../test/fakeServer';
import { makeModel, paged } from '../test/fixtures';
import { resetScreen, signedInServer } from '../test/screen';
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

const kd: ModelRun = {
  id: 7, name: 'kd', method: 'kd_forward_kl', status: 'succeeded', roles: ['student'],
  key_metric: { name: 'eval/loss', value: 2.25, step: 20, higher_is_better: false },
  created_at: '2025-11-23T12:00:00Z', finished_at: '2025-11-23T13:00:00Z',
};
const aligned: ModelRun = {
  id: 9, name: 'aligned', method: 'dpo', status: 'running', roles: ['student', 'reference'], key_metric: null,
  created_at: '2025-11-24T12:00:00Z', finished_at: null,
};

describe('a model page', () => {
  beforeEach(() => {
    server.route('GET /api/v1/models/3/', makeModel({ id: 3, name: 'student', source: 'config' }));
    server.route('GET /api/v1/models/3/lineage/', { model: { id: 3 }, ancestors: [], descendants: [], ingredients: [], soups: [] });
  });

  it('lists the runs that used the model, with their roles, status and key metric', async () => {
    server.route('GET /api/v1/models/3/runs/', paged([aligned, kd]));
    renderAt('/models/3');

    const table = await screen.findByTestId('model-runs');
    const rows = await within(table).findAllByTestId('used-by-run');
    expect(rows.map((row) => row.getAttribute('data-run-id'))).toEqual(['9', '7']);
    expect(within(rows[0]!).getByRole('link', { name: 'aligned' }).getAttribute('href')).toBe('/runs/9');
    expect(rows[0]!.textContent).toContain('student, reference');
    expect(within(rows[0]!).getByTestId('run-status').getAttribute('data-status')).toBe('running');
    expect(within(rows[0]!).getByTestId('key-metric').textContent).toBe('—');
    expect(within(rows[1]!).getByTestId('key-metric').textContent).toBe('eval/loss 2.25 (step 20) ↓');
    expect(screen.getByText('2 runs')).toBeTruthy();
  });

  it('asks the server for one role when the filter picks it, and says when none used it so', async () => {
    server.route('GET /api/v1/models/3/runs/', (request) => ({
      body: request.query.get('role') === 'teacher' ? paged([]) : paged([aligned, kd]),
    }));
    renderAt('/models/3');
    await screen.findAllByTestId('used-by-run');

    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'teacher' } });
    expect(await screen.findByText('No run used this model as teacher.')).toBeTruthy();
    const asked = server.sent('GET', '/api/v1/models/3/runs/').map((r) => r.query.get('role'));
    expect(asked).toEqual([null, 'teacher']);
  });

  it('pages through the runs, and another role starts again at the first page', async () => {
    server.route('GET /api/v1/models/3/runs/', (request) => {
      const page = Number(request.query.get('page'));
      return {
        body: page === 1
          ? { count: 21, next: 'http://x/api/v1/models/3/runs/?page=2', previous: null, results: [aligned] }
          : { count: 21, next: null, previous: 'http://x/api/v1/models/3/runs/?page=1', results: [kd] },
      };
    });
    renderAt('/models/3');
    await screen.findByText('aligned');

    fireEvent.click(screen.getByRole('button', { name: 'Older runs' }));
    await waitFor(() => expect(screen.getByTestId('model-runs').getAttribute('data-page')).toBe('2'));
    expect(await screen.findByText('kd')).toBeTruthy();
    expect(server.sent('GET', '/api/v1/models/3/runs/').map((r) => r.query.get('page_size'))).toEqual(['20', '20']);

    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'student' } });
    await waitFor(() => expect(screen.getByTestId('model-runs').getAttribute('data-page')).toBe('1'));
    const last = server.sent('GET', '/api/v1/models/3/runs/').at(-1)!;
    expect([last.query.get('role'), last.query.get('page')]).toEqual(['student', '1']);
  });
});

describe('a dataset page', () => {
  it('lists the runs that used the dataset as training, validation or replay data', async () => {
    const run: DatasetRun = { ...kd, roles: ['validation', 'replay'] };
    server.route('GET /api/v1/datasets/5/', { id: 5, workspace: 'demo', name: 'val', version: 1, kind: 'text', row_count: 3, preview: [] });
    server.route('GET /api/v1/datasets/5/runs/', paged([run]));
    renderAt('/datasets/5');

    const row = await within(await screen.findByTestId('dataset-runs')).findByTestId('used-by-run');
    expect(row.textContent).toContain('validation data, replay data');
    expect(within(row).getByTestId('key-metric').textContent).toBe('eval/loss 2.25 (step 20) ↓');
    const options = [...(screen.getByLabelText('Role') as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['', 'train', 'validation', 'replay']);
  });

  it('shows why the runs cannot be loaded', async () => {
    server.route('GET /api/v1/datasets/5/', { id: 5, workspace: 'demo', name: 'val', version: 1, kind: 'text', row_count: 3, preview: [] });
    server.route('GET /api/v1/datasets/5/runs/', () => ({ status: 400, body: { detail: "Unknown role 'x': use one of train, validation, replay." } }));
    renderAt('/datasets/5');

    expect(await screen.findByText(/Unknown role 'x'/)).toBeTruthy();
  });
});
