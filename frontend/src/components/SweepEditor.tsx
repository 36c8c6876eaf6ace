// "Launch sweep": the new-run form's method, models, datasets, config, seed and resources are the
// base; each row sweeps one dotted path over a list of values (grid or random choice) or a
// min/max range (random). POST /sweeps/ validates every run before creating any, and a 400 names
// the failing combination, which is shown as the server words it.

import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useCreateSweep } from '../features/sweeps/api/mutations';
import type { RunCreateRequest } from '../api/types';
import { buildParameters, emptyRow, gridSize, type SweepRow, type SweepStrategy } from '../lib/sweeps';
import { errorMessage } from './ErrorAlert';

interface Props {
  /** The form's current run body, or null (after showing why) when it cannot be launched yet. */
  getBase: () => RunCreateRequest | null;
  disabled: boolean;
}

export function SweepEditor({ getBase, disabled }: Props) {
  const navigate = useNavigate();
  const [rows, setRows] = useState<SweepRow[]>([{ ...emptyRow(), path: 'config.training.learning_rate' }]);
  const [strategy, setStrategy] = useState<SweepStrategy>('grid');
  const [count, setCount] = useState('8');
  const [metric, setMetric] = useState('eval/loss');
  const [goal, setGoal] = useState<'min' | 'max'>('min');
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const launch = useCreateSweep((sweep) => void navigate(`/sweeps/${sweep.id}`));

  const update = (index: number, patch: Partial<SweepRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const built = buildParameters(rows, strategy);
  const runs = strategy === 'grid' ? gridSize(built.parameters) : Number(count) || 0;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    launch.reset();
    setFormError(null);
    const { parameters, errors } = buildParameters(rows, strategy);
    setRowErrors(errors);
    if (Object.keys(errors).length > 0) {
      setFormError(errors[-1] ?? 'Some parameters are not valid: see the messages next to them.');
      return;
    }
    if (strategy === 'random' && !(Number.isInteger(Number(count)) && Number(count) >= 1)) {
      setFormError('Number of runs must be a whole number of at least 1.');
      return;
    }
    const base = getBase();
    if (!base) {
      setFormError('Fill in the run form above first (method, models, datasets, valid hyperparameters).');
      return;
    }
    const { name, tags: _tags, notes: _notes, ...rest } = base;
    launch.mutate({
      ...rest,
      ...(name ? { name } : {}),
      tags: base.tags,
      notes: base.notes,
      parameters,
      strategy,
      ...(strategy === 'random' ? { count: Number(count) } : {}),
      metric: metric.trim() || 'eval/loss',
      goal,
    });
  };

  const serverErrors = launch.error instanceof ApiError && launch.error.errors
    ? Object.entries(launch.error.errors).map(([path, messages]) => `${path}: ${Array.isArray(messages) ? messages.join(' ') : messages}`)
    : [];

  return (
    // A closed disclosure until asked for: the new-run form stays the page's one "Launch" button
    // (end-to-end tests and keyboard users look for it by that word).
    <details className="form-section sweep-editor" data-testid="sweep-editor" open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary className="sweep-summary">Sweep: several runs over parameter values</summary>
      <h2 id="section-sweep">Launch sweep</h2>
      <p className="hint">
        Launches several runs from the form above, one per combination (grid) or sampled (random). Paths are
        dotted: <code>config.training.learning_rate</code>, <code>config.alpha</code>, <code>seed</code>.
      </p>
      <form onSubmit={onSubmit} aria-label="Sweep" noValidate>
        {(formError || launch.isError) && (
          <div role="alert" className="alert alert-error" data-testid="sweep-errors">
            {formError ?? errorMessage(launch.error)}
            {serverErrors.length > 0 && <ul>{serverErrors.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
        )}
        <fieldset className="sweep-strategy">
          <legend>Strategy</legend>
          <label className="radio">
            <input type="radio" name="sweep-strategy" value="grid" checked={strategy === 'grid'} onChange={() => setStrategy('grid')} />
            Grid
          </label>
          <label className="radio">
            <input type="radio" name="sweep-strategy" value="random" checked={strategy === 'random'} onChange={() => setStrategy('random')} />
            Random
          </label>
        </fieldset>
        <table className="sweep-rows">
          <caption className="visually-hidden">Swept parameters</caption>
          <thead>
            <tr><th scope="col">Path</th><th scope="col">Values</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const n = index + 1;
              const errorId = rowErrors[index] ? `sweep-row-${index}-error` : undefined;
              return (
                <tr key={index} data-testid="sweep-row" aria-invalid={errorId ? true : undefined}>
                  <td>
                    <label className="visually-hidden" htmlFor={`sweep-path-${index}`}>Parameter path {n}</label>
                    <input id={`sweep-path-${index}`} value={row.path} autoComplete="off" placeholder="config.alpha"
                      aria-describedby={errorId} onChange={(e) => update(index, { path: e.target.value })} />
                    {errorId && <p id={errorId} className="field-errors">{rowErrors[index]}</p>}
                  </td>
                  <td>
                    <span className="sweep-mode">
                      <label htmlFor={`sweep-mode-${index}`} className="visually-hidden">List or range {n}</label>
                      <select id={`sweep-mode-${index}`} value={row.mode}
                        onChange={(e) => update(index, { mode: e.target.value as SweepRow['mode'] })}>
                        <option value="list">List</option>
                        <option value="range" disabled={strategy === 'grid'}>Range (random)</option>
                      </select>
                    </span>
                    {row.mode === 'list' ? (
                      <>
                        <label className="visually-hidden" htmlFor={`sweep-values-${index}`}>Values {n}</label>
                        <input id={`sweep-values-${index}`} value={row.values} autoComplete="off" placeholder="1e-4, 3e-4, 1e-3"
                          aria-describedby={errorId} onChange={(e) => update(index, { values: e.target.value })} />
                      </>
                    ) : (
                      <span className="sweep-range">
                        <label htmlFor={`sweep-min-${index}`}>Min {n}</label>
                        <input id={`sweep-min-${index}`} inputMode="decimal" value={row.min} size={8}
                          onChange={(e) => update(index, { min: e.target.value })} />
                        <label htmlFor={`sweep-max-${index}`}>Max {n}</label>
                        <input id={`sweep-max-${index}`} inputMode="decimal" value={row.max} size={8}
                          onChange={(e) => update(index, { max: e.target.value })} />
                        <label className="checkbox">
                          <input type="checkbox" checked={row.log} onChange={(e) => update(index, { log: e.target.checked })} />
                          Log scale {n}
                        </label>
                      </span>
                    )}
                  </td>
                  <td>
                    <button type="button" onClick={() => setRows((current) => current.filter((_, i) => i !== index))}
                      aria-label={`Remove parameter ${n}`}>Remove</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p><button type="button" onClick={() => setRows((current) => [...current, emptyRow()])}>Add parameter</button></p>
        <div className="form-grid">
          {strategy === 'random' && (
            <div className="field">
              <label htmlFor="sweep-count">Number of runs</label>
              <input id="sweep-count" type="number" min={1} max={100} step={1} value={count} onChange={(e) => setCount(e.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor="sweep-metric">Sweep metric</label>
            <input id="sweep-metric" value={metric} onChange={(e) => setMetric(e.target.value)} autoComplete="off" />
            <p className="hint">Each run's minimum (or maximum, with Maximise) of it ranks the runs.</p>
          </div>
          <div className="field">
            <label htmlFor="sweep-goal">Goal</label>
            <select id="sweep-goal" value={goal} onChange={(e) => setGoal(e.target.value as 'min' | 'max')}>
              <option value="min">Minimise</option>
              <option value="max">Maximise</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={disabled || launch.isPending}>
            {launch.isPending ? 'Launching…' : 'Launch sweep'}
          </button>
          <span className="muted" data-testid="sweep-count">
            {runs > 0 ? `${runs} run${runs === 1 ? '' : 's'}` : ''}
            {runs > 100 ? ' (the server allows at most 100)' : ''}
          </span>
        </div>
      </form>
    </details>
  );
}
