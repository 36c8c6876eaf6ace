// "Save as template": the new-run form as it stands (method, models, datasets, config, seed) saved
// under a name with POST /templates/, to launch again from the runs page. The server checks the
// template like a run; its messages are shown as it words them, per field when it names one.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { RunCreateRequest, TemplateCreateRequest } from '../api/types';
import { useSaveTemplate } from '../features/templates/api/mutations';
import { errorMessage } from './ErrorAlert';

interface Props {
  /** The form's current run body, or null (after showing why) when it is not complete yet. */
  getBase: () => RunCreateRequest | null;
  disabled: boolean;
}

/** The template request for a run body: the run's fields without resources, tags and notes. */
export function templateBody(base: RunCreateRequest, name: string, description: string): TemplateCreateRequest {
  const { resources: _resources, tags: _tags, notes: _notes, name: _runName, ...rest } = base;
  return { ...rest, name: name.trim(), description: description.trim() };
}

export function SaveAsTemplate({ getBase, disabled }: Props) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const save = useSaveTemplate();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.reset();
    setFormError(null);
    if (!name.trim()) {
      setFormError('Give the template a name.');
      return;
    }
    const base = getBase();
    if (!base) {
      setFormError('Fill in the run form above first (method, models, datasets, valid hyperparameters).');
      return;
    }
    save.mutate(templateBody(base, name, description));
  };

  const raw = save.error instanceof ApiError ? save.error.errors?.name : undefined;
  const nameErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return (
    <details className="save-template">
      <summary>Save as template</summary>
      <form onSubmit={onSubmit} aria-label="Save as template">
        <p className="muted">
          Keeps this form's method, models, datasets, hyperparameters and seed under a name; launch it again
          from the runs page. Models and datasets are kept by name, so a launch takes each dataset's newest version.
        </p>
        <label htmlFor="template-name">Template name</label>
        <input id="template-name" value={name} onChange={(e) => setName(e.target.value)} disabled={disabled}
               aria-invalid={nameErrors.length > 0} aria-describedby={nameErrors.length ? 'template-name-error' : undefined} />
        {nameErrors.length > 0 && <p id="template-name-error" className="field-errors">{nameErrors.join(' ')}</p>}
        <label htmlFor="template-description">Description (optional)</label>
        <input id="template-description" value={description} onChange={(e) => setDescription(e.target.value)}
               disabled={disabled} />
        <div className="form-actions">
          <button type="submit" disabled={disabled || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save template'}
          </button>
        </div>
        {formError && <p className="alert alert-error" role="alert">{formError}</p>}
        {save.isError && nameErrors.length === 0 && (
          <p className="alert alert-error" role="alert">The template was not saved: {errorMessage(save.error)}</p>
        )}
        {save.isSuccess && (
          <p className="alert alert-success" role="status">
            Saved template '{save.data.name}': launch it from the runs page.
          </p>
        )}
      </form>
    </details>
  );
}
