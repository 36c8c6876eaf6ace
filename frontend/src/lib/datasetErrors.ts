// A dataset upload's 400 answer, split for display: `file.row.17` keys become a table of bad rows
// (by row number), and the other keys (`name`, `kind`, `file`, ...) stay field errors.

export interface RowError {
  row: number;
  messages: string[];
}

export interface UploadErrors {
  rows: RowError[];
  fields: Record<string, string[]>;
}

const ROW_KEY = /^file\.row\.(\d+)$/;

export function splitUploadErrors(errors: Record<string, string[] | string> | undefined | null): UploadErrors {
  const rows: RowError[] = [];
  const fields: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(errors ?? {})) {
    const messages = (Array.isArray(value) ? value : [value]).map(String);
    const match = ROW_KEY.exec(key);
    if (match) rows.push({ row: Number(match[1]), messages });
    else fields[key] = [...(fields[key] ?? []), ...messages];
  }
  rows.sort((a, b) => a.row - b.row);
  return { rows, fields };
}
