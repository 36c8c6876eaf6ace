// Shows an error from the API (its `detail`) or any other error, announced to screen readers.

import { ApiError } from '../api/client';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="alert alert-error">
      {title && <strong>{title}: </strong>}
      {errorMessage(error)}
    </div>
  );
}
