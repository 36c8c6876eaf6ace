// Chooses the runs table's extra columns: metric summaries (last, min, max) and config fields.

import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  columnKey, columnLabel, DEFAULT_COLUMNS, hasColumn, METRIC_STATS, moveColumn, toggleColumn, type RunColumn,
} from '../lib/columns';

interface Props {
  columns: RunColumn[];
  onChange: (columns: RunColumn[]) => void;
  metrics: string[];
  configPaths: string[];
}

export function ColumnPicker({ columns, onChange, metrics, configPaths }: Props) {
  const id = useId();
  const [path, setPath] = useState('');
  const details = useRef<HTMLDetailsElement>(null);
  // Escape closes the panel and returns focus to its toggle, as a menu would.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && details.current?.open) {
      details.current.open = false;
      details.current.querySelector('summary')?.focus();
    }
  };
  // Offer what the runs on screen have, plus anything already chosen.
  const metricNames = [...new Set([...metrics, ...columns.flatMap((c) => (c.kind === 'metric' ? [c.name] : []))])].sort();
  const paths = [...new Set([...configPaths, ...columns.flatMap((c) => (c.kind === 'config' ? [c.path] : []))])].sort();

  const addPath = (event: FormEvent) => {
    event.preventDefault();
    const clean = path.trim().replace(/^config\./, '');
    if (!clean) return;
    const column: RunColumn = { kind: 'config', path: clean };
    if (!hasColumn(columns, column)) onChange([...columns, column]);
    setPath('');
  };

  return (
    <details className="column-picker" data-testid="runs-columns" ref={details} onKeyDown={onKeyDown}>
      <summary>Columns ({columns.length})</summary>
      <div className="column-picker-panel">
        <div className="column-picker-section">
          <h3 id={`${id}-shown`}>Shown, in order</h3>
          {columns.length === 0 && <p className="muted">Only the fixed columns.</p>}
          <ol className="column-order" aria-labelledby={`${id}-shown`}>
            {columns.map((column, index) => (
              <li key={columnKey(column)}>
                <span className="column-order-name">{column.kind === 'config' ? `config.${column.path}` : columnLabel(column)}</span>
                <button type="button" className="button-small" onClick={() => onChange(moveColumn(columns, column, -1))}
                  disabled={index === 0} aria-label={`Move ${columnLabel(column)} left`}>←</button>
                <button type="button" className="button-small" onClick={() => onChange(moveColumn(columns, column, 1))}
                  disabled={index === columns.length - 1} aria-label={`Move ${columnLabel(column)} right`}>→</button>
                <button type="button" className="button-small" onClick={() => onChange(toggleColumn(columns, column))}
                  aria-label={`Remove ${columnLabel(column)}`}>✕</button>
              </li>
            ))}
          </ol>
          <button type="button" className="button-small" onClick={() => onChange([...DEFAULT_COLUMNS])}>Reset to default</button>
        </div>
        <fieldset className="column-picker-section">
          <legend>Metric summaries</legend>
          {metricNames.length === 0 && <p className="muted">The runs on this page report no metrics yet.</p>}
          {metricNames.length > 0 && (
            <table className="column-metrics">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  {METRIC_STATS.map((stat) => <th key={stat} scope="col">{stat}</th>)}
                </tr>
              </thead>
              <tbody>
                {metricNames.map((name) => (
                  <tr key={name}>
                    <th scope="row"><code>{name}</code></th>
                    {METRIC_STATS.map((stat) => {
                      const column: RunColumn = { kind: 'metric', name, stat };
                      return (
                        <td key={stat}>
                          <input type="checkbox" aria-label={`${name} ${stat}`} checked={hasColumn(columns, column)}
                            onChange={() => onChange(toggleColumn(columns, column))} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </fieldset>
        <fieldset className="column-picker-section">
          <legend>Config fields</legend>
          <ul className="column-paths">
            {paths.map((p) => {
              const column: RunColumn = { kind: 'config', path: p };
              return (
                <li key={p}>
                  <label className="checkbox">
                    <input type="checkbox" checked={hasColumn(columns, column)} onChange={() => onChange(toggleColumn(columns, column))} />
                    <code>{p}</code>
                  </label>
                </li>
              );
            })}
          </ul>
          <form className="inline-form with-labels" onSubmit={addPath}>
            <div className="field">
              <label htmlFor={`${id}-path`}>Config path</label>
              <input id={`${id}-path`} value={path} onChange={(e) => setPath(e.target.value)} placeholder="training.learning_rate"
                autoComplete="off" spellCheck={false} className="input-mono" />
            </div>
            <button type="submit" disabled={!path.trim()}>Add column</button>
          </form>
        </fieldset>
      </div>
    </details>
  );
}
