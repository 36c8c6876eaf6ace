// Register a model: its state in useRegisterModelForm, its fields in section components
// (sections.tsx), the request through useRegisterModel (JSON, or multipart with progress for an
// upload). Here: the submit, the server's errors by field, the success line.

import { useMemo, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../../api/client';
import type { Model, Workspace } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { placeFieldErrors } from '../../../lib/jsonInput';
import { useRuns } from '../../runs/api/queries';
import { useRegisterModel } from '../api/mutations';
import {
  ConfigFields, modelsWithWeights, SoupIngredients, SourceFields, SourcePicker, UploadProgressView,
} from './sections';
import { registerRequest, useRegisterModelForm, type RegisterSource } from './useRegisterModelForm';

export function RegisterModelForm({ workspace, models }: { workspace: Workspace; models: Model[] }) {
  const [searchParams] = useSearchParams();
  const { state, dispatch, set } = useRegisterModelForm(searchParams);
  const { register, progress, stop } = useRegisterModel(workspace.slug, () => dispatch({ type: 'registered' }));
  const runs = useRuns(state.source === 'run' ? { workspace: workspace.slug, status: 'succeeded', page_size: '200' } : null);

  const placed = placeFieldErrors(
    register.error instanceof ApiError ? register.error.errors : undefined,
    ['name', 'path', 'hub_id', 'config', 'tokenizer_path', 'run', 'file', 'ingredients'],
    register.isError && !(register.error instanceof DOMException),
  );
  const errorsFor = placed.forField;
  const formErrors = state.formError ? [state.formError] : [];

  const runOptions = useMemo(() => runs.data?.results ?? [], [runs.data]);
  const soupable = useMemo(() => modelsWithWeights(models).sort((a, b) => a.name.localeCompare(b.name)), [models]);
  const tokenizerPaths = useMemo(() => [...new Set(models.map((m) => m.tokenizer_path).filter((t): t is string => Boolean(t)))].sort(), [models]);

  const onSource = (source: RegisterSource) => {
    dispatch({ type: 'source', source });
    register.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const request = registerRequest(state, workspace.slug);
    dispatch({ type: 'invalid', error: request.ok ? null : request.error });
    if (request.ok) register.mutate(request.body);
    else request.focus();
  };

  return (
    <section className="run-section" aria-labelledby="register-heading">
      <h2 id="register-heading">Register a model</h2>
      <form onSubmit={onSubmit} aria-label="Register a model">
        {register.isSuccess && (
          <p role="status" className="alert alert-success" data-testid="model-registered">
            Registered <Link to={`/models/${register.data.id}`}>{register.data.name}</Link> (model #{register.data.id}).
          </p>
        )}
        {placed.hasUnplaced && <ErrorAlert error={register.error} title="The model was not registered" />}
        <SourcePicker state={state} onSource={onSource} />
        <SourceFields state={state} set={set} dispatch={dispatch} errorsFor={errorsFor} formErrors={formErrors}
          runs={{ options: runOptions, loaded: Boolean(runs.data), isPending: runs.isPending }} />
        {state.source === 'soup' && (
          <SoupIngredients models={soupable} chosen={state.ingredients}
            onChange={(ingredients) => dispatch({ type: 'ingredients', ingredients })}
            errors={[...formErrors, ...errorsFor('ingredients')]} />
        )}
        <UploadProgressView progress={progress} onStop={stop} />
        {register.error instanceof DOMException && <p role="status">The upload was stopped.</p>}
        {state.source === 'config' && (
          <ConfigFields state={state} set={set} errorsFor={errorsFor} formErrors={formErrors} tokenizerPaths={tokenizerPaths} />
        )}
        <div className="form-actions form-actions-tight">
          <button type="submit" className="button-primary" disabled={register.isPending}>
            {register.isPending ? 'Registering…' : 'Register model'}
          </button>
        </div>
      </form>
    </section>
  );
}
