// A stand-in for the Django API in screen tests: routes fetch() calls to handlers by method and
// path, records what the UI sent, and offers an EventSource whose events the test pushes.

import { vi } from 'vitest';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export type FakeResponse = { status?: number; body?: unknown };
/** A handler may answer later (a promise), for tests of what the UI does while a request is in flight. */
export type Handler = (request: FakeRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export class FakeServer {
  readonly requests: FakeRequest[] = [];
  private readonly routes = new Map<string, Handler>();

  /** `route('GET /api/v1/runs/', handler or JSON body)`; a later registration of the same route wins. */
  route(key: string, handler: Handler): this;
  route(key: string, body: unknown): this;
  route(key: string, handler: unknown): this {
    this.routes.set(key, typeof handler === 'function' ? (handler as Handler) : () => ({ body: handler }));
    return this;
  }

  install(): void {
    vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
      const url = new URL(input, 'http://localhost');
      const method = (init.method ?? 'GET').toUpperCase();
      const request: FakeRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: (init.headers ?? {}) as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      this.requests.push(request);
      const handler = this.routes.get(`${method} ${url.pathname}`);
      const response = (await handler?.(request)) ?? { status: 404, body: { detail: `No fake for ${method} ${url.pathname}` } };
      const status = response.status ?? 200;
      return new Response(status === 204 ? null : JSON.stringify(response.body ?? null), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    FakeXhr.instances = [];
  }

  sent(method: string, path: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }
}

export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  // --- driven by the test ---

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.(new Event('open'));
  }

  emit(type: string, data: unknown, id?: string): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id ?? '' });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** The server ended the stream; a real EventSource would now try to reconnect. */
  drop(): void {
    this.readyState = FakeEventSource.CONNECTING;
    this.onerror?.(new Event('error'));
  }
}

/**
 * A stand-in for XMLHttpRequest (uploads): records each request, and lets the test report upload
 * progress, the end of sending, and the server's answer.
 */
export class FakeXhr {
  static instances: FakeXhr[] = [];

  method = '';
  url = '';
  body: unknown = null;
  withCredentials = false;
  readonly headers: Record<string, string> = {};
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  readonly upload: { onprogress: ((e: ProgressEvent) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(body: unknown): void {
    this.body = body;
    FakeXhr.instances.push(this);
  }

  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }

  // --- driven by the test ---

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }

  sent(): void {
    this.upload.onload?.();
  }

  respond(status: number, body: unknown): void {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
}
