// The set-up every screen test of the whole app shares: a fake API that knows the signed-in user,
// the workspaces, the method catalog, models, datasets and no templates; a clean browser state;
// and the teardown after each test.

import { cleanup } from '@testing-library/react';
import { vi } from 'vitest';
import { FakeEventSource, FakeServer } from './fakeServer';
import { datasets, methods, models, paged, user, workspaces } from './fixtures';

/** A FakeServer answering the app's start-up requests, installed as fetch; add routes to it. */
export function signedInServer(): FakeServer {
  const server = new FakeServer()
    .route('GET /api/v1/auth/me/', user)
    .route('GET /api/v1/workspaces/', workspaces)
    .route('GET /api/v1/methods/', methods)
    .route('GET /api/v1/models/', paged(models))
    .route('GET /api/v1/datasets/', paged(datasets))
    .route('GET /api/v1/templates/', []);
  server.install();
  FakeEventSource.instances = [];
  localStorage.clear();
  document.cookie = 'csrftoken=csrf-from-cookie';
  return server;
}

/** After each test: unmount, and put the real fetch and globals back. */
export function resetScreen(): void {
  cleanup();
  vi.unstubAllGlobals();
}
