// fetch wrapper for the REST API: same-origin session cookie, Django's CSRF header on unsafe
// requests, JSON in and out, and one error type carrying the server's `detail` and `errors`.

import { readCookie } from '../lib/cookies';
import type { ApiErrorBody, Paginated } from './types';

export const API_BASE = '/api/v1';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: Record<string, string[] | string> | undefined;

  constructor(status: number, body: ApiErrorBody | null, fallback: string) {
    const detail = body?.detail || fallback;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = body?.errors;
  }

  /** Signed out (401), or refused before authentication by DRF's session auth (403). */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A list value repeats the parameter (`metric=a&metric=b`); empty values are left out. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined | null>;
  signal?: AbortSignal;
}

/** `path` is relative to /api/v1 ("/runs/") or a full link the server handed out (pagination). */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(/^https?:\/\//.test(path) ? path : `${API_BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) {
      url.searchParams.delete(key);
      for (const item of value) if (item !== '') url.searchParams.append(key, item);
    } else if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(key, String(value));
    }
  }
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.toString();
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const token = readCookie('csrftoken', document.cookie);
    if (token) headers['X-CSRFToken'] = token;
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null, 'Cannot reach the server. Check that it is running, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      isErrorBody(body) ? body : null,
      `The server answered ${response.status} ${response.statusText || ''}`.trim() + '.',
    );
  }
  return body as T;
}

/** Pages followed at most by `listAll` (at 500 per page, 10 000 objects). */
const MAX_PAGES = 20;

/**
 * Every item of a paged list endpoint (models, datasets): asks for large pages and follows the server's `next` links, so a
 * workspace with more models or datasets than one page still offers all of them.
 */
export async function listAll<T>(path: string, query: RequestOptions['query'] = {}, signal?: AbortSignal): Promise<T[]> {
  let response = await apiRequest<Paginated<T>>(path, { query: { page_size: 500, ...query }, signal });
  const items = [...response.results];
  for (let page = 1; page < MAX_PAGES && response.next; page++) {
    response = await apiRequest<Paginated<T>>(response.next, { signal });
    items.push(...response.results);
  }
  return items;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
