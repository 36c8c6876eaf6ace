// @vitest-environment happy-dom
// The screens for working on runs as a team, against a fake API: retry / resume / clone and notes
// on the run page, the runs list's filters and sorting in the URL, grouping and sharing on the
// compare page, the public shared page, and members, share links and the audit log in settings.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../api/types';
import { FakeEventSource, FakeServer } from '../test/fakeServer';
import { makeRun, workspaces } from '../test/fixtures';
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

function page(runs: Run[], next: string | null = null, previous: string | null = null) {
  return { count: runs.length, next, previous, results: runs };
}

function serveRunPage(id: number, run: () => Run) {
  server
    .route(`GET /api/v1/runs/${id}/`, () => ({ body: run() }))
    .route(`GET /api/v1/runs/${id}/metrics/`, { series: [], cursor: '0-0' })
    .route(`GET /api/v1/runs/${id}/logs/`, { results: [] })
    .route(`GET /api/v1/runs/${id}/artifacts/`, []);
}

describe('run page actions', () => {
  it('stars, edits notes and tags with a saved state, and shows the parent run and the attempt', async () => {
    let run = makeRun({ status: 'succeeded', parent: 3, attempt: 2, tags: ['baseline'], notes: 'first try' });
    serveRunPage(7, () => run);
    server.route('PATCH /api/v1/runs/7/', (request) => {
      const body = request.body as Partial<Run>;
      if (body.tags?.includes('bad tag that is far too long for the server to accept at all and more than sixty')) {
        return { status: 400, body: { detail: 'Invalid input: tags.0: Ensure this field has no more than 60 characters.', errors: { 'tags.0': ['Ensure this field has no more than 60 characters.'] } } };
      }
      run = { ...run, ...body };
      return { body: run };
    });
    renderAt('/runs/7');
    expect((await screen.findByTestId('run-parent')).querySelector('a')!.getAttribute('href')).toBe('/runs/3');
    expect(screen.getByTestId('run-attempt').textContent).toBe('attempt 2');

    fireEvent.click(screen.getByRole('button', { name: /^☆? ?Star$/ }));
    await screen.findByRole('button', { name: /Unstar/ });
    expect(server.sent('PATCH', '/api/v1/runs/7/')[0]!.body).toEqual({ starred: true });

    const notes = screen.getByLabelText('Notes') as HTMLTextAreaElement;
    expect(notes.value).toBe('first try');
    expect((screen.getByLabelText('Tags') as HTMLInputElement).value).toBe('baseline');
    const saveButton = screen.getByRole('button', { name: 'Save notes' }) as HTMLButtonElement;
    expect(saveButton.disabled).toBe(true);
    fireEvent.change(notes, { target: { value: 'lower lr next time' } });
    fireEvent.change(screen.getByLabelText('Tags'), { target: { value: 'baseline, kd ,kd' } });
    expect(screen.getByTestId('run-notes-state').textContent).toBe('Unsaved changes.');
    fireEvent.click(saveButton);
    await waitFor(() => expect(screen.getByTestId('run-notes-state').getAttribute('data-state')).toBe('saved'));
    expect(server.sent('PATCH', '/api/v1/runs/7/')[1]!.body).toEqual({ notes: 'lower lr next time', tags: ['baseline', 'kd'] });
    expect((screen.getByLabelText('Tags') as HTMLInputElement).value).toBe('baseline, kd');

    fireEvent.change(screen.getByLabelText('Tags'), {
      target: { value: 'bad tag that is far too long for the server to accept at all and more than sixty' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save notes' }));
    expect((await screen.findByTestId('run-tags-edit-errors')).textContent).toContain('no more than 60 characters');
    expect(screen.getByTestId('run-notes-state').getAttribute('data-state')).toBe('error');
    expect(screen.getByRole('alert').textContent).toContain('The notes were not saved');
  });

  it('retries into a new run, and resumes a failed run or says why it cannot', async () => {
    let run = makeRun({ status: 'failed', error_message: 'CUDA out of memory' });
    serveRunPage(7, () => run);
    serveRunPage(9, () => makeRun({ id: 9, name: 'distil-1', status: 'queued', parent: 7, progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null } }));
    let resumes = 0;
    server
      .route('POST /api/v1/runs/7/retry/', () => ({ status: 201, body: makeRun({ id: 9, status: 'queued', parent: 7, progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null } }) }))
      .route('POST /api/v1/runs/7/resume/', () => {
        resumes += 1;
        if (resumes === 1) return { status: 409, body: { detail: 'Run 7 has no checkpoint to resume from: use retry to start it again.' } };
        run = { ...run, status: 'queued', error_message: 'Resumed by ada from step 2.', attempt: 2 };
        return { body: run };
      });
    renderAt('/runs/7');
    // A final run has no Cancel; Resume only shows for a failed or cancelled one.
    await screen.findByRole('button', { name: 'Resume' });
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect((await screen.findByText(/no checkpoint to resume from/)).closest('[role="alert"]')!.textContent)
      .toContain('The run was not resumed');
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByTestId('run-status').getAttribute('data-status')).toBe('queued'));
    expect(screen.getByTestId('run-resumed').textContent).toContain('last checkpoint');
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
    // Back in the queue, it is live again: a stream opens.
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));

    cleanup();
    run = makeRun({ status: 'cancelled', error_message: 'Cancelled by ada.' });
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(window.location.pathname).toBe('/runs/9'));
    expect((await screen.findByTestId('run-parent')).textContent).toContain('#7');
  });

  it('hides the actions from a viewer and shows the notes read-only', async () => {
    serveRunPage(7, () => makeRun({ workspace: 'lab', status: 'failed', notes: 'kept', tags: ['x'] }));
    renderAt('/runs/7');
    await screen.findByTestId('run-status');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save notes' })).toBeNull();
    expect(screen.getByText('kept')).toBeTruthy();
  });
});

