// @vitest-environment happy-dom
// Screen tests for the playground and the invitation page.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, FakeServer } from '../test/fakeServer';
import { paged, user, workspaces } from '../test/fixtures';
import { App } from './App';

vi.mock('uplot', () => ({ default: class { setData() {} setSize() {} destroy() {} } }));

let server: FakeServer;

const playgroundModels = [
  { id: 3, workspace: 'demo', name: 'student-tiny', source: 'config' },
  { id: 2, workspace: 'demo', name: 'teacher-small', source: 'run' },
  { id: 9, workspace: 'demo', name: 'old-import', source: 'imported' },
];

beforeEach(() => {
  server = new FakeServer()
    .route('GET /api/v1/auth/me/', user)
    .route('GET /api/v1/workspaces/', workspaces)
    .route('GET /api/v1/models/', paged(playgroundModels));
  server.install();
  localStorage.clear();
  document.cookie = 'csrftoken=csrf-from-cookie';
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(<App />);
}

describe('playground', () => {
  it('sends the chosen models and prompts, then polls until every cell is done while no stream comes', async () => {
    let polls = 0;
    server
      .route('POST /api/v1/playground/', () => ({ status: 201, body: { id: 4, status: 'queued', outputs: [] } }))
      .route('GET /api/v1/playground/4/', () => {
        polls += 1;
        if (polls === 1) {
          return { body: { id: 4, status: 'running', models: [{ id: 3, name: 'teacher' }, { id: 2, name: 'student' }], prompts: ['Hi', 'Bye'], outputs: [
            { model: 3, prompt_index: 0, text: 'Hel', tokens: 1, tokens_per_s: 5, done: false },
          ] } };
        }
        return { body: { id: 4, status: 'done', models: [{ id: 3, name: 'teacher' }, { id: 2, name: 'student' }], prompts: ['Hi', 'Bye'], outputs: [
          { model: 3, prompt_index: 0, text: 'Hello there', tokens: 3, tokens_per_s: 12.5, done: true },
          { model: 2, prompt_index: 0, text: 'Hey', tokens: 1, done: true },
          { model: 3, prompt_index: 1, text: 'Bye!', tokens: 2, done: true },
          { model: 2, prompt_index: 1, text: '', tokens: 0, done: true, error: 'CUDA out of memory' },
        ] } };
      });
    renderAt('/playground');
    expect(await screen.findByRole('link', { name: 'Playground' })).toBeTruthy();
    await screen.findByLabelText('student-tiny');
    expect(screen.queryByLabelText('old-import')).toBeNull();
    expect(screen.getByText(/busy worker answers after its current run/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText('teacher-small'));
    fireEvent.click(screen.getByLabelText('student-tiny'));
    fireEvent.change(screen.getByLabelText('Prompts (one per line)'), { target: { value: 'Hi\n\n  Bye  \n' } });
    fireEvent.change(screen.getByLabelText('Temperature (0 = greedy)'), { target: { value: '0.7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(server.sent('POST', '/api/v1/playground/')).toHaveLength(1));
    expect(server.sent('POST', '/api/v1/playground/')[0]!.body).toEqual({
      workspace: 'demo', models: [3, 2], prompts: ['Hi', 'Bye'], max_new_tokens: 64, temperature: 0.7, top_p: 1, seed: 0,
    });
    const grid = await screen.findByTestId('playground-grid');
    await waitFor(() => expect(grid.querySelector('[data-model="3"][data-prompt="0"]')?.textContent).toContain('Hel'));
    await waitFor(() => expect(grid.querySelectorAll('[data-done="true"]')).toHaveLength(4));
    const cells = screen.getAllByTestId('playground-cell');
    expect(cells).toHaveLength(4);
    expect(grid.querySelector('[data-model="3"][data-prompt="0"]')?.textContent).toContain('Hello there');
    expect(grid.querySelector('[data-model="2"][data-prompt="1"]')?.getAttribute('data-state')).toBe('error');
    expect(grid.querySelector('[data-model="2"][data-prompt="1"]')?.textContent).toContain('CUDA out of memory');
    const pollsWhenDone = polls;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(polls).toBe(pollsWhenDone);
  });

  async function startSession() {
    renderAt('/playground');
    fireEvent.click(await screen.findByLabelText('teacher-small'));
    fireEvent.click(screen.getByLabelText('student-tiny'));
    fireEvent.change(screen.getByLabelText('Prompts (one per line)'), { target: { value: 'Hi\nBye' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(FakeEventSource.instances.some((s) => s.url.endsWith('/api/v1/playground/4/events/'))).toBe(true));
    return FakeEventSource.instances.find((s) => s.url.endsWith('/api/v1/playground/4/events/'))!;
  }

  const models = [{ id: 3, name: 'teacher' }, { id: 2, name: 'student' }];

  it('fills the cells from the event stream and does not poll while it is live', async () => {
    FakeEventSource.instances = [];
    let polls = 0;
    let answerFirstRead: () => void = () => undefined;
    server
      .route('POST /api/v1/playground/', () => ({ status: 201, body: { id: 4, status: 'queued', outputs: [] } }))
      .route('GET /api/v1/playground/4/', () => {
        polls += 1;
        const stale = { body: { id: 4, status: 'queued', models, prompts: ['Hi', 'Bye'], outputs: [] } };
        // The first read is answered only after the stream has delivered newer state.
        return polls === 1 ? new Promise((resolve) => { answerFirstRead = () => resolve(stale); }) : stale;
      });
    const source = await startSession();
    await waitFor(() => expect(polls).toBe(1));
    source.open();
    source.emit('session', { id: 4, status: 'running', models, prompts: ['Hi', 'Bye'], outputs: [
      { model: 3, prompt_index: 0, text: 'Hel', tokens: 1, tokens_per_s: 5, done: false },
      { model: 2, prompt_index: 0, text: 'Hey', tokens: 1, tokens_per_s: 4, done: true },
    ] });
    const grid = await screen.findByTestId('playground-grid');
    await waitFor(() => expect(grid.querySelector('[data-model="3"][data-prompt="0"]')?.textContent).toContain('Hel'));
    expect(screen.getByTestId('playground-status').getAttribute('data-stream')).toBe('live');
    const pollsWhenLive = polls;
    // Changed cells replace their older state; new ones are added; the others stay.
    source.emit('outputs', { outputs: [
      { model: 3, prompt_index: 0, text: 'Hello there', tokens: 3, tokens_per_s: 12.5, done: true },
      { model: 3, prompt_index: 1, text: 'Bye!', tokens: 2, tokens_per_s: 9, done: true },
      { model: 2, prompt_index: 1, text: '', tokens: 0, done: true, error: 'CUDA out of memory' },
    ] });
    await waitFor(() => expect(grid.querySelectorAll('[data-done="true"]')).toHaveLength(4));
    expect(grid.querySelector('[data-model="3"][data-prompt="0"]')?.textContent).toContain('Hello there');
    expect(grid.querySelector('[data-model="2"][data-prompt="0"]')?.textContent).toContain('Hey');
    expect(grid.querySelector('[data-model="2"][data-prompt="1"]')?.getAttribute('data-state')).toBe('error');
    answerFirstRead();
    await new Promise((resolve) => setTimeout(resolve, 50));
    source.emit('status', { id: 4, status: 'done', error_message: '', finished_at: '2026-12-06T10:00:00Z' });
    await waitFor(() => expect(screen.getByTestId('playground-status').getAttribute('data-status')).toBe('done'));
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(polls).toBe(pollsWhenLive);
    // The first read answered "queued, no outputs" late, and did not overwrite the stream's cells.
    expect(grid.querySelectorAll('[data-done="true"]')).toHaveLength(4);
  });

  it('polls when the server refuses the stream, and shows a failed session', async () => {
    FakeEventSource.instances = [];
    let polls = 0;
    server
      .route('POST /api/v1/playground/', () => ({ status: 201, body: { id: 4, status: 'queued', outputs: [] } }))
      .route('GET /api/v1/playground/4/', () => {
        polls += 1;
        return polls < 3
          ? { body: { id: 4, status: 'running', models, prompts: ['Hi', 'Bye'], outputs: [] } }
          : { body: { id: 4, status: 'failed', error_message: 'The worker lost the model files.', models, prompts: ['Hi', 'Bye'], outputs: [] } };
      });
    const source = await startSession();
    source.readyState = FakeEventSource.CLOSED;
    source.onerror?.(new Event('error'));
    await waitFor(() => expect(screen.getByTestId('playground-status').getAttribute('data-stream')).toBe('unavailable'));
    await waitFor(() => expect(screen.getByTestId('playground-status').getAttribute('data-status')).toBe('failed'));
    expect(screen.getByText('The worker lost the model files.')).toBeTruthy();
    expect(polls).toBeGreaterThanOrEqual(3);
  });

  it("shows the server's 400 detail and field errors", async () => {
    server.route('POST /api/v1/playground/', () => ({
      status: 400,
      body: { detail: 'max_new_tokens: at most 512.', errors: { max_new_tokens: ['at most 512.'] } },
    }));
    renderAt('/playground');
    fireEvent.click(await screen.findByLabelText('student-tiny'));
    fireEvent.change(screen.getByLabelText('Prompts (one per line)'), { target: { value: 'Hi' } });
    fireEvent.change(screen.getByLabelText('Max new tokens'), { target: { value: '9999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect((await screen.findByRole('alert')).textContent).toContain('max_new_tokens: at most 512.');
    expect(screen.getByText('at most 512.')).toBeTruthy();
    expect(screen.queryByTestId('playground-grid')).toBeNull();
  });

  it('asks for a model and a prompt before sending', async () => {
    renderAt('/playground');
    await screen.findByLabelText('student-tiny');
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Choose at least one model.');
    expect(server.sent('POST', '/api/v1/playground/')).toHaveLength(0);
  });
});

describe('playground layout and streaming', () => {
  const models = [{ id: 3, name: 'teacher' }, { id: 2, name: 'student' }];

  it('lays the page out like the run page: one <main>, form sections, an outputs section with status and live marker', async () => {
    renderAt('/playground');
    await screen.findByLabelText('student-tiny');
    expect(document.querySelectorAll('main')).toHaveLength(1);
    expect(screen.getByRole('heading', { level: 1, name: 'Playground' }).closest('.page-header')).not.toBeNull();
    const form = screen.getByTestId('playground-form');
    expect(form.classList.contains('run-form')).toBe(true);
    expect(within(form).getByRole('heading', { name: 'Models' }).closest('section.form-section')).not.toBeNull();
    expect(screen.getByLabelText('Prompts (one per line)').closest('section.form-section')).not.toBeNull();
    expect(screen.getByLabelText('Max new tokens').closest('.form-grid')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Generate' }).classList.contains('button-primary')).toBe(true);
  });

  it('grows each cell token by token as the stream reports them', async () => {
    FakeEventSource.instances = [];
    server
      .route('POST /api/v1/playground/', () => ({ status: 201, body: { id: 4, status: 'queued', outputs: [] } }))
      .route('GET /api/v1/playground/4/', () => ({ body: { id: 4, status: 'queued', models, prompts: ['Hi', 'Bye'], outputs: [] } }));
    renderAt('/playground');
    fireEvent.click(await screen.findByLabelText('teacher-small'));
    fireEvent.click(screen.getByLabelText('student-tiny'));
    fireEvent.change(screen.getByLabelText('Prompts (one per line)'), { target: { value: 'Hi\nBye' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(FakeEventSource.instances.some((s) => s.url.endsWith('/api/v1/playground/4/events/'))).toBe(true));
    const source = FakeEventSource.instances.find((s) => s.url.endsWith('/api/v1/playground/4/events/'))!;
    source.open();
    source.emit('session', { id: 4, status: 'running', models, prompts: ['Hi', 'Bye'], outputs: [] });
    const outputs = await screen.findByRole('region', { name: 'Outputs' });
    expect(outputs.classList.contains('run-section')).toBe(true);
    await waitFor(() => expect(screen.getByTestId('playground-stream').textContent).toBe('Live'));
    expect(screen.getByTestId('playground-status-badge').textContent).toBe('running');
    const cell = () => outputs.querySelector('[data-model="3"][data-prompt="0"]')!;
    for (const [text, tokens] of [['Hel', 1], ['Hello', 2], ['Hello there', 3]] as const) {
      source.emit('outputs', { outputs: [{ model: 3, prompt_index: 0, text, tokens, done: false }] });
      await waitFor(() => expect(cell().querySelector('.playground-text')!.textContent).toBe(text));
      expect(cell().getAttribute('data-state')).toBe('running');
      expect(cell().textContent).toContain(`${tokens} tokens`);
    }
    source.emit('outputs', { outputs: [{ model: 3, prompt_index: 0, text: 'Hello there!', tokens: 4, done: true }] });
    await waitFor(() => expect(cell().getAttribute('data-state')).toBe('done'));
    source.emit('status', { id: 4, status: 'done', error_message: '', finished_at: '2026-12-06T10:00:00Z' });
    await waitFor(() => expect(screen.getByTestId('playground-stream').textContent).toBe('Final'));
    expect(screen.getByTestId('playground-status-badge').textContent).toBe('done');
  });
});

describe('invitation page', () => {
  it('joins the workspace and switches to it', async () => {
    let joined = false;
    server
      .route('GET /api/v1/workspaces/', () => ({ body: joined ? [...workspaces, { id: 3, name: 'Team', slug: 'team', role: 'member' }] : workspaces }))
      .route('POST /api/v1/invitations/abc123/accept/', () => {
        joined = true;
        return { body: { workspace: 'team', username: 'alice', role: 'member' } };
      });
    renderAt('/invitations/abc123');
    const page = await screen.findByTestId('invitation-page');
    fireEvent.click(screen.getByRole('button', { name: 'Join workspace' }));
    await waitFor(() => expect(page.getAttribute('data-state')).toBe('joined'));
    expect(screen.getByRole('link', { name: 'Go to its runs' }).getAttribute('href')).toBe('/runs');
    await waitFor(() => expect((screen.getByLabelText('Workspace') as HTMLSelectElement).value).toBe('team'));
  });

  it('shows the invitations sent to me above every page: Join switches to the workspace, Decline closes one', async () => {
    let mine = [
      { token: 'tok-team', workspace: 'team', workspace_name: 'Team', role: 'member', invited_by: 'ada', expires_at: '2030-01-01T00:00:00Z' },
      { token: 'tok-other', workspace: 'other', workspace_name: 'Other', role: 'viewer', invited_by: 'bob', expires_at: '2030-01-01T00:00:00Z' },
    ];
    let joined = false;
    server
      .route('GET /api/v1/invitations/', () => ({ body: mine }))
      .route('GET /api/v1/workspaces/', () => ({ body: joined ? [...workspaces, { id: 3, name: 'Team', slug: 'team', role: 'member' }] : workspaces }))
      .route('POST /api/v1/invitations/tok-other/decline/', () => {
        mine = mine.filter((i) => i.token !== 'tok-other');
        return { status: 204 };
      })
      .route('POST /api/v1/invitations/tok-team/accept/', () => {
        joined = true;
        mine = [];
        return { body: { workspace: 'team', username: 'alice', role: 'member' } };
      });
    renderAt('/runs');
    const banner = await screen.findByTestId('your-invitations');
    expect(banner.textContent).toContain('ada invited you to Team as member.');
    fireEvent.click(screen.getByRole('button', { name: 'Decline the invitation to Other' }));
    await waitFor(() => expect(screen.getByTestId('your-invitations').textContent).not.toContain('Other'));
    fireEvent.click(screen.getByRole('button', { name: 'Join Team' }));
    await waitFor(() => expect(screen.queryByTestId('your-invitations')).toBeNull());
    await waitFor(() => expect((screen.getByLabelText('Workspace') as HTMLSelectElement).value).toBe('team'));
  });

  it('names the workspace and role of my invitation on its page, and declines it', async () => {
    server
      .route('GET /api/v1/invitations/', () => ({ body: [{ token: 'abc123', workspace: 'team', workspace_name: 'Team', role: 'admin', invited_by: 'ada', expires_at: '2030-01-01T00:00:00Z' }] }))
      .route('POST /api/v1/invitations/abc123/decline/', () => ({ status: 204 }));
    renderAt('/invitations/abc123');
    const page = await screen.findByTestId('invitation-page');
    await waitFor(() => expect(page.textContent).toContain('ada invited you to Team as admin.'));
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(page.getAttribute('data-state')).toBe('declined'));
    expect(server.sent('POST', '/api/v1/invitations/abc123/accept/')).toHaveLength(0);
  });

  it('shows why a used or expired invitation cannot be accepted', async () => {
    server.route('POST /api/v1/invitations/old/accept/', () => ({ status: 400, body: { detail: 'This invitation has expired.' } }));
    renderAt('/invitations/old');
    fireEvent.click(await screen.findByRole('button', { name: 'Join workspace' }));
    expect((await screen.findByRole('alert')).textContent).toContain('This invitation has expired.');
  });

  it('sends a signed-out visitor to sign in, then back', async () => {
    server.route('GET /api/v1/auth/me/', () => ({ status: 403, body: { detail: 'Not signed in.' } }));
    renderAt('/invitations/abc123');
    await waitFor(() => expect(window.location.pathname).toBe('/login'));
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/invitations/abc123');
  });

  it('lets a visitor without an account make one with the invitation, and shows why one was refused', async () => {
    let attempts = 0;
    server
      .route('GET /api/v1/auth/me/', () => ({ status: 403, body: { detail: 'Not signed in.' } }))
      .route('POST /api/v1/invitations/abc123/accept/', () => {
        attempts += 1;
        if (attempts === 1) {
          return { status: 400, body: { detail: 'The password is too weak: This password is too short.', errors: { password: ['This password is too short.'] } } };
        }
        return { status: 201, body: { workspace: 'team', username: 'newcomer', role: 'member' } };
      });
    renderAt('/invitations/abc123');
    fireEvent.change(await screen.findByLabelText('Choose a username'), { target: { value: 'newcomer' } });
    fireEvent.change(screen.getByLabelText('Choose a password'), { target: { value: 'shortish1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Make account and join' }));
    expect((await screen.findByRole('alert')).textContent).toContain('too short');
    fireEvent.change(screen.getByLabelText('Choose a password'), { target: { value: 'a-long-enough-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Make account and join' }));
    await waitFor(() => expect(window.location.pathname).toBe('/runs'));
    expect(server.sent('POST', '/api/v1/invitations/abc123/accept/')[1]!.body).toEqual({ username: 'newcomer', password: 'a-long-enough-password' });
  });

  it('offers no sign-up on a plain sign-in', async () => {
    server.route('GET /api/v1/auth/me/', () => ({ status: 403, body: { detail: 'Not signed in.' } }));
    renderAt('/runs');
    await screen.findByRole('heading', { name: 'Sign in to Distillery' });
    expect(screen.queryByLabelText('Choose a username')).toBeNull();
  });
});
