// Reading what people type into JSON text areas, and placing a server's field errors on a small
// form: messages next to the fields it shows, and a flag for the ones it cannot place.

import { errorsForField, flattenServerErrors } from './formErrors';

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Parses a JSON object (not an array, string or number), with a message a person can act on. */
export function parseJsonObject(text: string): JsonObjectResult {
  if (!text.trim()) return { ok: false, error: 'Enter a JSON object, e.g. {"model_type": "llama"}.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not valid JSON: ${detail}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `Expected a JSON object ({...}), got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export interface PlacedErrors {
  /** Messages for a field the form shows (and the paths below it). */
  forField: (field: string) => string[];
  /** Whether some error, or the failure itself, has no field to sit next to: show the detail. */
  hasUnplaced: boolean;
}

/** `errors` of a 400 answer, for a form that shows `fields`. Any failure without errors is unplaced. */
export function placeFieldErrors(errors: unknown, fields: readonly string[], failed: boolean): PlacedErrors {
  const flat = flattenServerErrors(errors ?? {});
  const paths = Object.keys(flat);
  const placed = (path: string) => fields.some((f) => path === f || path.startsWith(`${f}.`));
  return {
    forField: (field) => errorsForField(flat, field),
    hasUnplaced: failed && (paths.length === 0 || paths.some((p) => !placed(p))),
  };
}
