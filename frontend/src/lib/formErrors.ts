// Turns the server's validation errors ({"config.training.max_steps": ["..."], "student": ["..."]})
// into what the new-run form displays: an error tree for the schema-driven config form (rjsf's
// ErrorSchema shape, rooted at `config`) and flat messages for the other fields.

/** Same shape as rjsf's ErrorSchema: nested by field, messages in `__errors`. */
export interface ErrorTree {
  __errors?: string[];
  [field: string]: ErrorTree | string[] | undefined;
}

/**
 * Flattens an `errors` object into dotted paths. API.md promises dotted keys with lists of
 * messages; DRF's nested shapes ({"resources": {"gpus": [...]}}, lists per index) and single
 * strings are accepted too, so no message is dropped.
 */
export function flattenServerErrors(errors: unknown, prefix = ''): Record<string, string[]> {
  const flat: Record<string, string[]> = {};
  const add = (path: string, message: string) => {
    (flat[path] ??= []).push(message);
  };
  const walk = (value: unknown, path: string) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      add(path, value);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'string') add(path, item);
        else walk(item, joinPath(path, String(index)));
      });
    } else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, joinPath(path, key));
    } else {
      add(path, String(value));
    }
  };
  walk(errors, prefix);
  return flat;
}

export interface SplitErrors {
  /** Errors under the config root, as a tree for rjsf's `extraErrors`; null when there are none. */
  configErrors: ErrorTree | null;
  /** Every other error, by dotted path ("student", "resources.gpus", "non_field_errors"). */
  fieldErrors: Record<string, string[]>;
}

export function splitServerErrors(errors: unknown, configRoot = 'config'): SplitErrors {
  const fieldErrors: Record<string, string[]> = {};
  let configErrors: ErrorTree | null = null;
  for (const [path, messages] of Object.entries(flattenServerErrors(errors))) {
    if (path === configRoot || path.startsWith(`${configRoot}.`)) {
      configErrors ??= {};
      const inner = path === configRoot ? [] : path.slice(configRoot.length + 1).split('.');
      addToTree(configErrors, inner, messages);
    } else {
      fieldErrors[path] = messages;
    }
  }
  return { configErrors, fieldErrors };
}

/** Messages for a form field and anything below it ("resources" also gets "resources.gpus"). */
export function errorsForField(fieldErrors: Record<string, string[]>, field: string): string[] {
  return Object.entries(fieldErrors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .flatMap(([, messages]) => messages);
}

function addToTree(tree: ErrorTree, path: string[], messages: string[]) {
  let node = tree;
  for (const key of path) {
    const child = node[key];
    if (child === undefined || Array.isArray(child)) {
      const created: ErrorTree = {};
      node[key] = created;
      node = created;
    } else {
      node = child;
    }
  }
  node.__errors = [...(node.__errors ?? []), ...messages];
}

function joinPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

export interface PlacedError {
  /** The server's dotted path. */
  path: string;
  /** Id of the element the message is shown at. */
  target: string;
}

export interface ErrorPlacement {
  /** One entry per error path shown next to a form field. */
  placed: PlacedError[];
  /** "path: message" lines for errors no field shows. */
  unplaced: string[];
}

/** Sorts the server's errors into those a form field shows and those it has to list elsewhere. */
export function placeErrors(errors: unknown, targetFor: (path: string) => string | null): ErrorPlacement {
  const placed: PlacedError[] = [];
  const unplaced: string[] = [];
  for (const [path, messages] of Object.entries(flattenServerErrors(errors))) {
    const target = targetFor(path);
    if (target) placed.push({ path, target });
    else unplaced.push(...messages.map((message) => (path ? `${path}: ${message}` : message)));
  }
  return { placed, unplaced };
}

/** "warmup_steps (5) must …", "training.max_steps (3) and …": the field a message starts by naming. */
const LEADING_FIELD = /^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\b/;

/**
 * A cross-field check fails on the object that holds the fields (pydantic's model validators give
 * "config.training" for "warmup_steps (5) must not exceed max_steps (3)"); its message starts by
 * naming the field it is about. Each such message moves to that field's path ("config.training
 * .warmup_steps") when the schema has that field below the object, so that the form shows it
 * there and its summary names it. Other errors stay where they are.
 */
export function pinCrossFieldErrors(
  errors: Record<string, string[]>,
  hasPath: (path: readonly string[]) => boolean,
  configRoot = 'config',
): Record<string, string[]> {
  const pinned: Record<string, string[]> = {};
  const add = (path: string, message: string) => {
    const list = (pinned[path] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const [path, messages] of Object.entries(errors)) {
    const inConfig = path === configRoot || path.startsWith(`${configRoot}.`);
    const at = path === configRoot ? [] : path.slice(configRoot.length + 1).split('.');
    for (const message of messages) {
      const named = inConfig ? LEADING_FIELD.exec(message)?.[1]?.split('.') : undefined;
      const target = named ? [...at, ...named] : null;
      add(target && hasPath(target) ? [configRoot, ...target].join('.') : path, message);
    }
  }
  return pinned;
}
