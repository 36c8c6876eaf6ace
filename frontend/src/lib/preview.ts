// A dataset preview (the first rows of a JSONL file) as a table: the union of the rows' keys, in
// the order they first appear, and each cell as short text.

export const NON_OBJECT_COLUMN = 'value';

function isRecord(row: unknown): row is Record<string, unknown> {
  return typeof row === 'object' && row !== null && !Array.isArray(row);
}

export function previewColumns(rows: readonly unknown[]): string[] {
  const columns: string[] = [];
  let nonObject = false;
  for (const row of rows) {
    if (!isRecord(row)) {
      nonObject = true;
      continue;
    }
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  if (nonObject && !columns.includes(NON_OBJECT_COLUMN)) columns.push(NON_OBJECT_COLUMN);
  return columns;
}

export function previewCell(row: unknown, column: string): unknown {
  if (isRecord(row)) return Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined;
  return column === NON_OBJECT_COLUMN ? row : undefined;
}

/** Text for a cell: strings as they are, anything else as JSON, cut at `max` characters. */
export function cellText(value: unknown, max = 400): { text: string; truncated: boolean } {
  if (value === undefined) return { text: '', truncated: false };
  const full = typeof value === 'string' ? value : JSON.stringify(value);
  return full.length > max ? { text: `${full.slice(0, max)}…`, truncated: true } : { text: full, truncated: false };
}
