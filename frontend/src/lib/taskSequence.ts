// The "New task sequence" form's rows: ordered tasks (name, training dataset, validation dataset),
// checked before sending, and the server's errors placed on the row they belong to.

export interface TaskRow {
  /** Stable React key; not sent. */
  key: number;
  name: string;
  train: string;
  validation: string;
}

export const MIN_TASKS = 2;

export interface TaskFieldErrors {
  name?: string[];
  train_dataset?: string[];
  validation_dataset?: string[];
  /** Errors about the row as a whole. */
  row?: string[];
}

export interface TaskSequenceErrors {
  /** The sequence's name. */
  name: string[];
  /** About the list of tasks (too few, duplicates...). */
  tasks: string[];
  rows: TaskFieldErrors[];
  /** Messages with no place on the form. */
  other: string[];
}

export const emptyErrors = (count: number): TaskSequenceErrors => ({ name: [], tasks: [], rows: Array.from({ length: count }, () => ({})), other: [] });

export const hasErrors = (errors: TaskSequenceErrors): boolean =>
  errors.name.length + errors.tasks.length + errors.other.length > 0
  || errors.rows.some((row) => Object.values(row).some((messages) => messages && messages.length > 0));

let nextKey = 1;
export function newRow(): TaskRow {
  return { key: nextKey++, name: '', train: '', validation: '' };
}

export function moveRow<T>(rows: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  if (index < 0 || index >= rows.length || target < 0 || target >= rows.length) return [...rows];
  const moved = [...rows];
  [moved[index], moved[target]] = [moved[target]!, moved[index]!];
  return moved;
}

export function removeRow<T>(rows: readonly T[], index: number): T[] {
  return rows.filter((_, i) => i !== index);
}

/** What the browser can check: a name, at least two tasks, each named once with both datasets. */
export function validateTaskSequence(name: string, rows: readonly TaskRow[]): TaskSequenceErrors {
  const errors = emptyErrors(rows.length);
  if (!name.trim()) errors.name.push('Give the sequence a name.');
  if (rows.length < MIN_TASKS) errors.tasks.push(`A task sequence needs at least ${MIN_TASKS} tasks: add another row.`);
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowErrors = errors.rows[index]!;
    const taskName = row.name.trim();
    if (!taskName) rowErrors.name = ['Name the task.'];
    else if (seen.has(taskName)) rowErrors.name = [`Task ${seen.get(taskName)! + 1} already has this name: names must differ.`];
    else seen.set(taskName, index);
    if (!row.train) rowErrors.train_dataset = ['Choose the dataset this task trains on.'];
    if (!row.validation) rowErrors.validation_dataset = ['Choose the dataset this task is evaluated on.'];
  });
  return errors;
}

export function requestTasks(rows: readonly TaskRow[]) {
  return rows.map((row) => ({ name: row.name.trim(), train_dataset: Number(row.train), validation_dataset: Number(row.validation) }));
}

const asList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? [v] : typeof v === 'object' && v !== null ? Object.values(v).flatMap(asList) : []));
  return typeof value === 'string' ? [value] : [];
};

const ROW_FIELDS = new Set(['name', 'train_dataset', 'validation_dataset']);

/**
 * The server's 400 `errors` on the form: dotted keys (`tasks.1.train_dataset`, `tasks.0`, `name`),
 * or DRF's nested shape (`tasks: [{train_dataset: [...]}, {}]`), each row's on that row.
 */
export function placeServerErrors(errors: Record<string, unknown> | undefined, rowCount: number): TaskSequenceErrors {
  const placed = emptyErrors(rowCount);
  const addRow = (index: number, field: string | undefined, messages: string[]) => {
    const row = placed.rows[index];
    if (!row) {
      placed.other.push(...messages.map((m) => `Task ${index + 1}: ${m}`));
      return;
    }
    const key = (field && ROW_FIELDS.has(field) ? field : 'row') as keyof TaskFieldErrors;
    row[key] = [...(row[key] ?? []), ...messages];
  };
  for (const [key, value] of Object.entries(errors ?? {})) {
    const parts = key.split('.');
    if (parts[0] === 'tasks') {
      if (parts.length === 1 && Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
        value.forEach((entry, index) => {
          if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
            for (const [field, messages] of Object.entries(entry)) addRow(index, field, asList(messages));
          } else if (asList(entry).length) addRow(index, undefined, asList(entry));
        });
      } else if (parts.length >= 2 && /^\d+$/.test(parts[1]!)) {
        addRow(Number(parts[1]), parts[2], asList(value));
      } else {
        placed.tasks.push(...asList(value));
      }
    } else if (key === 'name') {
      placed.name.push(...asList(value));
    } else {
      placed.other.push(...asList(value).map((m) => (key === 'non_field_errors' || key === 'detail' ? m : `${key}: ${m}`)));
    }
  }
  return placed;
}
