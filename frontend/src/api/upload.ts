// Multipart uploads with progress. fetch() reports no upload progress, so this one request goes
// through XMLHttpRequest, with the same session cookie, CSRF header and error type as the rest.

import { readCookie } from '../lib/cookies';
import { API_BASE, ApiError } from './client';
import type { ApiErrorBody } from './types';

export interface UploadProgress {
  loaded: number;
  /** null when the browser cannot tell (no Content-Length). */
  total: number | null;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Called once every byte has been sent: the server is now reading and checking the file. */
  onSent?: () => void;
  signal?: AbortSignal;
}

/** What an upload mutation is called with: the multipart form and where its progress goes. */
export interface UploadVariables extends Omit<UploadOptions, 'signal'> {
  form: FormData;
}

export interface UploadResult<T> {
  status: number;
  body: T;
}

/** POSTs `form` to `path` (relative to /api/v1). Rejects with ApiError, or an AbortError when aborted. */
export function uploadForm<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<UploadResult<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const token = readCookie('csrftoken', document.cookie);
    if (token) xhr.setRequestHeader('X-CSRFToken', token);

    xhr.upload.onprogress = (event: ProgressEvent) => {
      options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
    };
    xhr.upload.onload = () => options.onSent?.();

    xhr.onload = () => {
      const body = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, body: body as T });
        return;
      }
      const errorBody = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ApiErrorBody) : null;
      reject(new ApiError(xhr.status, errorBody, fallbackMessage(xhr.status, xhr.statusText)));
    };
    xhr.onerror = () => reject(new ApiError(0, null, 'The upload did not reach the server: check the connection and try again.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));

    if (options.signal) {
      if (options.signal.aborted) {
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
        return;
      }
      options.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fallbackMessage(status: number, statusText: string): string {
  // A proxy in front of Django may refuse a large body itself, with an HTML page.
  if (status === 413) return 'The file is too large for the server to accept: split it into smaller files.';
  return `The server answered ${status} ${statusText || ''}`.trim() + '.';
}
