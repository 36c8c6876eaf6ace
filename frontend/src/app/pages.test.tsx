// @vitest-environment happy-dom
// The newer screens against a fake API: datasets (upload progress, bad rows), models (register,
// lineage), run templates, dashboard, settings, chosen run columns and the compare page.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Model, Run } from '../api/types';
import { FakeServer, FakeXhr } from '../test/fakeServer';
import { makeModel, makeRun, paged } from '../test/fixtures';
import { signedInServer, resetScreen } from '../test/screen';
import { App } from './App';

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

function page(runs: Run[]) {
  return { count: runs.length, next: null, previous: null, results: runs };
}

const fullDatasets = [
  { id: 1, workspace: 'demo', name: 'corpus', version: 1, kind: 'text', format: 'jsonl', sha256: 'aaaabbbbccccdddd0000', row_count: 1168, size_bytes: 2087338, created_at: '2025-11-23T12:00:00Z' },
  { id: 4, workspace: 'demo', name: 'corpus', version: 2, kind: 'text', format: 'jsonl', sha256: 'eeeeffff111122223333', row_count: 1200, size_bytes: 2100000, created_at: '2025-11-24T12:00:00Z' },
];

describe('datasets', () => {
  it('lists every version and uploads with a progress bar, then lists the bad rows of a refused file', async () => {
    server.route('GET /api/v1/datasets/', { count: 2, next: null, previous: null, results: fullDatasets });
    renderAt('/datasets');
    const table = await screen.findByTestId('datasets-table');
    const rows = within(table).getAllByTestId('dataset-row');
    expect(rows.map((r) => r.getAttribute('data-dataset-id'))).toEqual(['4', '1']);
    expect(rows[0]!.textContent).toContain('v2');
    expect(rows[0]!.textContent).toContain('eeeeffff1111');
    expect(rows[1]!.textContent).toContain('1.2K');
    expect(server.sent('GET', '/api/v1/datasets/')[0]!.query.get('page_size')).toBe('500');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'prefs' } });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'preference' } });
    const file = new File(['{"prompt": "a"}\n'], 'prefs.jsonl', { type: 'application/jsonl' });
    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [file] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));

    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    const xhr = FakeXhr.instances[0]!;
    expect(xhr.url).toBe('/api/v1/datasets/');
    expect(xhr.headers['X-CSRFToken']).toBe('csrf-from-cookie');
    const form = xhr.body as FormData;
    expect([form.get('workspace'), form.get('name'), form.get('kind')]).toEqual(['demo', 'prefs', 'preference']);

    xhr.progress(25, 100);
    const progress = await screen.findByTestId('dataset-upload-progress');
    await waitFor(() => expect(progress.getAttribute('data-percent')).toBe('25'));
    expect(progress.textContent).toContain('(25%)');
    xhr.sent();
    await waitFor(() => expect(screen.getByTestId('dataset-upload-progress').getAttribute('data-state')).toBe('checking'));

    xhr.respond(400, {
      detail: "2 bad row(s); nothing was stored. Row 3: field 'chosen' is missing.",
      errors: { 'file.row.12': ['not valid JSON'], 'file.row.3': ["field 'chosen' is missing"] },
    });
    const bad = await screen.findByTestId('dataset-row-errors');
    expect([...bad.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-row'))).toEqual(['3', '12']);
    expect(bad.textContent).toContain("field 'chosen' is missing");
    expect(screen.getByTestId('dataset-upload-error').textContent).toContain('nothing was stored');
    expect(screen.queryByTestId('dataset-upload-progress')).toBeNull();
  });

  it('says a file was too large, and that a re-upload of the same content stored nothing', async () => {
    renderAt('/datasets');
    await screen.findByTestId('datasets-table');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'corpus' } });
    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [new File(['x'], 'a.jsonl')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    FakeXhr.instances[0]!.respond(413, '<html>Request Entity Too Large</html>');
    expect((await screen.findByTestId('dataset-upload-error')).textContent).toMatch(/too large/i);

    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [new File(['x'], 'a.jsonl')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(2));
    FakeXhr.instances[1]!.respond(200, fullDatasets[0]);
    expect((await screen.findByTestId('dataset-upload-result')).textContent).toContain('Nothing new stored');
  });

  it('stops an upload in flight, and stops one still going when the page is left', async () => {
    const { unmount } = renderAt('/datasets');
    await screen.findByTestId('datasets-table');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'corpus' } });
    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [new File(['x'], 'a.jsonl')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    FakeXhr.instances[0]!.progress(10, 100);
    fireEvent.click(await screen.findByRole('button', { name: 'Stop upload' }));
    expect(FakeXhr.instances[0]!.aborted).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('dataset-upload-progress')).toBeNull());
    expect(screen.queryByTestId('dataset-upload-error')).toBeNull();

    fireEvent.change(screen.getByLabelText('File (JSONL)'), { target: { files: [new File(['x'], 'a.jsonl')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(FakeXhr.instances).toHaveLength(2));
    unmount();
    expect(FakeXhr.instances[1]!.aborted).toBe(true);
  });

  it('shows a dataset preview as a table', async () => {
    server.route('GET /api/v1/datasets/5/', {
      ...fullDatasets[0], id: 5, name: 'prefs', kind: 'preference',
      preview: [{ prompt: 'Hi', chosen: 'Hello!', rejected: 'Go away' }, { prompt: 'Q', chosen: 'A', rejected: 'B', extra: [1] }],
    });
    renderAt('/datasets/5');
    const preview = await screen.findByTestId('dataset-preview');
    expect([...preview.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Row', 'prompt', 'chosen', 'rejected', 'extra']);
    expect(preview.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(preview.textContent).toContain('[1]');
  });
});

const lineageModels: Record<number, Model> = {
  1: makeModel({ id: 1, name: 'teacher-init', source: 'config', produced_by_run: null, parameter_count: null }),
  2: makeModel({ id: 2, name: 'student-init', source: 'config', produced_by_run: null, parameter_count: null }),
  3: makeModel({ id: 3, name: 'teacher', source: 'run', produced_by_run: 10, parameter_count: 1_234_567, architecture: 'llama', vocab_size: 2048 }),
  4: makeModel({ id: 4, name: 'distilled', source: 'run', produced_by_run: 11, parameter_count: 345_000, architecture: 'llama', vocab_size: 2048 }),
};

describe('models', () => {
  it('lists models with short parameter counts and the run that produced them', async () => {
    server.route('GET /api/v1/models/', paged(Object.values(lineageModels)));
    renderAt('/models');
    const table = await screen.findByTestId('models-table');
    const teacherRow = within(table).getAllByTestId('model-row').find((r) => r.getAttribute('data-model-id') === '3')!;
    expect(teacherRow.textContent).toContain('1.2M');
    expect(within(teacherRow).getByRole('link', { name: 'run #10' }).getAttribute('href')).toBe('/runs/10');
  });

  it('checks a config is JSON before sending it, and shows the server\'s field errors', async () => {
    server.route('POST /api/v1/models/', (request) => {
      const body = request.body as { source: string };
      return body.source === 'path'
        ? { status: 400, body: { detail: "'/etc' is outside the allowed directories.", errors: { path: ["'/etc' is outside the allowed directories."] } } }
        : { status: 201, body: { ...lineageModels[1], id: 9, name: 'fresh' } };
    });
    renderAt('/models');
    await screen.findByTestId('models-table');
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'fresh' } });
    fireEvent.change(screen.getByLabelText('Model directory on the server'), { target: { value: '/etc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    expect((await screen.findByTestId('model-path-errors')).textContent).toContain('outside the allowed directories');

    fireEvent.click(screen.getByLabelText('Config'));
    fireEvent.change(screen.getByLabelText('Config (JSON)'), { target: { value: '[1, 2]' } });
    fireEvent.change(screen.getByLabelText('Tokenizer path'), { target: { value: '/data/tok' } });
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    expect((await screen.findByTestId('model-config-errors')).textContent).toContain('Expected a JSON object');
    expect(server.sent('POST', '/api/v1/models/')).toHaveLength(1);

    fireEvent.change(screen.getByLabelText('Config (JSON)'), { target: { value: '{"model_type": "llama"}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
    expect((await screen.findByTestId('model-registered')).textContent).toContain('fresh');
    expect(server.sent('POST', '/api/v1/models/')[1]!.body).toEqual({
      workspace: 'demo', name: 'fresh', source: 'config', config: { model_type: 'llama' }, tokenizer_path: '/data/tok',
    });
  });

  it('traces a model\'s lineage through the runs that produced it, teacher first', async () => {
    for (const model of Object.values(lineageModels)) server.route(`GET /api/v1/models/${model.id}/`, model);
    server
      .route('GET /api/v1/runs/10/', makeRun({ id: 10, name: 'train teacher', method: 'lm_train', status: 'succeeded', teacher: null, student: 1 }))
      .route('GET /api/v1/runs/11/', makeRun({ id: 11, name: 'distill', method: 'kd_forward_kl', status: 'succeeded', teacher: 3, student: 2 }));
    renderAt('/models/4');
    const lineage = await screen.findByTestId('lineage');
    await waitFor(() => expect(lineage.getAttribute('data-steps')).toBe('2'));
    const items = [...lineage.querySelectorAll('.lineage-item')].map((li) =>
      li.getAttribute('data-kind') === 'model' ? `model ${li.getAttribute('data-model-id')}` : `run ${li.getAttribute('data-run-id')}`);
    expect(items).toEqual(['model 1', 'run 10', 'model 3', 'run 11', 'model 4']);
    expect(within(lineage).getByRole('link', { name: 'student-init' }).getAttribute('href')).toBe('/models/2');
    expect(lineage.querySelector('[aria-current="page"]')!.textContent).toContain('distilled');
  });
});

describe('new run from a model', () => {
  it('preselects the student and teacher named in the URL', async () => {
    renderAt('/runs/new?method=kd_forward_kl&student=3&teacher=2');
    const student = (await screen.findByLabelText('Student model')) as HTMLSelectElement;
    await waitFor(() => expect(student.disabled).toBe(false));
    expect(student.value).toBe('3');
    expect(((await screen.findByLabelText('Teacher model')) as HTMLSelectElement).value).toBe('2');
  });
});

describe('run templates', () => {
  const templates = [
    { id: 1, workspace: 'demo', name: 'train the teacher', description: 'Trains it.', method: 'lm_train', config: {}, student: 'teacher-init', teacher: '', train_dataset: 'corpus', validation_dataset: '', seed: 0, register_model_as: 'teacher' },
    { id: 2, workspace: 'demo', name: 'distill', description: 'Needs the teacher.', method: 'kd_forward_kl', config: {}, student: 'student-init', teacher: 'teacher', train_dataset: 'corpus', validation_dataset: '', seed: 0, register_model_as: '' },
  ];

  it('shows the server\'s reason when a template cannot launch, and opens the run when it can', async () => {
    server
      .route('GET /api/v1/templates/', templates)
      .route('GET /api/v1/runs/', page([]))
      .route('POST /api/v1/templates/2/launch/', () => ({
        status: 400,
        body: { detail: "Template 'distill' needs the teacher model 'teacher', which is not registered yet.", errors: { teacher: ['...'] } },
      }))
      .route('POST /api/v1/templates/1/launch/', () => ({ status: 201, body: makeRun({ id: 30, name: 'train the teacher', status: 'queued' }) }))
      .route('GET /api/v1/runs/30/', makeRun({ id: 30, name: 'train the teacher', status: 'queued' }))
      .route('GET /api/v1/runs/30/metrics/', { series: [], cursor: '0-0' })
      .route('GET /api/v1/runs/30/logs/', { results: [] })
      .route('GET /api/v1/runs/30/artifacts/', []);
    renderAt('/runs');
    const list = await screen.findByTestId('templates-list');
    expect(within(list).getAllByTestId('template')).toHaveLength(2);
    fireEvent.click(within(list).getByRole('button', { name: 'Launch distill' }));
    expect((await within(list).findByRole('alert')).textContent).toContain("needs the teacher model 'teacher'");

    fireEvent.click(within(list).getByRole('button', { name: 'Launch train the teacher' }));
    await screen.findByRole('heading', { name: 'train the teacher', level: 1 });
    expect(window.location.pathname).toBe('/runs/30');
  });
});

describe('run page upgrades', () => {
  it('draws the min/max band of a downsampled series, toggles the log scale and registers the final model', async () => {
    const run = makeRun({ status: 'succeeded', register_model_as: '' });
    server
      .route('GET /api/v1/runs/7/', run)
      .route('GET /api/v1/runs/7/metrics/', {
        series: [{ name: 'train/loss', steps: [1, 500, 1000], values: [3, 2, 1], walls: [1, 2, 3], mins: [3, 1.5, 1], maxs: [3, 2.6, 1], downsampled: true }],
        cursor: '40-9',
      })
      .route('GET /api/v1/runs/7/logs/', { results: [] })
      .route('GET /api/v1/runs/7/artifacts/', [
        { id: 2, kind: 'model', name: 'final', path: '/var/runs/7/final', step: null, size_bytes: 1024, created_at: '2025-11-23T12:09:00Z' },
      ])
      .route('POST /api/v1/models/', (request) => ({
        status: 201,
        body: { ...lineageModels[4], id: 12, name: (request.body as { name: string }).name, produced_by_run: 7 },
      }));
    renderAt('/runs/7');
    const chart = await screen.findByTestId('chart-train/loss');
    await waitFor(() => expect(chart.getAttribute('data-band')).toBe('true'));
    expect(chart.textContent).toContain('min–max of each bucket');
    fireEvent.click(screen.getByLabelText('Log scale'));
    expect(screen.getByTestId('chart-train/loss').getAttribute('data-log-scale')).toBe('true');
    expect(screen.getByRole('link', { name: 'CSV' }).getAttribute('href')).toBe('/api/v1/runs/7/metrics/export/?as=csv');
    expect(screen.getByRole('link', { name: 'JSON' }).getAttribute('href')).toBe('/api/v1/runs/7/metrics/export/?as=json');
    fireEvent.click(screen.getByLabelText('Wall time'));
    expect(screen.getByTestId('chart-train/loss').getAttribute('data-x-axis')).toBe('wall');

    const download = await screen.findByRole('link', { name: 'Download final' });
    expect(download.getAttribute('href')).toBe('/api/v1/runs/7/artifacts/2/download/');
    expect(download.hasAttribute('download')).toBe(true);

    fireEvent.click(await screen.findByRole('button', { name: 'Register as model' }));
    const name = screen.getByLabelText('Model name') as HTMLInputElement;
    expect(name.value).toBe('distil-1-model');
    fireEvent.change(name, { target: { value: 'distilled-v1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect((await screen.findByRole('link', { name: 'distilled-v1' })).getAttribute('href')).toBe('/models/12');
    expect(server.sent('POST', '/api/v1/models/')[0]!.body).toEqual({ workspace: 'demo', name: 'distilled-v1', source: 'run', run: 7 });
  });
});

describe('deleting a run', () => {
  const serveFinished = () => server
    .route('GET /api/v1/runs/7/', makeRun({ status: 'succeeded', name: 'old-run' }))
    .route('GET /api/v1/runs/7/metrics/', { series: [], cursor: '0-0' })
    .route('GET /api/v1/runs/7/logs/', { results: [] })
    .route('GET /api/v1/runs/7/artifacts/', []);

  it('asks first, deletes, and goes back to the runs list', async () => {
    const confirm = vi.fn((message: string) => message.length > 0);
    vi.stubGlobal('confirm', confirm);
    serveFinished()
      .route('DELETE /api/v1/runs/7/', () => ({ status: 204 }))
      .route('GET /api/v1/runs/', { count: 0, next: null, previous: null, results: [] });
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(String(confirm.mock.calls[0]![0])).toContain('Delete run old-run');
    await waitFor(() => expect(window.location.pathname).toBe('/runs'));
    expect(server.sent('DELETE', '/api/v1/runs/7/')).toHaveLength(1);
    vi.unstubAllGlobals();
  });

  it('sends nothing when not confirmed, and shows why the server refused', async () => {
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    serveFinished().route('DELETE /api/v1/runs/7/', () => ({
      status: 409, body: { detail: 'Run 7 produced the registered model(s) distilled, whose lineage points at it.' },
    }));
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(server.sent('DELETE', '/api/v1/runs/7/')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect((await screen.findByRole('alert')).textContent).toContain('whose lineage points at it');
    expect(window.location.pathname).toBe('/runs/7');
    vi.unstubAllGlobals();
  });
});

describe('registering a checkpoint', () => {
  it('offers every checkpoint of an unfinished run and sends its id as the artifact', async () => {
    server
      .route('GET /api/v1/runs/7/', makeRun({ status: 'failed', name: 'long-run' }))
      .route('GET /api/v1/runs/7/metrics/', { series: [], cursor: '0-0' })
      .route('GET /api/v1/runs/7/logs/', { results: [] })
      .route('GET /api/v1/runs/7/artifacts/', [
        { id: 5, kind: 'checkpoint', name: 'step-40', path: '/var/runs/7/checkpoints/step-40', step: 40, size_bytes: 2048, created_at: '2025-11-23T12:09:00Z' },
        { id: 6, kind: 'table', name: 'calibration-step-40', path: '/var/runs/7/tables/c.json', step: 40, size_bytes: 10, created_at: '2025-11-23T12:09:00Z' },
      ])
      .route('POST /api/v1/models/', (request) => ({
        status: 201,
        body: { ...lineageModels[4], id: 13, name: (request.body as { name: string }).name, produced_by_run: 7 },
      }));
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Register step-40 as a model' }));
    expect(screen.queryByRole('button', { name: 'Register calibration-step-40 as a model' })).toBeNull();
    expect((screen.getByLabelText('Model name') as HTMLInputElement).value).toBe('long-run-step-40');
    fireEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect((await screen.findByRole('link', { name: 'long-run-step-40' })).getAttribute('href')).toBe('/models/13');
    expect(server.sent('POST', '/api/v1/models/')[0]!.body).toEqual({
      workspace: 'demo', name: 'long-run-step-40', source: 'run', run: 7, artifact: 5,
    });
  });
});

describe('dashboard', () => {
  it('shows active runs with progress, workers with stale ones marked, and the latest finished runs', async () => {
    const now = Date.now();
    server
      .route('GET /api/v1/runs/', (request) => {
        const status = request.query.get('status');
        if (status === 'running,queued') return { body: page([makeRun({ id: 7 }), makeRun({ id: 8, name: 'waiting', status: 'queued', progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null } })]) };
        return {
          body: page([
            makeRun({ id: 3, name: 'older', status: 'succeeded', finished_at: '2025-11-20T10:00:00Z', summaries: { 'eval/loss': { last: 2.5, last_step: 9, min: 2.5, min_step: 9, max: 3, max_step: 1, count: 3 } } }),
            makeRun({ id: 4, name: 'newer', status: 'failed', finished_at: '2025-11-21T10:00:00Z' }),
          ]),
        };
      })
      .route('GET /api/v1/workers/', [
        { hostname: 'gpu-a', queues: ['gpu'], gpus: [{ index: 0, name: 'NVIDIA H100', memory_mb: 81559 }], current_run: 7, busy: true, last_heartbeat: new Date(now - 5_000).toISOString(), stopped_at: null, stale: false },
        { hostname: 'gpu-b', queues: ['gpu'], gpus: [], current_run: null, busy: false, last_heartbeat: new Date(now - 120_000).toISOString(), stopped_at: null, stale: true },
      ]);
    renderAt('/');
    const workers = await screen.findByTestId('dashboard-workers');
    const rows = within(workers).getAllByTestId('worker-row');
    expect(rows.map((r) => [r.getAttribute('data-hostname'), r.getAttribute('data-state')])).toEqual([['gpu-a', 'busy'], ['gpu-b', 'stale']]);
    // Stopped and long-silent workers are asked for too, for the "show stopped" toggle.
    expect(server.sent('GET', '/api/v1/workers/')[0]!.query.get('all')).toBe('1');
    expect(rows[0]!.textContent).toContain('NVIDIA H100 (80 GB)');
    expect(rows[1]!.textContent).toContain('2 min ago');
    const active = await screen.findAllByTestId('active-run');
    expect(active.map((a) => a.getAttribute('data-run-id'))).toEqual(['7', '8']);
    expect(within(active[0]!).getByTestId('run-progress').textContent).toContain('3 / 10 steps');
    const recent = await screen.findByTestId('dashboard-recent');
    expect([...recent.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-run-id'))).toEqual(['4', '3']);
    expect(recent.textContent).toContain('2.5');
  });

  it('shows a worker busy with a run of another workspace as busy, not idle', async () => {
    // The server leaves out the id of a run the user cannot see, and says the worker is busy.
    server
      .route('GET /api/v1/runs/', page([]))
      .route('GET /api/v1/workers/', [
        { hostname: 'gpu-a', queues: ['gpu'], gpus: [], current_run: null, busy: true, last_heartbeat: new Date().toISOString(), stopped_at: null, stale: false },
        { hostname: 'gpu-b', queues: ['gpu'], gpus: [], current_run: null, busy: false, last_heartbeat: new Date().toISOString(), stopped_at: null, stale: false },
      ]);
    renderAt('/');
    const rows = within(await screen.findByTestId('dashboard-workers')).getAllByTestId('worker-row');
    expect(rows.map((r) => [r.getAttribute('data-hostname'), r.getAttribute('data-state')])).toEqual([['gpu-a', 'busy'], ['gpu-b', 'idle']]);
    expect(rows[0]!.textContent).toContain('a run of another workspace');
    expect(rows[1]!.textContent).not.toContain('a run of another workspace');
  });
});

describe('settings', () => {
  it('lists members, invites one (pending until accepted), and shows a new token once with a warning', async () => {
    const members = [{ username: 'ada', role: 'owner' }];
    let invitations: Record<string, unknown>[] = [];
    let tokens: { id: number; name: string; prefix: string; created_at: string; last_used_at: null }[] = [];
    server
      .route('GET /api/v1/workspaces/demo/', () => ({ body: { id: 1, name: 'Demo', slug: 'demo', role: 'owner', members } }))
      .route('GET /api/v1/workspaces/demo/invitations/', () => ({ body: invitations }))
      .route('POST /api/v1/workspaces/demo/members/', (request) => {
        const body = request.body as { username?: string; email?: string; role: string };
        if (body.username === 'ghost') return { status: 400, body: { detail: "There is no user 'ghost'.", errors: { username: ["There is no user 'ghost'."] } } };
        const invitation = { id: 9, email: body.email ?? '', username: body.username ?? null, role: body.role, invited_by: 'ada',
          created_at: '2025-11-23T12:00:00Z', expires_at: '2025-12-07T12:00:00Z', expired: false };
        invitations = [invitation];
        return { status: 202, body: invitation };
      })
      .route('POST /api/v1/workspaces/demo/invitations/9/resend/', () => {
        invitations = [{ ...invitations[0], id: 10 }];
        return { status: 202, body: invitations[0] };
      })
      .route('DELETE /api/v1/workspaces/demo/invitations/10/', () => {
        invitations = [];
        return { status: 204 };
      })
      .route('GET /api/v1/tokens/', () => ({ body: tokens }))
      .route('POST /api/v1/tokens/', (request) => {
        const created = { id: 5, name: (request.body as { name: string }).name, prefix: 'dst_abc', created_at: '2025-11-23T12:00:00Z', last_used_at: null };
        tokens = [created];
        return { status: 201, body: { ...created, token: 'dst_abc_secret_value' } };
      })
      .route('DELETE /api/v1/tokens/5/', () => {
        tokens = [];
        return { status: 204 };
      });
    renderAt('/settings');
    const membersTable = await screen.findByTestId('settings-members');
    expect(membersTable.textContent).toContain('ada');
    expect((await screen.findByTestId('pending-invitations')).textContent).toContain('No invitation is waiting');

    fireEvent.change(screen.getByLabelText('E-mail address or username'), { target: { value: 'ghost' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect((await screen.findByTestId('invite-address-errors')).textContent).toContain("There is no user 'ghost'");
    fireEvent.change(screen.getByLabelText('E-mail address or username'), { target: { value: ' grace@example.org ' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'viewer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect((await screen.findByTestId('invitation-sent')).textContent).toContain('Invited grace@example.org as viewer');
    expect(server.sent('POST', '/api/v1/workspaces/demo/members/')[1]!.body).toEqual({ email: 'grace@example.org', role: 'viewer' });
    await waitFor(() => expect(screen.getByTestId('pending-invitations').textContent).toContain('grace@example.org'));
    expect(screen.getByTestId('settings-members').textContent).not.toContain('grace');

    fireEvent.click(screen.getByRole('button', { name: 'Resend the invitation to grace@example.org' }));
    await waitFor(() => expect(screen.getByTestId('pending-invitations').querySelector('[data-invitation-id="10"]')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Revoke the invitation to grace@example.org' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke' }));
    await waitFor(() => expect(screen.getByTestId('pending-invitations').textContent).toContain('No invitation is waiting'));

    fireEvent.change(screen.getByLabelText('Token name'), { target: { value: 'laptop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const value = (await screen.findByTestId('new-token-value')) as HTMLInputElement;
    expect(value.value).toBe('dst_abc_secret_value');
    expect(screen.getByText(/only time it is shown/)).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('settings-tokens').textContent).toContain('dst_abc…'));
    expect(screen.getByTestId('settings-tokens').textContent).not.toContain('secret');
    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('new-token-value')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke' }));
    await screen.findByText('You have no API tokens.');
    expect(server.sent('DELETE', '/api/v1/tokens/5/')).toHaveLength(1);
  });
});

const runA = makeRun({
  id: 7, name: 'alpha-0.1', status: 'succeeded',
  config: { alpha: 0.1, temperature: 1, training: { max_steps: 10 } },
  summaries: { 'train/loss': { last: 2.2, last_step: 10, min: 2.1, min_step: 9, max: 3, max_step: 1, count: 10 } },
});
const runB = makeRun({
  id: 8, name: 'alpha-0.5', status: 'succeeded',
  config: { alpha: 0.5, temperature: 1, training: { max_steps: 10 } },
  summaries: {
    'train/loss': { last: 1.9, last_step: 10, min: 1.8, min_step: 9, max: 3.1, max_step: 1, count: 10 },
    'eval/loss': { last: 2.4, last_step: 10, min: 2.4, min_step: 10, max: 2.9, max_step: 5, count: 2 },
  },
});

describe('runs table columns and selection', () => {
  it('adds a config column and a metric statistic, remembers them, and compares the ticked runs', async () => {
    server.route('GET /api/v1/runs/', page([runA, runB]));
    renderAt('/runs');
    const table = await screen.findByTestId('runs-table');
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toContain('train/loss');

    fireEvent.click(within(screen.getByTestId('runs-columns')).getByText(/^Columns/));
    fireEvent.click(screen.getByRole('checkbox', { name: 'alpha' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'eval/loss min' }));
    const headers = within(screen.getByTestId('runs-table')).getAllByRole('columnheader').map((th) => th.textContent);
    expect(headers.slice(-3)).toEqual(['train/loss', 'alpha', 'eval/loss (min)']);
    const rowB = within(screen.getByTestId('runs-table')).getAllByTestId('run-row')[1]!;
    expect(rowB.textContent).toContain('0.5');
    expect(rowB.textContent).toContain('2.4');
    expect(JSON.parse(localStorage.getItem('distillery.runColumns.demo')!)).toEqual([
      { kind: 'metric', name: 'train/loss', stat: 'last' },
      { kind: 'config', path: 'alpha' },
      { kind: 'metric', name: 'eval/loss', stat: 'min' },
    ]);

    const compare = screen.getByRole('button', { name: 'Compare' }) as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alpha-0.1 for comparison' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alpha-0.5 for comparison' }));
    expect(compare.disabled).toBe(false);
    server
      .route('GET /api/v1/compare/', { runs: [runA, runB], config: compareDiff })
      .route('GET /api/v1/series/', { series: [] });
    fireEvent.click(compare);
    await screen.findByRole('heading', { name: 'Compare 2 runs' });
    expect(window.location.search).toBe('?runs=7,8');
  });
});

const compareDiff = {
  values: {
    alpha: { '7': 0.1, '8': 0.5 },
    temperature: { '7': 1, '8': 1 },
    'training.max_steps': { '7': 10, '8': 10 },
    method: { '7': 'kd_forward_kl', '8': 'kd_forward_kl' },
    seed: { '7': 0, '8': 0 },
    student: { '7': 3, '8': 3 },
    teacher: { '7': 2, '8': 2 },
    train_dataset: { '7': 1, '8': 1 },
    validation_dataset: { '7': null, '8': null },
  },
  differing: ['alpha'],
};

describe('compare', () => {
  it('overlays each metric, diffs the configs and exports the summary as CSV', async () => {
    server
      .route('GET /api/v1/compare/', { runs: [runA, runB], config: compareDiff })
      .route('GET /api/v1/series/', {
        series: [
          { run: 7, name: 'train/loss', steps: [1, 5, 10], values: [3, 2.5, 2.2], walls: [1, 2, 3], mins: [3, 2.5, 2.2], maxs: [3, 2.5, 2.2], downsampled: false },
          { run: 8, name: 'train/loss', steps: [1, 10], values: [3.1, 1.9], walls: [1, 3], mins: [3.1, 1.9], maxs: [3.1, 1.9], downsampled: false },
          { run: 8, name: 'eval/loss', steps: [5, 10], values: [2.9, 2.4], walls: [2, 3], mins: [2.9, 2.4], maxs: [2.9, 2.4], downsampled: false },
        ],
      });
    const created: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:csv';
    });
    const revokeObjectURL = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    // A click on the download link would make happy-dom navigate away.
    const downloads: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    });
    renderAt('/compare?runs=7,8');

    const trainChart = await screen.findByTestId('chart-overlay-train/loss');
    await waitFor(() => expect(trainChart.getAttribute('data-runs-with-points')).toBe('2'));
    expect(trainChart.getAttribute('data-series')).toBe('2');
    expect(within(trainChart).getByRole('list').textContent).toContain('alpha-0.5 (#8)');
    await waitFor(() => expect(screen.getByTestId('chart-overlay-eval/loss').getAttribute('data-runs-with-points')).toBe('1'));
    // One request for every run's series, not one per run.
    expect(server.sent('GET', '/api/v1/series/')).toHaveLength(1);
    const seriesQuery = server.sent('GET', '/api/v1/series/')[0]!.query;
    expect([seriesQuery.get('runs'), seriesQuery.get('names'), seriesQuery.get('max_points')]).toEqual(['7,8', 'eval/loss,train/loss', '1000']);
    expect(server.sent('GET', '/api/v1/compare/')[0]!.query.get('runs')).toBe('7,8');

    const diff = screen.getByTestId('compare-config-diff');
    expect([...diff.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-path'))).toEqual(['config.alpha']);
    fireEvent.click(screen.getByTestId('compare-only-differences'));
    const allRows = [...screen.getByTestId('compare-config-diff').querySelectorAll('tbody tr')];
    const all = allRows.map((tr) => tr.getAttribute('data-path'));
    expect(all).toContain('config.training.max_steps');
    expect(all).toContain('method');
    // Models are named, and a missing validation set is not "null".
    expect(allRows.find((tr) => tr.getAttribute('data-path') === 'teacher')!.textContent).toContain('teacher-small (#2)');
    expect(allRows.find((tr) => tr.getAttribute('data-path') === 'validation_dataset')!.textContent).not.toContain('null');

    const summary = screen.getByTestId('compare-summary');
    expect([...summary.querySelectorAll('tbody tr')].map((tr) => `${tr.getAttribute('data-metric')} ${tr.getAttribute('data-run-id')}`))
      .toEqual(['eval/loss 7', 'eval/loss 8', 'train/loss 7', 'train/loss 8']);
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(created).toHaveLength(1);
    const text = await created[0]!.text();
    expect(text.split('\r\n')[0]).toBe('metric,run_id,run_name,last,last_step,min,max,count');
    expect(text).toContain('train/loss,8,alpha-0.5,1.9,10,1.8,3.1,10');
    expect(downloads).toEqual(['compare-runs-7-8.csv']);
    createObjectURL.mockRestore();
    revokeObjectURL.mockRestore();
    click.mockRestore();
  });

  it('says what to do without runs, and reports a run it cannot see', async () => {
    server
      .route('GET /api/v1/runs/7/', runA)
      .route('GET /api/v1/compare/', (request) => (request.query.get('runs') === '7'
        ? { body: { runs: [runA], config: { values: {}, differing: [] } } }
        : { status: 404, body: { detail: 'Not found: it does not exist or you are not a member of its workspace.' } }))
      .route('GET /api/v1/series/', { series: [] });
    renderAt('/compare');
    expect((await screen.findByText(/No runs to compare/)).textContent).toContain('Tick two or more runs');
    cleanup();
    // The server's 404 does not say which run is missing: each is looked up to name it.
    renderAt('/compare?runs=7,99');
    const alert = (await screen.findByText(/Run #99/)).closest('[role="alert"]')!;
    expect(alert.textContent).toContain('not found');
    fireEvent.click(within(alert as HTMLElement).getByRole('button', { name: 'Leave it out' }));
    await screen.findByRole('heading', { name: 'Compare 1 run' });
    expect(window.location.search).toBe('?runs=7');
    expect((await screen.findByTestId('compare-runs')).textContent).toContain('alpha-0.1');
  });
});
