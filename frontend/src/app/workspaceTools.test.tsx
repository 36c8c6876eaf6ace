// @vitest-environment happy-dom
// Screen tests for the model lineage endpoint, model upload, token statistics, notifications and history.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeServer, FakeXhr } from '../test/fakeServer';
import { paged } from '../test/fixtures';
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

const node = (id: number, name: string) => ({ id, name, source: 'run' as const, architecture: 'llama', parameter_count: 1_200_000 });

describe('model lineage', () => {
  it('reads both directions from the lineage endpoint', async () => {
    server
      .route('GET /api/v1/models/3/', { ...node(3, 'teacher'), workspace: 'demo', produced_by_run: 10, config: {} })
      .route('GET /api/v1/models/3/lineage/', {
        model: node(3, 'teacher'),
        ancestors: [{ run: { id: 10, name: 'train teacher', method: 'lm_train' }, teacher: null, initial: node(1, 'base') }],
        descendants: [
          { from: 3, role: 'teacher', run: { id: 11, name: 'distill', method: 'kd_forward_kl' }, model: node(4, 'distilled') },
          { from: 4, role: 'student', run: { id: 12, name: 'finetune', method: 'lm_train' }, model: node(5, 'tuned') },
        ],
      });
    renderAt('/models/3');
    const lineage = await screen.findByTestId('lineage');
    expect(lineage.getAttribute('data-steps')).toBe('1');
    expect([...lineage.querySelectorAll('.lineage-item')].map((li) => li.getAttribute('data-model-id') ?? `run ${li.getAttribute('data-run-id')}`))
      .toEqual(['1', 'run 10', '3']);
    const down = screen.getByTestId('lineage-descendants');
    expect(down.getAttribute('data-count')).toBe('2');
    expect(within(down).getByRole('link', { name: 'tuned' }).getAttribute('href')).toBe('/models/5');
    expect(down.querySelector('[data-model-id="4"] [data-model-id="5"]')).not.toBeNull();
    expect(server.sent('GET', '/api/v1/runs/10/')).toHaveLength(0);
  });
});

describe('model upload', () => {
  it('uploads an archive with progress and shows the registered model', async () => {
    renderAt('/models');
    await screen.findByTestId('models-table');
    fireEvent.click(screen.getByLabelText('Upload'));
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'uploaded' } });
    const file = new File(['PK'], 'model.zip', { type: 'application/zip' });
    fireEvent.change(screen.getByLabelText('Model archive'), { target: { files: [file] } });
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    const xhr = FakeXhr.instances[0]!;
    expect(xhr.url).toBe('/api/v1/models/');
    const form = xhr.body as FormData;
    expect(form.get('source')).toBe('upload');
    expect(form.get('name')).toBe('uploaded');
    expect((form.get('file') as File).name).toBe('model.zip');
    xhr.progress(1, 2);
    await waitFor(() => expect(screen.getByTestId('model-upload-progress').getAttribute('data-percent')).toBe('50'));
    xhr.respond(201, { ...node(9, 'uploaded'), workspace: 'demo', source: 'upload' });
    expect((await screen.findByTestId('model-registered')).textContent).toContain('uploaded');
  });
});

describe('token statistics', () => {
  it('counts tokens under the chosen model and says when a model has no tokenizer', async () => {
    server
      .route('GET /api/v1/datasets/1/', { id: 1, workspace: 'demo', name: 'corpus', version: 1, kind: 'text', row_count: 3, preview: [] })
      .route('GET /api/v1/datasets/1/token-stats/', (request) => (request.query.get('model') === '2'
        ? { status: 400, body: { detail: 'Model teacher-small has no tokenizer.json.' } }
        : { body: {
          tokenizer: 'student-tiny', rows: 3, sequences: 3, tokens: 1500, mean: 500, p50: 480, p90: 700, p99: 1100, max: 1200, sampled: false,
          histogram: [{ up_to: 256, count: 0 }, { up_to: 512, count: 2 }, { up_to: 1024, count: 0 }, { up_to: 2048, count: 1 }],
        } }));
    renderAt('/datasets/1');
    const section = await screen.findByTestId('token-stats');
    expect(section.getAttribute('data-state')).toBe('idle');
    const select = within(section).getByLabelText('Tokenizer of');
    await waitFor(() => expect((select as HTMLSelectElement).disabled).toBe(false));
    fireEvent.change(select, { target: { value: '2' } });
    expect((await within(section).findByRole('alert')).textContent).toContain('has no tokenizer.json');
    fireEvent.change(select, { target: { value: '3' } });
    await waitFor(() => expect(section.getAttribute('data-state')).toBe('ready'));
    expect(section.querySelector('[data-stat="p90"]')!.textContent).toBe('700');
    expect(section.querySelector('[data-stat="max"]')!.textContent).toBe('1,200');
    const rows = within(screen.getByTestId('token-histogram')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['257–5122', '513–10240', '1025–20481']);
  });
});

