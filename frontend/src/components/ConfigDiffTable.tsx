// The config diff of compared (or shared) runs: one row per config path, one column per run,
// differing rows marked, with an "Only differences" toggle (on by default).

import { useState } from 'react';
import { formatDiffValue, MISSING, onlyDifferences, type DiffRow } from '../lib/diff';

export interface DiffColumn {
  id: number;
  label: string;
  color: string;
}

export function ConfigDiffTable({ rows, columns }: { rows: DiffRow[]; columns: DiffColumn[] }) {
  const [onlyDiff, setOnlyDiff] = useState(true);
  const shown = onlyDiff ? onlyDifferences(rows) : rows;
  const differing = rows.filter((r) => r.differs).length;
  return (
    <section className="run-section" aria-labelledby="config-diff-heading">
      <div className="section-header">
        <h2 id="config-diff-heading">Config</h2>
        <label className="checkbox">
          <input type="checkbox" data-testid="compare-only-differences" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
          Only differences
        </label>
      </div>
      <p className="muted" role="status">
        {differing === 0 ? 'The runs have the same config and inputs.' : `${differing} of ${rows.length} fields differ.`}
      </p>
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="table table-diff" data-testid="compare-config-diff" data-rows={shown.length}>
            <caption className="visually-hidden">Config of each run{onlyDiff ? ', differences only' : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                {columns.map((column) => (
                  <th key={column.id} scope="col">
                    <span className="swatch" style={{ background: column.color }} aria-hidden="true" />
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.path} className={row.differs ? 'differs' : undefined} data-path={row.path} data-differs={row.differs}>
                  <th scope="row"><code>{row.path}</code></th>
                  {row.values.map((value, i) => (
                    <td key={columns[i]?.id ?? i} className={value === MISSING ? 'missing' : undefined}>
                      {value === MISSING ? <span title="Not set in this run">{formatDiffValue(value)}</span> : <code>{formatDiffValue(value)}</code>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