describe('navigation for a viewer', () => {
  it('offers "New run" in a workspace the user can launch in, and not in one where they only view', async () => {
    server.route('GET /api/v1/runs/', page([]));
    renderAt('/runs');
    await screen.findByText(/No runs in Demo yet/);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'New run' }).getAttribute('href')).toBe('/runs/new');
    fireEvent.change(screen.getByLabelText('Workspace'), { target: { value: 'lab' } });
    await screen.findByText(/No runs in Lab yet/);
    expect(within(nav).queryByRole('link', { name: 'New run' })).toBeNull();
    expect(within(nav).getByRole('link', { name: 'Runs' })).toBeTruthy();
  });
});

describe('clone', () => {
  it('fills the form from the run, fixes the method and sends only the config edits', async () => {
    const source = makeRun({
      id: 7, status: 'succeeded', name: 'distil-1', seed: 3, tags: ['sweep'],
      config: { alpha: 0.1, temperature: 1, training: { max_steps: 10, lr_scheduler: 'cosine' } },
    });
    serveRunPage(7, () => source);
    serveRunPage(11, () => makeRun({ id: 11, name: 'distil-1-clone', status: 'queued', parent: 7, progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null } }));
    server.route('POST /api/v1/runs/7/clone/', () => ({ status: 201, body: makeRun({ id: 11, name: 'distil-1-clone', status: 'queued', parent: 7, progress: { step: 0, total: 0, eta_s: null, tokens_per_s: null } }) }));
    renderAt('/runs/7');
    fireEvent.click(await screen.findByRole('button', { name: 'Clone' }));
    await screen.findByRole('heading', { name: 'Clone run distil-1' });
    expect(window.location.search).toBe('?clone=7');
    expect((await screen.findByTestId('clone-method')).textContent).toContain('kd_forward_kl');
    expect(screen.queryByLabelText('lm_train')).toBeNull();
    await waitFor(() => expect((screen.getByLabelText('Student model') as HTMLSelectElement).value).toBe('3'));
    expect((screen.getByLabelText('Teacher model') as HTMLSelectElement).value).toBe('2');
    expect((screen.getByLabelText('Training dataset') as HTMLSelectElement).value).toBe('1');
    expect((screen.getByLabelText('Run name') as HTMLInputElement).value).toBe('distil-1-clone');
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toBe('3');
    expect((screen.getByLabelText('Tags (optional)') as HTMLInputElement).value).toBe('sweep');
    const maxSteps = screen.getByLabelText(/^Max Steps/) as HTMLInputElement;
    expect(maxSteps.value).toBe('10');

    fireEvent.change(maxSteps, { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: 'Launch run' }));
    await waitFor(() => expect(window.location.pathname).toBe('/runs/11'));
    expect(server.sent('POST', '/api/v1/runs/')).toHaveLength(0);
    expect(server.sent('POST', '/api/v1/runs/7/clone/')[0]!.body).toEqual({
      name: 'distil-1-clone',
      config: { training: { max_steps: 40 } },
      student: 3,
      teacher: 2,
      train_dataset: 1,
      validation_dataset: null,
      seed: 3,
      resources: { gpus: 0, nodes: 1 },
      tags: ['sweep'],
      notes: '',
    });
  });
});

