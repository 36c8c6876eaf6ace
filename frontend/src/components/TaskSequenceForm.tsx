// "New task sequence": a continual-learning run's tasks in training order, each a name, a training
// dataset and a validation dataset already in the workspace. Checked here first (a name, at least
// two complete tasks with distinct names), then sent as JSON; the server's errors are shown on the
// row they concern.

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useCreateTaskSequence } from '../features/datasets/api/mutations';
import type { Dataset, Workspace } from '../api/types';
import { TASK_SEQUENCE_KIND } from '../lib/methods';
import {
  emptyErrors, hasErrors, MIN_TASKS, moveRow, newRow, placeServerErrors, removeRow, requestTasks, validateTaskSequence,
  type TaskRow, type TaskSequenceErrors,
} from '../lib/taskSequence';
import { errorMessage } from './ErrorAlert';
import { FormField } from './FormField';

export function TaskSequenceForm({ workspace, datasets }: { workspace: Workspace; datasets: readonly Dataset[] }) {
  const [name, setName] = useState('');
  const [rows, setRows] = useState<TaskRow[]>(() => [newRow(), newRow()]);
  const [errors, setErrors] = useState<TaskSequenceErrors>(() => emptyErrors(2));
  const usable = datasets
    .filter((d) => d.kind !== TASK_SEQUENCE_KIND)
    .sort((a, b) => a.name.localeCompare(b.name) || (b.version ?? 0) - (a.version ?? 0));

  const create = useCreateTaskSequence(workspace.slug, {
    onSuccess: () => {
      setName('');
      setRows([newRow(), newRow()]);
      setErrors(emptyErrors(2));
    },
    onError: (error) => setErrors(placeServerErrors(error instanceof ApiError ? error.errors : undefined, rows.length)),
  });

  // Rows and their errors move together; an edit clears what the server said.
  const update = (next: TaskRow[], nextErrors?: TaskSequenceErrors) => {
    setRows(next);
    setErrors(nextErrors ?? emptyErrors(next.length));
    create.reset();
  };
  const setField = (index: number, field: keyof Omit<TaskRow, 'key'>, value: string) =>
    update(rows.map((row, i) => (i === index ? { ...row, [field]: value } : row)), {
      ...errors,
      rows: errors.rows.map((e, i) => (i === index ? { ...e, [field === 'train' ? 'train_dataset' : field === 'validation' ? 'validation_dataset' : 'name']: undefined } : e)),
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateTaskSequence(name, rows);
    setErrors(checked);
    if (hasErrors(checked)) return;
    create.mutate({ name: name.trim(), tasks: requestTasks(rows) });
  };

  // A refusal whose errors all sit on the form only needs a headline; otherwise its detail too.
  const placedOnForm = errors.name.length + errors.tasks.length > 0 || errors.rows.some((r) => Object.values(r).some((m) => m?.length));

  return (
    <details className="run-section task-sequence" data-testid="task-sequence-form">
      <summary><h2 className="summary-heading">New task sequence</h2></summary>
      <p className="hint">
        Tasks a continual-learning run trains on one after the other, each evaluated on its own validation dataset after every task.
      </p>
      <form onSubmit={onSubmit} aria-label="New task sequence" noValidate>
        {create.isSuccess && (
          <p role="status" className="alert alert-success" data-testid="task-sequence-created">
            Created <Link to={`/datasets/${create.data.id}`}>{create.data.name}</Link>{create.data.version ? ` v${create.data.version}` : ''}.
          </p>
        )}
        {create.isError && (
          <div role="alert" className="alert alert-error" data-testid="task-sequence-errors">
            <strong>The task sequence was not created.</strong>{' '}
            {placedOnForm ? 'See the messages below.' : errorMessage(create.error)}
            {errors.other.length > 0 && <ul>{errors.other.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
        )}
        <FormField id="task-sequence-name" label="Sequence name" errors={errors.name}>
          {(control) => (
            <input {...control} value={name} onChange={(e) => { setName(e.target.value); setErrors({ ...errors, name: [] }); }}
              maxLength={100} autoComplete="off" />
          )}
        </FormField>
        {errors.tasks.length > 0 && (
          <ul className="field-errors" data-testid="task-sequence-list-errors">{errors.tasks.map((m) => <li key={m}>{m}</li>)}</ul>
        )}
        <ol className="task-rows" aria-label="Tasks in training order">
          {rows.map((row, index) => {
            const n = index + 1;
            const rowErrors = errors.rows[index] ?? {};
            return (
              <li key={row.key} className="task-row" data-testid="task-sequence-row" data-index={index}>
                <fieldset>
                  <legend>Task {n}</legend>
                  <div className="form-grid">
                    <FormField id={`task-${row.key}-name`} label={`Task name ${n}`} errors={rowErrors.name}>
                      {(control) => (
                        <input {...control} value={row.name} onChange={(e) => setField(index, 'name', e.target.value)}
                          maxLength={100} autoComplete="off" />
                      )}
                    </FormField>
                    <FormField id={`task-${row.key}-train`} label={`Training dataset ${n}`} errors={rowErrors.train_dataset}>
                      {(control) => (
                        <DatasetOptions {...control} datasets={usable} value={row.train} onChange={(v) => setField(index, 'train', v)} />
                      )}
                    </FormField>
                    <FormField id={`task-${row.key}-validation`} label={`Validation dataset ${n}`} errors={rowErrors.validation_dataset}>
                      {(control) => (
                        <DatasetOptions {...control} datasets={usable} value={row.validation} onChange={(v) => setField(index, 'validation', v)} />
                      )}
                    </FormField>
                  </div>
                  {rowErrors.row && rowErrors.row.length > 0 && (
                    <ul className="field-errors" data-testid="task-row-errors">{rowErrors.row.map((m) => <li key={m}>{m}</li>)}</ul>
                  )}
                  <div className="toolbar" role="group" aria-label={`Task ${n} order`}>
                    <button type="button" onClick={() => update(moveRow(rows, index, -1), { ...errors, rows: moveRow(errors.rows, index, -1) })}
                      disabled={index === 0}>Move task {n} up</button>
                    <button type="button" onClick={() => update(moveRow(rows, index, 1), { ...errors, rows: moveRow(errors.rows, index, 1) })}
                      disabled={index === rows.length - 1}>Move task {n} down</button>
                    <button type="button" onClick={() => update(removeRow(rows, index), { ...errors, rows: removeRow(errors.rows, index) })} disabled={rows.length <= MIN_TASKS}
                      title={rows.length <= MIN_TASKS ? `A sequence needs at least ${MIN_TASKS} tasks` : undefined}>Remove task {n}</button>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <div className="form-actions form-actions-tight">
          <button type="button" onClick={() => update([...rows, newRow()], { ...errors, rows: [...errors.rows, {}] })}>Add task</button>
          <button type="submit" className="button-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create task sequence'}
          </button>
        </div>
      </form>
    </details>
  );
}

function DatasetOptions({ datasets, value, onChange, ...rest }: {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  datasets: Dataset[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{datasets.length ? 'Choose a dataset…' : 'No datasets yet: upload one above'}</option>
      {datasets.map((d) => (
        <option key={d.id} value={d.id}>{d.name} v{d.version ?? '?'} (#{d.id}, {d.kind})</option>
      ))}
    </select>
  );
}
