// @vitest-environment happy-dom
// The models page's register form with a Hugging Face hub id from the server's local cache.

import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app/App';
import { FakeServer } from '../test/fakeServer';
import { datasets, methods, models, paged, user, workspaces } from '../test/fixtures';

vi.mock('uplot', () => ({
  default: class {
    setData() {}
    setSize() {}
    destroy() {}
  },
}));

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer()
    .route('GET /api/v1/auth/me/', user)
    .route('GET /api/v1/workspaces/', workspaces)
    .route('GET /api/v1/methods/', methods)
    .route('GET /api/v1/models/', paged(models))
    .route('GET /api/v1/datasets/', paged(datasets))
    .route('GET /api/v1/templates/', []);
  server.install();
  localStorage.clear();
  document.cookie = 'csrftoken=csrf-from-cookie';
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function registerFromHub(name: string, hubId: string) {
  fireEvent.change(screen.getByLabelText('Model name'), { target: { value: name } });
  fireEvent.change(screen.getByLabelText('Hub id'), { target: { value: hubId } });
  fireEvent.click(screen.getByRole('button', { name: 'Register model' }));
}

describe('registering a model from a hub id', () => {
  it('sends the hub id and shows the registered model', async () => {
    server.route('POST /api/v1/models/', (request) => ({
      status: 201, body: { id: 11, workspace: 'demo', name: (request.body as { name: string }).name, source: 'hub', hub_id: 'org/tiny' },
    }));
    window.history.pushState({}, '', '/models');
    render(<App />);
    fireEvent.click(await screen.findByLabelText('Hub id (local cache)'));
    expect(screen.getByText(/never downloads/)).toBeTruthy();
    registerFromHub('tiny', '  org/tiny ');
    await screen.findByTestId('model-registered');
    expect(server.sent('POST', '/api/v1/models/')[0]!.body).toEqual({ workspace: 'demo', name: 'tiny', source: 'hub', hub_id: 'org/tiny' });
  });

  it('shows the server\'s cache message next to the hub id field', async () => {
    const message = "'org/big' is not in this server's Hugging Face cache (/srv/hf/hub): run `huggingface-cli download org/big`.";
    server.route('POST /api/v1/models/', () => ({ status: 400, body: { detail: message, errors: { hub_id: [message] } } }));
    window.history.pushState({}, '', '/models');
    render(<App />);
    fireEvent.click(await screen.findByLabelText('Hub id (local cache)'));
    registerFromHub('big', 'org/big');
    expect((await screen.findByTestId('model-hub-id-errors')).textContent).toContain('huggingface-cli download org/big');
  });
});