describe('runs filters', () => {
  it('keeps every filter in the URL, sends them to the server, and shows a bad metric filter under its box', async () => {
    server.route('GET /api/v1/runs/', (request) => {
      const metric = request.query.getAll('metric');
      if (metric.some((m) => !/[<>=]/.test(m))) {
        return { status: 400, body: { detail: `metric filter '${metric[0]}' is not NAME.STAT<op>VALUE`, errors: { metric: [`metric filter '${metric[0]}' is not NAME.STAT<op>VALUE, e.g. eval/loss.min<2.1.`] } } };
      }
      return { body: page([makeRun({ status: 'succeeded', starred: true })]) };
    });
    renderAt('/runs?tag=sweep');
    await screen.findByTestId('runs-table');
    expect((screen.getByLabelText('Tag') as HTMLInputElement).value).toBe('sweep');
    expect(server.sent('GET', '/api/v1/runs/')[0]!.query.get('tag')).toBe('sweep');
    expect(within(screen.getByTestId('runs-table')).getByRole('img', { name: 'starred' })).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'kd_forward_kl' } });
    fireEvent.click(screen.getByLabelText('Starred only'));
    fireEvent.change(screen.getByLabelText('Search runs'), { target: { value: 'distil' } });
    await waitFor(() => expect(new URLSearchParams(window.location.search).get('q')).toBe('distil'));
    fireEvent.change(screen.getByLabelText('Metric filter'), { target: { value: 'eval/loss.min<2.1; train/loss.last<=3' } });
    fireEvent.submit(screen.getByRole('search', { name: 'Filter runs' }));
    await waitFor(() => expect(new URLSearchParams(window.location.search).getAll('metric')).toEqual(['eval/loss.min<2.1', 'train/loss.last<=3']));
    const params = new URLSearchParams(window.location.search);
    expect(Object.fromEntries([...params].filter(([k]) => k !== 'metric'))).toEqual({ q: 'distil', method: 'kd_forward_kl', tag: 'sweep', starred: 'true' });
    await waitFor(() => expect(server.sent('GET', '/api/v1/runs/').at(-1)!.query.getAll('metric')).toHaveLength(2));
    const sent = server.sent('GET', '/api/v1/runs/').at(-1)!.query;
    expect([sent.get('workspace'), sent.get('q'), sent.get('method'), sent.get('starred'), sent.get('tag')])
      .toEqual(['demo', 'distil', 'kd_forward_kl', 'true', 'sweep']);

    fireEvent.change(screen.getByLabelText('Metric filter'), { target: { value: 'eval/loss min 2' } });
    fireEvent.blur(screen.getByLabelText('Metric filter'));
    expect((await screen.findByTestId('runs-metric-filter-errors')).textContent).toContain("metric filter 'eval/loss min 2'");
    expect(screen.getByLabelText('Metric filter').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('runs-table')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(window.location.search).toBe(''));
    expect((screen.getByLabelText('Search runs') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Metric filter') as HTMLInputElement).value).toBe('');
    await screen.findByTestId('runs-table');
  });

  it('sorts by a header, flipping on a second click, metric columns included', async () => {
    server.route('GET /api/v1/runs/', (request) => ({
      body: page([makeRun()], request.query.get('page') === '2' ? null : 'http://testserver/api/v1/runs/?page=2&workspace=demo&ordering=name'),
    }));
    renderAt('/runs');
    const table = await screen.findByTestId('runs-table');
    const created = within(table).getByRole('columnheader', { name: 'Created' });
    expect(created.getAttribute('aria-sort')).toBe('descending');
    // Header text stays the label: the arrow is drawn by CSS.
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toContain('train/loss');

    fireEvent.click(within(table).getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(window.location.search).toBe('?ordering=name'));
    expect(screen.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(window.location.search).toBe('?ordering=-name'));
    fireEvent.click(screen.getByRole('button', { name: 'train/loss' }));
    await waitFor(() => expect(new URLSearchParams(window.location.search).get('ordering')).toBe('metric:train/loss:last'));
    await waitFor(() => expect(server.sent('GET', '/api/v1/runs/').at(-1)!.query.get('ordering')).toBe('metric:train/loss:last'));
    fireEvent.click(screen.getByRole('button', { name: 'Created' }));
    await waitFor(() => expect(window.location.search).toBe(''));

    // Pages keep the filters; a new sort goes back to page 1.
    fireEvent.click(screen.getByRole('button', { name: 'Status' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Next' }));
    await waitFor(() => expect(window.location.search).toBe('?ordering=status&page=2'));
    fireEvent.click(screen.getByRole('button', { name: 'Status' }));
    await waitFor(() => expect(window.location.search).toBe('?ordering=-status'));
  });
});

const runA = makeRun({ id: 7, name: 'lr-1', status: 'succeeded', summaries: { 'train/loss': { last: 2, last_step: 10, min: 2, min_step: 10, max: 3, max_step: 0, count: 2 } } });
const runB = makeRun({ id: 8, name: 'lr-2', status: 'succeeded', summaries: { 'train/loss': { last: 1, last_step: 10, min: 1, min_step: 10, max: 3, max_step: 0, count: 2 } } });
const runC = makeRun({ id: 9, name: 'lr-3', status: 'succeeded', summaries: { 'train/loss': { last: 1.5, last_step: 10, min: 1.5, min_step: 10, max: 2, max_step: 0, count: 2 } } });
const threeDiff = {
  values: {
    'training.lr': { '7': 0.01, '8': 0.01, '9': 0.001 },
    method: { '7': 'kd_forward_kl', '8': 'kd_forward_kl', '9': 'kd_forward_kl' },
    seed: { '7': 0, '8': 1, '9': 0 },
  },
  differing: ['seed', 'training.lr'],
};
const threeSeries = {
  series: [
    { run: 7, name: 'train/loss', steps: [0, 10], values: [3, 2], walls: [1, 2], mins: [3, 2], maxs: [3, 2], downsampled: false },
    { run: 8, name: 'train/loss', steps: [0, 10], values: [3, 1], walls: [1, 2], mins: [3, 1], maxs: [3, 1], downsampled: false },
    { run: 9, name: 'train/loss', steps: [0, 10], values: [2, 1.5], walls: [1, 2], mins: [2, 1.5], maxs: [2, 1.5], downsampled: false },
  ],
};

describe('compare: groups and sharing', () => {
  it('groups runs by a config value into mean lines with a band, and remembers it in the URL', async () => {
    server.route('GET /api/v1/compare/', { runs: [runA, runB, runC], config: threeDiff }).route('GET /api/v1/series/', threeSeries);
    renderAt('/compare?runs=7,8,9');
    const chart = await screen.findByTestId('chart-overlay-train/loss');
    await waitFor(() => expect(chart.getAttribute('data-runs-with-points')).toBe('3'));
    const groupBy = screen.getByLabelText('Group by') as HTMLSelectElement;
    // Differing paths first.
    expect([...groupBy.options].map((o) => o.value)).toEqual(['', 'seed', 'training.lr', 'method']);
    fireEvent.change(groupBy, { target: { value: 'training.lr' } });
    expect(new URLSearchParams(window.location.search).get('group')).toBe('training.lr');
    const groups = await screen.findByTestId('compare-groups');
    expect([...groups.querySelectorAll('tbody tr')].map((tr) => [tr.getAttribute('data-group'), tr.textContent])).toEqual([
      ['0.001', '0.0011lr-3 (#9)'],
      ['0.01', '0.012lr-1 (#7), lr-2 (#8)'],
    ]);
    const grouped = screen.getByTestId('chart-overlay-train/loss');
    expect(grouped.getAttribute('data-series')).toBe('2');
    expect(grouped.getAttribute('data-band')).toBe('true');
    const legend = within(grouped).getByRole('list', { name: 'Groups in train/loss' }).textContent!;
    expect(legend).toContain('config.training.lr = 0.01 1.5 at step 10 · mean of 2 of 2 runs');
    expect(legend).toContain('config.training.lr = 0.001 1.5 at step 10 · mean of 1 of 1 run');

    fireEvent.change(screen.getByLabelText('Group by'), { target: { value: '' } });
    expect(screen.queryByTestId('compare-groups')).toBeNull();
    expect(screen.getByTestId('chart-overlay-train/loss').getAttribute('data-series')).toBe('3');
  });

  it('groups runs by their tags, runs without tags in a group of their own', async () => {
    const tagged = [
      { ...runA, tags: ['baseline', 'seeds'] }, { ...runB, tags: ['seeds', 'baseline'] }, { ...runC, tags: [] },
    ];
    server.route('GET /api/v1/compare/', { runs: tagged, config: threeDiff }).route('GET /api/v1/series/', threeSeries);
    renderAt('/compare?runs=7,8,9');
    const groupBy = await screen.findByLabelText('Group by') as HTMLSelectElement;
    await waitFor(() => expect([...groupBy.options].map((o) => o.value)).toContain('tags'));
    fireEvent.change(groupBy, { target: { value: 'tags' } });
    const groups = await screen.findByTestId('compare-groups');
    const rows = [...groups.querySelectorAll('tbody tr')].map((tr) => tr.textContent);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('baseline, seeds');
    expect(rows[0]).toContain('lr-1 (#7), lr-2 (#8)');
    expect(rows[1]).toContain('(not set)');
    expect(screen.getByTestId('chart-overlay-train/loss').getAttribute('data-series')).toBe('2');
  });

  it('shares the compared runs and shows the full address with a copy button', async () => {
    server
      .route('GET /api/v1/compare/', { runs: [runA, runB], config: { values: {}, differing: [] } })
      .route('GET /api/v1/series/', { series: [] })
      .route('POST /api/v1/share-links/', (request) => ({
        status: 201,
        body: { id: 4, workspace: 'demo', token: 'tok_abc', url: '/shared/tok_abc', title: (request.body as { title: string }).title, runs: [7, 8], created_by: 'ada', created_at: '2025-11-23T12:00:00Z' },
      }));
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    renderAt('/compare?runs=7,8');
    fireEvent.click(await screen.findByRole('button', { name: 'Share' }));
    const url = (await screen.findByTestId('share-link-url')) as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/shared/tok_abc`);
    expect(server.sent('POST', '/api/v1/share-links/')[0]!.body).toEqual({ workspace: 'demo', runs: [7, 8], title: 'lr-1 vs lr-2' });
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await screen.findByText('Copied to the clipboard.');
    expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/shared/tok_abc`);
  });

  it('says why a link was not made', async () => {
    server
      .route('GET /api/v1/compare/', { runs: [runA, runB], config: { values: {}, differing: [] } })
      .route('GET /api/v1/series/', { series: [] })
      .route('POST /api/v1/share-links/', () => ({ status: 403, body: { detail: 'Viewers cannot share runs.' } }));
    renderAt('/compare?runs=7,8');
    fireEvent.click(await screen.findByRole('button', { name: 'Share' }));
    expect((await screen.findByText(/Viewers cannot share runs/)).closest('[role="alert"]')!.textContent).toContain('No share link was made');
  });
});

describe('shared page', () => {
  it('shows a link\'s runs, charts and config diff without signing in', async () => {
    server
      .route('GET /api/v1/auth/me/', () => ({ status: 403, body: { detail: 'Not signed in.' } }))
      .route('GET /api/v1/shared/tok_abc/', {
        title: 'lr sweep', workspace: 'Demo', created_at: '2025-11-23T12:00:00Z', runs: [runA, runC], config: {
          values: { 'training.lr': { '7': 0.01, '9': 0.001 }, seed: { '7': 0, '9': 0 }, teacher: { '7': 2, '9': 2 } },
          differing: ['training.lr'],
        },
        inputs: { models: { '2': 'teacher-small' }, datasets: {} },
      })
      .route('GET /api/v1/shared/tok_abc/series/', { series: threeSeries.series.filter((s) => s.run !== 8) });
    renderAt('/shared/tok_abc');
    const shared = await screen.findByTestId('shared-page');
    await screen.findByRole('heading', { name: 'lr sweep' });
    expect(window.location.pathname).toBe('/shared/tok_abc');
    expect(shared.getAttribute('data-state')).toBe('ready');
    expect(screen.getByTestId('shared-workspace').textContent).toBe('Demo');
    expect([...screen.getByTestId('shared-runs').querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-run-id'))).toEqual(['7', '9']);
    const chart = await screen.findByTestId('chart-overlay-train/loss');
    await waitFor(() => expect(chart.getAttribute('data-runs-with-points')).toBe('2'));
    expect(server.sent('GET', '/api/v1/shared/tok_abc/series/')[0]!.query.get('names')).toBe('train/loss');
    const diff = screen.getByTestId('compare-config-diff');
    expect([...diff.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-path'))).toEqual(['config.training.lr']);
    fireEvent.click(screen.getByLabelText('Only differences'));
    expect(screen.getByTestId('compare-config-diff').querySelectorAll('tbody tr')).toHaveLength(3);
    // The teacher by its name, which the link sends along: a visitor cannot look models up.
    const teacher = screen.getByTestId('compare-config-diff').querySelector('tbody tr[data-path="teacher"]')!;
    expect(teacher.textContent).toContain('teacher-small (#2)');
    expect(screen.getByTestId('compare-summary')).toBeTruthy();
    // Nothing that needs an account: no top-bar navigation, no links to run pages.
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
    expect(screen.queryByRole('link', { name: /lr-1/ })).toBeNull();
    expect(server.sent('GET', '/api/v1/auth/me/')).toHaveLength(0);
  });

  it('says so when the link was revoked', async () => {
    server.route('GET /api/v1/shared/gone/', () => ({ status: 404, body: { detail: 'Not found.' } }));
    renderAt('/shared/gone');
    await screen.findByRole('heading', { name: 'This link no longer works' });
    expect(screen.getByTestId('shared-page').getAttribute('data-state')).toBe('revoked');
    expect(window.location.pathname).toBe('/shared/gone');
  });
});

describe('settings: members, share links, audit log', () => {
  it('changes a role, removes a member after confirming, and shows the server\'s refusal', async () => {
    let members = [{ username: 'ada', role: 'owner' }, { username: 'grace', role: 'member' }, { username: 'linus', role: 'viewer' }];
    server
      .route('GET /api/v1/workspaces/demo/', () => ({ body: { id: 1, name: 'Demo', slug: 'demo', role: 'owner', members } }))
      .route('PATCH /api/v1/workspaces/demo/members/grace/', (request) => {
        members = members.map((m) => (m.username === 'grace' ? { ...m, role: (request.body as { role: string }).role } : m));
        return { body: members[1] };
      })
      .route('PATCH /api/v1/workspaces/demo/members/ada/', () => ({
        status: 409, body: { detail: "This is the workspace's last owner: make someone else an owner first." },
      }))
      .route('DELETE /api/v1/workspaces/demo/members/linus/', () => {
        members = members.filter((m) => m.username !== 'linus');
        return { status: 204 };
      })
      .route('GET /api/v1/share-links/', [])
      .route('GET /api/v1/workspaces/demo/audit/', page([]))
      .route('GET /api/v1/tokens/', []);
    renderAt('/settings');
    const role = (await screen.findByLabelText('Role for grace')) as HTMLSelectElement;
    expect(role.value).toBe('member');
    fireEvent.change(role, { target: { value: 'admin' } });
    await waitFor(() => expect((screen.getByLabelText('Role for grace') as HTMLSelectElement).value).toBe('admin'));
    expect(server.sent('PATCH', '/api/v1/workspaces/demo/members/grace/')[0]!.body).toEqual({ role: 'admin' });
    await screen.findByText('Saved.');

    fireEvent.change(screen.getByLabelText('Role for ada'), { target: { value: 'member' } });
    expect((await screen.findByText(/last owner/)).closest('[role="alert"]')!.textContent).toContain('The role of ada was not changed');
    expect((screen.getByLabelText('Role for ada') as HTMLSelectElement).value).toBe('owner');

    fireEvent.click(screen.getByRole('button', { name: 'Remove linus' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, remove' }));
    await waitFor(() => expect(screen.getByTestId('settings-members').querySelector('[data-username="linus"]')).toBeNull());
    // Your own row offers to leave, not to remove.
    expect(screen.queryByRole('button', { name: 'Remove ada' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Leave workspace' }));
    expect(screen.getByRole('button', { name: 'Yes, leave' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Stay' }));
    expect(screen.queryByRole('button', { name: 'Yes, leave' })).toBeNull();
  });

  it('leaves a workspace and moves to another one', async () => {
    let mine = [...workspaces];
    server
      .route('GET /api/v1/workspaces/', () => ({ body: mine }))
      .route('GET /api/v1/workspaces/demo/', { id: 1, name: 'Demo', slug: 'demo', role: 'member', members: [{ username: 'ada', role: 'member' }] })
      .route('GET /api/v1/workspaces/lab/', { id: 2, name: 'Lab', slug: 'lab', role: 'viewer', members: [{ username: 'ada', role: 'viewer' }] })
      .route('DELETE /api/v1/workspaces/demo/members/ada/', () => {
        mine = mine.filter((w) => w.slug !== 'demo');
        return { status: 204 };
      })
      .route('GET /api/v1/share-links/', [])
      .route('GET /api/v1/workspaces/demo/audit/', page([]))
      .route('GET /api/v1/workspaces/lab/audit/', page([]))
      .route('GET /api/v1/tokens/', []);
    server.route('GET /api/v1/workspaces/', () => ({ body: mine.map((w) => (w.slug === 'demo' ? { ...w, role: 'member' as const } : w)) }));
    renderAt('/settings');
    await screen.findByRole('heading', { name: 'Workspace Demo' });
    // A member cannot change roles: no select.
    expect(screen.queryByLabelText('Role for ada')).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Leave workspace' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, leave' }));
    await screen.findByRole('heading', { name: 'Workspace Lab' });
    expect(localStorage.getItem('distillery.workspace')).toBe('lab');
  });

  it('lists share links with their address and revokes one; pages through the audit log', async () => {
    let links = [
      { id: 4, workspace: 'demo', token: 'tok_abc', url: '/shared/tok_abc', title: 'lr sweep', runs: [7, 9], created_by: 'ada', created_at: '2025-11-23T12:00:00Z' },
    ];
    const event = (id: number, action: string, extra: object = {}) => ({
      id, actor: 'ada', action, target_type: 'run', target_id: String(id), detail: { name: `run-${id}` }, created_at: '2025-11-23T12:00:00Z', ...extra,
    });
    server
      .route('GET /api/v1/workspaces/demo/', { id: 1, name: 'Demo', slug: 'demo', role: 'owner', members: [{ username: 'ada', role: 'owner' }] })
      .route('GET /api/v1/share-links/', () => ({ body: links }))
      .route('DELETE /api/v1/share-links/4/', () => {
        links = [];
        return { status: 204 };
      })
      .route('GET /api/v1/workspaces/demo/audit/', (request) => (request.query.get('page') === '2'
        ? { body: { count: 3, next: null, previous: 'http://testserver/api/v1/workspaces/demo/audit/', results: [event(1, 'run.create')] } }
        : {
            body: {
              count: 3, next: 'http://testserver/api/v1/workspaces/demo/audit/?page=2', previous: null, results: [
                event(3, 'member.role', { target_type: 'user', detail: { username: 'grace', old: 'member', new: 'admin' } }),
                event(2, 'run.resume', { detail: { step: 40 } }),
              ],
            },
          }))
      .route('GET /api/v1/tokens/', []);
    renderAt('/settings');
    const list = await screen.findByTestId('settings-share-links');
    expect(list.getAttribute('data-count')).toBe('1');
    expect(within(list).getByRole('link', { name: `${window.location.origin}/shared/tok_abc` }).getAttribute('href')).toBe('/shared/tok_abc');
    expect(within(list).getByRole('link', { name: '#7, #9' }).getAttribute('href')).toBe('/compare?runs=7,9');
    expect(server.sent('GET', '/api/v1/share-links/')[0]!.query.get('workspace')).toBe('demo');

    const log = await screen.findByTestId('audit-log');
    const rows = [...log.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['member.role', 'run.resume']);
    expect(rows[0]!.textContent).toContain("changed a member's role");
    expect(rows[0]!.textContent).toContain('member → admin');
    expect(within(rows[1] as HTMLElement).getByRole('link', { name: 'run #2' }).getAttribute('href')).toBe('/runs/2');
    fireEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(screen.getByTestId('audit-log').textContent).toContain('launched a run'));
    expect(screen.getByTestId('audit-log').getAttribute('data-page')).toBe('2');
    expect(server.sent('GET', '/api/v1/workspaces/demo/audit/').at(-1)!.query.get('page')).toBe('2');

    fireEvent.click(screen.getByRole('button', { name: 'Revoke share link lr sweep' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke the link' }));
    await screen.findByText('No share links in Demo.');
    expect(server.sent('DELETE', '/api/v1/share-links/4/')).toHaveLength(1);
  });
});
