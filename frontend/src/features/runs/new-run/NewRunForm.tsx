// The new-run form: its state in useNewRunForm, its fields in section components (sections.tsx),
// the launch through useLaunchRun. Here: what ties them together (the method's default config, the
// submit, the server's errors, the sweep and template editors under the form).

import { useRef } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../../api/client';
import type { Method, RunCreateRequest, Run, Workspace } from '../../../api/types';
import { defaultConfig, HyperparameterForm, type HyperparameterFormHandle } from '../../../components/HyperparameterForm';
import { SaveAsTemplate } from '../../../components/SaveAsTemplate';
import { SweepEditor } from '../../../components/SweepEditor';
import { deepMerge } from '../../../lib/clone';
import {
  errorsForField, flattenServerErrors, pinCrossFieldErrors, placeErrors, splitServerErrors,
} from '../../../lib/formErrors';
import { schemaHasPath } from '../../../lib/schema';
import { canWrite } from '../../../lib/workspace';
import { useDatasets } from '../../datasets/api/queries';
import { useMethods } from '../../methods/api/queries';
import { useModels } from '../../models/api/queries';
import { useLaunchRun } from '../api/mutations';
import {
  errorTarget, MethodSection, ModelsAndDataSection, ResourcesSection, RunSection, SubmitErrorSummary,
} from './sections';
import { buildRunBody, useNewRunForm } from './useNewRunForm';

export function NewRunForm({ current, source }: { current: Workspace; source?: Run }) {
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const methods = useMethods();
  const models = useModels(current.slug);
  const datasets = useDatasets(current.slug);
  const { state, dispatch, set } = useNewRunForm(source, searchParams);
  const hyperparameters = useRef<HyperparameterFormHandle>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  const method = methods.data?.find((m) => m.name === state.methodName);
  // The config starts from the schema's defaults whenever the method changes; a clone's from the
  // run's config laid over the defaults (fields added to the method since).
  if (method && state.configFor !== method.name) {
    const defaults = defaultConfig(method.schema);
    dispatch({ type: 'configStarted', method: method.name, start: source ? deepMerge(defaults, source.config) : defaults });
  }

  const create = useLaunchRun({
    source,
    startConfig: state.startConfig,
    onSuccess: (run) => void navigate(`/runs/${run.id}`),
    onError: (error) => {
      // A cross-field check's message goes to the field it names, not to the object that holds it.
      const serverErrors = error instanceof ApiError
        ? pinCrossFieldErrors(flattenServerErrors(error.errors), (path) => Boolean(method && schemaHasPath(method.schema, path)))
        : undefined;
      const split = serverErrors ? splitServerErrors(serverErrors) : { configErrors: null, fieldErrors: {} };
      dispatch({
        type: 'refused',
        errors: {
          error,
          placement: placeErrors(serverErrors, (path) => errorTarget(path, method)),
          fields: split.fieldErrors,
          config: split.configErrors,
        },
      });
      requestAnimationFrame(() => alertRef.current?.focus());
    },
  });

  const writable = canWrite(current);
  const { errors, configInvalid, config } = state;

  const validateConfig = () => {
    const valid = hyperparameters.current?.validate() ?? true;
    dispatch({ type: 'configValidity', valid });
    return valid;
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!method) return;
    dispatch({ type: 'submitted' });
    if (!validateConfig()) {
      requestAnimationFrame(() => alertRef.current?.focus());
      return;
    }
    create.mutate(buildRunBody(state, method, current.slug));
  };

  /** The sweep's base: the form as it stands, when it is complete and its hyperparameters valid. */
  const sweepBase = (): RunCreateRequest | null => {
    if (!method || !state.student || !state.trainDataset || (method.requires.teacher && !state.teacher)) return null;
    return validateConfig() ? buildRunBody(state, method, current.slug) : null;
  };

  const onMethodChange = (next: Method) => dispatch({ type: 'method', method: next, datasets: datasets.data ?? [] });
  const fieldErrors = (field: string) => (errors ? errorsForField(errors.fields, field) : []);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{source ? `Clone run ${source.name || `#${source.id}`}` : 'New run'}</h1>
          <p className="muted page-subtitle">
            in {current.name}
            {source && <> · from <Link to={`/runs/${source.id}`}>run #{source.id}</Link>; the new run's parent is that run</>}
          </p>
        </div>
      </div>
      {!writable && (
        <p className="alert alert-info">You are a viewer in {current.name}: viewers can look at runs but not launch them.</p>
      )}
      <form className="run-form" onSubmit={onSubmit} aria-label="New run">
        {(errors || configInvalid) && (
          <div ref={alertRef} tabIndex={-1} role="alert" className="alert alert-error" data-testid="run-form-errors">
            {errors ? <SubmitErrorSummary errors={errors} /> : (
              'Some hyperparameters are not valid: see the messages next to them.'
            )}
          </div>
        )}

        <MethodSection methods={methods} source={source} method={method} state={state}
          onMethodChange={onMethodChange} fieldErrors={fieldErrors} />
        <ModelsAndDataSection models={models} datasets={datasets} method={method} state={state} set={set}
          fieldErrors={fieldErrors} />
        <RunSection source={source} method={method} state={state} set={set} fieldErrors={fieldErrors} />
        <ResourcesSection state={state} set={set} fieldErrors={fieldErrors} />

        <section className="form-section" aria-labelledby="section-hyperparameters">
          <h2 id="section-hyperparameters">Hyperparameters</h2>
          {method ? (
            <HyperparameterForm
              key={method.name}
              ref={hyperparameters}
              schema={method.schema}
              formData={config}
              onChange={(next) => dispatch({ type: 'config', config: next })}
              extraErrors={errors?.config ?? null}
              disabled={create.isPending}
            />
          ) : (
            <p className="muted">Pick a method to see its settings.</p>
          )}
        </section>

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={!writable || !method || create.isPending}>
            {create.isPending ? 'Launching…' : 'Launch run'}
          </button>
          <Link to={source ? `/runs/${source.id}` : '/runs'}>Cancel</Link>
        </div>
      </form>
      {!source && <SweepEditor getBase={sweepBase} disabled={!writable || !method} />}
      <SaveAsTemplate getBase={sweepBase} disabled={!writable || !method} />
    </>
  );
}