describe('settings: notifications and history', () => {
  beforeEach(() => {
    server
      .route('GET /api/v1/workspaces/demo/', { id: 1, name: 'Demo', slug: 'demo', role: 'owner', members: [{ username: 'ada', role: 'owner' }] })
      .route('GET /api/v1/tokens/', [])
      .route('GET /api/v1/share-links/', [])
      .route('GET /api/v1/workspaces/demo/audit/', { count: 0, next: null, previous: null, results: [] });
  });

  it('adds a webhook with chosen events, deletes a channel, and lists deliveries', async () => {
    let channels = [{ id: 1, kind: 'email', target: 'team@example.com', events: ['run.failed'], created_at: '2026-11-23T12:00:00Z' }];
    server
      .route('GET /api/v1/workspaces/demo/notifications/', () => ({ body: channels }))
      .route('POST /api/v1/workspaces/demo/notifications/', (request) => {
        const body = request.body as { target: string };
        if (!body.target.startsWith('https://')) return { status: 400, body: { detail: 'Bad target.', errors: { target: ['Use an https:// address.'] } } };
        channels = [...channels, { id: 2, kind: 'webhook', created_at: '2026-11-23T12:00:00Z', ...(request.body as object) } as never];
        return { status: 201, body: channels[1] };
      })
      .route('DELETE /api/v1/notifications/1/', () => {
        channels = channels.filter((c) => c.id !== 1);
        return { status: 204 };
      })
      .route('GET /api/v1/workspaces/demo/deliveries/', {
        count: 1, next: null, previous: null,
        results: [{ id: 7, channel: 1, run: 42, event: 'run.failed', status: 'failed', attempts: 3, response_code: 500, last_error: 'Server error', created_at: '2026-11-23T12:00:00Z', delivered_at: null }],
      });
    renderAt('/settings');
    const table = await screen.findByTestId('notifications');
    expect(table.getAttribute('data-count')).toBe('1');
    const deliveries = await screen.findByTestId('deliveries');
    expect(deliveries.querySelector('[data-delivery-id="7"]')!.textContent).toContain('Server error');

    fireEvent.change(screen.getByLabelText('Webhook URL'), { target: { value: 'http://insecure' } });
    fireEvent.click(screen.getByLabelText(/run\.cancelled/));
    fireEvent.click(screen.getByRole('button', { name: 'Add notification' }));
    expect((await screen.findByTestId('notification-target-errors')).textContent).toContain('https://');
    fireEvent.change(screen.getByLabelText('Webhook URL'), { target: { value: 'https://hooks.example.com/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add notification' }));
    await waitFor(() => expect(table.getAttribute('data-count')).toBe('2'));
    expect(server.sent('POST', '/api/v1/workspaces/demo/notifications/')[1]!.body).toEqual({
      kind: 'webhook', target: 'https://hooks.example.com/x', events: ['run.succeeded', 'run.failed', 'run.cancelled'],
    });

    fireEvent.click(screen.getByRole('button', { name: 'Delete notification team@example.com' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete it' }));
    await waitFor(() => expect(table.getAttribute('data-count')).toBe('1'));
  });

  it('offers the history download and imports a file with progress and a summary', async () => {
    server
      .route('GET /api/v1/workspaces/demo/notifications/', [])
      .route('GET /api/v1/workspaces/demo/deliveries/', { count: 0, next: null, previous: null, results: [] });
    renderAt('/settings');
    const link = await screen.findByRole('link', { name: 'Download history' });
    expect(link.getAttribute('href')).toContain('/api/v1/workspaces/demo/export/');
    const form = screen.getByTestId('history-import');
    fireEvent.click(within(form).getByRole('button', { name: 'Import history' }));
    expect(await within(form).findByText(/Choose a history file/)).toBeTruthy();
    fireEvent.change(within(form).getByLabelText('History file'), { target: { files: [new File(['x'], 'demo-history.jsonl.gz')] } });
    fireEvent.click(within(form).getByRole('button', { name: 'Import history' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    const xhr = FakeXhr.instances[0]!;
    expect(xhr.url).toBe('/api/v1/workspaces/demo/import/');
    xhr.progress(3, 4);
    await waitFor(() => expect(screen.getByTestId('history-import-progress').getAttribute('data-percent')).toBe('75'));
    xhr.sent();
    await waitFor(() => expect(form.getAttribute('data-state')).toBe('checking'));
    xhr.respond(201, { runs: 3, models: 2, datasets: 1, points: 1200 });
    expect((await screen.findByTestId('history-import-result')).textContent).toContain('Imported 3 runs, 2 models, 1 datasets and 1,200 metric points');
  });

  it('says why an import was refused', async () => {
    server
      .route('GET /api/v1/workspaces/demo/notifications/', [])
      .route('GET /api/v1/workspaces/demo/deliveries/', { count: 0, next: null, previous: null, results: [] });
    renderAt('/settings');
    const form = await screen.findByTestId('history-import');
    fireEvent.change(within(form).getByLabelText('History file'), { target: { files: [new File(['x'], 'bad.gz')] } });
    fireEvent.click(within(form).getByRole('button', { name: 'Import history' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    FakeXhr.instances[0]!.respond(400, { detail: 'Line 3 is not JSON.', errors: { 'file.line.3': ['Expecting value'] } });
    const alert = await screen.findByTestId('history-import-error');
    expect(alert.textContent).toContain('Line 3 is not JSON.');
    expect(alert.textContent).toContain('file.line.3: Expecting value');
  });
});

describe('dataset formats', () => {
  it('sends the chosen format with a CSV upload', async () => {
    server.route('GET /api/v1/datasets/', paged([]));
    renderAt('/datasets');
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'table' } });
    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [new File(['text\nhello\n'], 'table.txt')] } });
    fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'csv' } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    const form = FakeXhr.instances[0]!.body as FormData;
    expect(form.get('format')).toBe('csv');
    expect((form.get('file') as File).name).toBe('table.txt');
  });
});

describe('deleting registry objects', () => {
  it('shows why a model in use is kept, then deletes it and goes back to the models', async () => {
    let deletes = 0;
    server
      .route('GET /api/v1/models/3/', { ...node(3, 'teacher'), workspace: 'demo', config: {} })
      .route('GET /api/v1/models/3/lineage/', { model: node(3, 'teacher'), ancestors: [], descendants: [], ingredients: [], soups: [] })
      .route('GET /api/v1/models/3/runs/', paged([]))
      .route('DELETE /api/v1/models/3/', () => {
        deletes += 1;
        return deletes === 1
          ? { status: 409, body: { detail: "Model 'teacher' is used by run(s) 12 (kd): delete those runs first." } }
          : { status: 204 };
      })
      .route('GET /api/v1/models/', paged([]));
    const confirm = vi.fn((message: string) => message !== "");
    vi.stubGlobal('confirm', confirm);
    renderAt('/models/3');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(confirm.mock.calls[0]![0]).toContain('Delete model teacher and the weights stored for it?');
    expect((await screen.findByRole('alert')).textContent).toContain('used by run(s) 12 (kd)');
    expect(window.location.pathname).toBe('/models/3');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(window.location.pathname).toBe('/models'));
    expect(server.sent('DELETE', '/api/v1/models/3/')).toHaveLength(2);
  });

  it('asks before deleting a dataset version and sends nothing when declined', async () => {
    server
      .route('GET /api/v1/datasets/1/', { id: 1, workspace: 'demo', name: 'corpus', version: 2, kind: 'text', row_count: 3, preview: [] })
      .route('DELETE /api/v1/datasets/1/', () => ({ status: 204 }))
      .route('GET /api/v1/datasets/', paged([]));
    let answer = false;
    vi.stubGlobal('confirm', vi.fn(() => answer));
    renderAt('/datasets/1');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(server.sent('DELETE', '/api/v1/datasets/1/')).toHaveLength(0);
    answer = true;
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(window.location.pathname).toBe('/datasets'));
    expect(server.sent('DELETE', '/api/v1/datasets/1/')).toHaveLength(1);
  });
});
