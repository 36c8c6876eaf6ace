// Launch a run: pick a method (grouped by family), the models and datasets it needs, a name, seed
// and resources, and the method's hyperparameters (a form generated from its JSON Schema). The
// server's validation errors come back by dotted path and are shown next to their fields.
//
// `?clone=ID` fills the form from run ID (its method fixed) and sends the edits to
// POST /runs/{id}/clone/: the changed config fields only (the server deep-merges them) and the
// other fields as they stand.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import * as api from '../api/endpoints';
import { queryKeys, useDatasets, useMethods, useModels, useRun } from '../api/queries';
import type { Dataset, Method, Model, Run, RunCloneRequest, RunCreateRequest, Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert, errorMessage } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import {
  defaultConfig, HyperparameterForm, type Config, type HyperparameterFormHandle,
} from '../components/HyperparameterForm';
import { NoWorkspace } from '../components/NoWorkspace';
import { SaveAsTemplate } from '../components/SaveAsTemplate';
import { SweepEditor } from '../components/SweepEditor';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { configEdits, deepMerge, parseTags, tagsText } from '../lib/clone';
import { parsePaper } from '../lib/format';
import { errorsForField, placeErrors, splitServerErrors, type ErrorPlacement, type ErrorTree } from '../lib/formErrors';
import { datasetsForMethod, familyLabel, groupMethodsByFamily, replayDatasets, trainingDatasetKinds } from '../lib/methods';
import { schemaHasPath } from '../lib/schema';
import { canWrite } from '../lib/workspace';

type Device = 'cpu' | 'gpu';

interface SubmitErrors {
  error: unknown;
  placement: ErrorPlacement;
  fields: Record<string, string[]>;
  config: ErrorTree | null;
}

/** Form fields outside the config, by the server's field name: control id and label. */
const FIELDS: Record<string, { control: string; label: string }> = {
  method: { control: 'method-picker', label: 'Method' },
  student: { control: 'run-student', label: 'Student model' },
  teacher: { control: 'run-teacher', label: 'Teacher model' },
  reference: { control: 'run-reference', label: 'Reference model' },
  replay_dataset: { control: 'run-replay-dataset', label: 'Replay dataset' },
  train_dataset: { control: 'run-train-dataset', label: 'Training dataset' },
  validation_dataset: { control: 'run-validation-dataset', label: 'Validation dataset' },
  name: { control: 'run-name', label: 'Run name' },
  seed: { control: 'run-seed', label: 'Seed' },
  tags: { control: 'run-tags', label: 'Tags' },
  notes: { control: 'run-notes', label: 'Notes' },
  resources: { control: 'run-gpus', label: 'Resources' },
};

/** Where the form shows a server error for `path`, or null when no field shows it. */
function errorTarget(path: string, method: Method | undefined): string | null {
  if (path === 'config') return 'config';
  if (path.startsWith('config.')) {
    const inner = path.slice('config.'.length).split('.');
    // rjsf's ids: idPrefix "config", then the path joined with "_".
    return method && schemaHasPath(method.schema, inner) ? `config_${inner.join('_')}` : null;
  }
  const field = path.split('.')[0]!;
  if (field === 'teacher' && !method?.requires.teacher) return null;
  if (field === 'reference' && !method?.requires.reference) return null;
  if ((field === 'replay_dataset' || field === 'validation_dataset') && Boolean(method?.requires.tasks) !== (field === 'replay_dataset')) return null;
  return FIELDS[field]?.control ?? null;
}

function errorLabel(path: string): string {
  if (path === 'config') return 'Hyperparameters';
  if (path.startsWith('config.')) return path.slice('config.'.length);
  return FIELDS[path.split('.')[0]!]?.label ?? path;
}

/** Moves focus to a field named in the error summary (the first control inside a group). */
function focusField(id: string) {
  const element = document.getElementById(id);
  if (!element) return;
  const control = element.matches('input, select, textarea')
    ? element
    : element.querySelector<HTMLElement>('input, select, textarea');
  element.scrollIntoView({ block: 'center' });
  (control ?? element).focus();
}

export function NewRunPage() {
  const [searchParams] = useSearchParams();
  const cloneId = Number(searchParams.get('clone'));
  useDocumentTitle(searchParams.get('clone') ? 'Clone run' : 'New run');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  if (searchParams.has('clone')) return <CloneForm key={`${current.slug}-${cloneId}`} current={current} cloneId={cloneId} />;
  // Models and datasets belong to the workspace: switching it starts the form afresh.
  return <NewRunForm key={current.slug} current={current} />;
}

/** Loads the run to clone, and moves to its workspace when another one is selected. */
function CloneForm({ current, cloneId }: { current: Workspace; cloneId: number }) {
  const run = useRun(cloneId);
  const { workspaces, select } = useWorkspace();
  const other = run.data && run.data.workspace !== current.slug && workspaces.some((w) => w.slug === run.data.workspace);
  useEffect(() => {
    if (other && run.data) select(run.data.workspace);
  }, [other, run.data, select]);
  if (!Number.isInteger(cloneId) || cloneId <= 0) {
    return <p role="alert" className="alert alert-error">“clone” must be a run id, e.g. <code>/runs/new?clone=12</code>.</p>;
  }
  if (run.isPending || other) return <p role="status">Loading run #{cloneId}…</p>;
  if (run.isError) return <ErrorAlert error={run.error} title={`Cannot load run #${cloneId} to clone`} />;
  return <NewRunForm current={current} source={run.data} />;
}

function NewRunForm({ current, source }: { current: Workspace; source?: Run }) {
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const methods = useMethods();
  const models = useModels(current.slug);
  const datasets = useDatasets(current.slug);
  const idText = (id: number | null | undefined) => (id === null || id === undefined ? '' : String(id));

  const [methodName, setMethodName] = useState(source?.method ?? searchParams.get('method') ?? '');
  const [config, setConfig] = useState<Config>({});
  const [name, setName] = useState(source ? `${source.name || `run-${source.id}`}-clone` : '');
  // `?student=ID&teacher=ID` preselect models (links from a model's page).
  const [student, setStudent] = useState(source ? idText(source.student) : (searchParams.get('student') ?? ''));
  const [teacher, setTeacher] = useState(source ? idText(source.teacher) : (searchParams.get('teacher') ?? ''));
  const [trainDataset, setTrainDataset] = useState(idText(source?.train_dataset));
  const [validationDataset, setValidationDataset] = useState(idText(source?.validation_dataset));
  // '' = the initial policy: a frozen copy of the student as it starts.
  const [reference, setReference] = useState(idText(source?.reference));
  const [replayDataset, setReplayDataset] = useState(idText(source?.replay_dataset));
  const [seed, setSeed] = useState(String(source?.seed ?? 0));
  const [device, setDevice] = useState<Device>(source?.resources?.gpus ? 'gpu' : 'cpu');
  const [gpus, setGpus] = useState(String(source?.resources?.gpus || 1));
  const [nodes, setNodes] = useState(String(source?.resources?.nodes || 1));
  const [tags, setTags] = useState(tagsText(source?.tags));
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<SubmitErrors | null>(null);
  const [configInvalid, setConfigInvalid] = useState(false);
  const hyperparameters = useRef<HyperparameterFormHandle>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  const method = methods.data?.find((m) => m.name === methodName);
  // The config starts from the schema's defaults whenever the method changes.
  const [configFor, setConfigFor] = useState<string | null>(null);
  // A clone starts from the run's config laid over the defaults (fields added to the method since).
  // The clone's edits are what changed from that starting point.
  const [startConfig, setStartConfig] = useState<Config>({});
  if (method && configFor !== method.name) {
    setConfigFor(method.name);
    const defaults = defaultConfig(method.schema);
    const start = source ? deepMerge(defaults, source.config ?? {}) : defaults;
    setConfig(start);
    setStartConfig(start);
  }

  const create = useMutation({
    mutationFn: (body: RunCreateRequest) => {
      if (!source) return api.createRun(body);
      const { workspace: _w, method: _m, config: edited, name: newName, ...rest } = body;
      const edits = configEdits(startConfig, edited);
      const clone: RunCloneRequest = {
        ...rest,
        ...(newName ? { name: newName } : {}),
        ...(edits ? { config: edits } : {}),
        teacher: body.teacher ?? null,
      };
      return api.cloneRun(source.id, clone);
    },
    onSuccess: (run) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
      void navigate(`/runs/${run.id}`);
    },
    onError: (error) => {
      const split = error instanceof ApiError ? splitServerErrors(error.errors) : { configErrors: null, fieldErrors: {} };
      setErrors({
        error,
        placement: placeErrors(error instanceof ApiError ? error.errors : undefined, (path) => errorTarget(path, method)),
        fields: split.fieldErrors,
        config: split.configErrors,
      });
      requestAnimationFrame(() => alertRef.current?.focus());
    },
  });

  const writable = canWrite(current);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!method) return;
    setErrors(null);
    const configValid = hyperparameters.current?.validate() ?? true;
    setConfigInvalid(!configValid);
    if (!configValid) {
      requestAnimationFrame(() => alertRef.current?.focus());
      return;
    }
    create.mutate(buildBody(method));
  };

  const buildBody = (method: Method): RunCreateRequest => ({
    workspace: current.slug,
    // Left out when empty: the server refuses a blank name but names an unnamed run itself.
    ...(name.trim() ? { name: name.trim() } : {}),
    method: method.name,
    student: Number(student),
    teacher: method.requires.teacher && teacher ? Number(teacher) : null,
    // Sent only to methods that read them: the server refuses fields it does not know.
    ...(method.requires.reference ? { reference: reference ? Number(reference) : null } : {}),
    train_dataset: Number(trainDataset),
    validation_dataset: validationDataset && !method.requires.tasks ? Number(validationDataset) : null,
    ...(method.requires.tasks ? { replay_dataset: replayDataset ? Number(replayDataset) : null } : {}),
    config,
    seed: Number(seed),
    resources: { gpus: device === 'cpu' ? 0 : Number(gpus), nodes: Number(nodes) },
    tags: parseTags(tags),
    notes,
  });

  /** The sweep's base: the form as it stands, when it is complete and its hyperparameters valid. */
  const sweepBase = (): RunCreateRequest | null => {
    if (!method || !student || !trainDataset || (method.requires.teacher && !teacher)) return null;
    const configValid = hyperparameters.current?.validate() ?? true;
    setConfigInvalid(!configValid);
    return configValid ? buildBody(method) : null;
  };

  const onMethodChange = (next: Method) => {
    setMethodName(next.name);
    setErrors(null);
    setConfigInvalid(false);
    if (!next.requires.teacher) setTeacher('');
    if (!next.requires.reference) setReference('');
    if (!next.requires.tasks) setReplayDataset('');
    const allowed = datasetsForMethod(datasets.data ?? [], next).map((d) => String(d.id));
    if (trainDataset && !allowed.includes(trainDataset)) setTrainDataset('');
    if (validationDataset && (next.requires.tasks || !allowed.includes(validationDataset))) setValidationDataset('');
  };

  const fieldErrors = (field: string) => (errors ? errorsForField(errors.fields, field) : []);
  const usableDatasets = datasetsForMethod(datasets.data ?? [], method);
  const kinds = trainingDatasetKinds(method);
  const trainsOnTasks = Boolean(method?.requires.tasks);

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

        <section className="form-section" aria-labelledby="section-method">
          <h2 id="section-method">Method</h2>
          {methods.isPending && <p role="status">Loading methods…</p>}
          {methods.isError && <ErrorAlert error={methods.error} title="Cannot load the methods" />}
          {methods.data && source && (
            <p data-testid="clone-method">
              <code>{source.method}</code>: a clone keeps the method of the run it comes from.
              {!method && ' This server no longer offers it, so the run cannot be cloned here.'}
            </p>
          )}
          {methods.data && !source && (
            <MethodPicker methods={methods.data} value={methodName} onChange={onMethodChange} errors={fieldErrors('method')} />
          )}
        </section>

        <section className="form-section" aria-labelledby="section-inputs">
          <h2 id="section-inputs">Models and data</h2>
          {(models.isError || datasets.isError) && (
            <ErrorAlert error={models.error ?? datasets.error} title="Cannot load the models and datasets" />
          )}
          <div className="form-grid">
            <FormField id="run-student" label="Student model" errors={fieldErrors('student')}
              hint={models.data?.length === 0 ? 'No models in this workspace yet: register one with POST /api/v1/models/.' : undefined}>
              {(control) => (
                <ModelSelect {...control} models={models.data} value={student} onChange={setStudent} required />
              )}
            </FormField>
            {method?.requires.teacher && (
              <FormField id="run-teacher" label="Teacher model" errors={fieldErrors('teacher')}
                hint="The frozen model the student learns from.">
                {(control) => (
                  <ModelSelect {...control} models={models.data} value={teacher} onChange={setTeacher} required />
                )}
              </FormField>
            )}
            {method?.requires.reference && (
              <FormField id="run-reference" label="Reference model" errors={fieldErrors('reference')}
                hint="The frozen model the KL penalty keeps the policy close to. Initial policy = a frozen copy of the student as it starts.">
                {(control) => (
                  <ModelSelect {...control} models={models.data} value={reference} onChange={setReference}
                    emptyLabel="Initial policy (the student as it starts)" />
                )}
              </FormField>
            )}
            <FormField id="run-train-dataset" label={trainsOnTasks ? 'Task sequence' : 'Training dataset'} errors={fieldErrors('train_dataset')}
              hint={datasetHint(method, kinds, usableDatasets, datasets.data)}>
              {(control) => (
                <DatasetSelect {...control} datasets={datasets.data && usableDatasets} value={trainDataset}
                  onChange={setTrainDataset} required />
              )}
            </FormField>
            {trainsOnTasks ? (
              <FormField id="run-replay-dataset" label="Replay dataset (optional)" errors={fieldErrors('replay_dataset')}
                hint="General text mixed into every task's batches against forgetting; each task brings its own validation dataset.">
                {(control) => (
                  <DatasetSelect {...control} datasets={datasets.data && replayDatasets(datasets.data)} value={replayDataset}
                    onChange={setReplayDataset} emptyLabel="None" />
                )}
              </FormField>
            ) : (
              <FormField id="run-validation-dataset" label="Validation dataset (optional)"
                errors={fieldErrors('validation_dataset')}>
                {(control) => (
                  <DatasetSelect {...control} datasets={datasets.data && usableDatasets} value={validationDataset}
                    onChange={setValidationDataset} emptyLabel="None" />
                )}
              </FormField>
            )}
          </div>
        </section>

        <section className="form-section" aria-labelledby="section-run">
          <h2 id="section-run">Run</h2>
          <div className="form-grid">
            <FormField id="run-name" label="Run name" errors={fieldErrors('name')}
              hint={source
                ? 'Optional: left empty, the clone keeps the name of the run it comes from.'
                : 'Optional: the server names the run after its method when left empty.'}>
              {(control) => (
                <input {...control} value={name} onChange={(e) => setName(e.target.value)} maxLength={200}
                  autoComplete="off" placeholder={method?.name ?? ''} />
              )}
            </FormField>
            <FormField id="run-seed" label="Seed" errors={fieldErrors('seed')} hint="Same seed, same data order and initialisation.">
              {(control) => (
                <input {...control} type="number" inputMode="numeric" step={1} min={0} value={seed}
                  onChange={(e) => setSeed(e.target.value)} required />
              )}
            </FormField>
            <FormField id="run-tags" label="Tags (optional)" errors={fieldErrors('tags')} hint="Separated by commas.">
              {(control) => <input {...control} value={tags} onChange={(e) => setTags(e.target.value)} autoComplete="off" />}
            </FormField>
            <FormField id="run-notes" label="Notes (optional)" errors={fieldErrors('notes')}>
              {(control) => <textarea {...control} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />}
            </FormField>
          </div>
        </section>

        <section className="form-section" aria-labelledby="section-resources">
          <h2 id="section-resources">Resources</h2>
          <fieldset className="resources" aria-describedby={fieldErrors('resources').length ? 'run-resources-error' : undefined}>
            <legend>Run on</legend>
            <label className="radio">
              <input type="radio" name="device" value="cpu" checked={device === 'cpu'} onChange={() => setDevice('cpu')} />
              CPU
            </label>
            <label className="radio">
              <input type="radio" name="device" value="gpu" checked={device === 'gpu'} onChange={() => setDevice('gpu')} />
              GPUs
            </label>
            <span className="field field-inline">
              <label htmlFor="run-gpus">Number of GPUs</label>
              <input id="run-gpus" type="number" min={1} max={64} step={1} value={gpus}
                onChange={(e) => setGpus(e.target.value)} disabled={device === 'cpu'} required={device === 'gpu'} />
            </span>
            <span className="field field-inline">
              <label htmlFor="run-nodes">Hosts</label>
              <input id="run-nodes" type="number" min={1} max={64} step={1} value={nodes} required
                aria-describedby="run-nodes-help" onChange={(e) => setNodes(e.target.value)} />
              <small id="run-nodes-help">More than one: the run trains data parallel over that many workers, each
                with the GPUs above.</small>
            </span>
            {fieldErrors('resources').length > 0 && (
              <ul id="run-resources-error" className="field-errors" data-testid="run-resources-errors">
                {fieldErrors('resources').map((m) => <li key={m}>{m}</li>)}
              </ul>
            )}
          </fieldset>
        </section>

        <section className="form-section" aria-labelledby="section-hyperparameters">
          <h2 id="section-hyperparameters">Hyperparameters</h2>
          {method ? (
            <HyperparameterForm
              key={method.name}
              ref={hyperparameters}
              schema={method.schema}
              formData={config}
              onChange={setConfig}
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

/**
 * The top-of-form summary. The server's `detail` restates its first error; when every error is
 * already shown next to its field, the summary links to those fields instead of repeating the
 * messages, and it shows the detail (and any error no field can show) otherwise.
 */
function SubmitErrorSummary({ errors }: { errors: SubmitErrors }) {
  const { placed, unplaced } = errors.placement;
  const showDetail = placed.length === 0 || unplaced.length > 0;
  return (
    <>
      <strong>The run was not launched.</strong>{' '}
      {showDetail && errorMessage(errors.error)}
      {unplaced.length > 1 && <ul>{unplaced.map((line) => <li key={line}>{line}</li>)}</ul>}
      {placed.length > 0 && (
        <p className="error-links">
          {placed.length === 1 ? 'See the message at ' : 'See the messages at '}
          {placed.map((error, index) => (
            <span key={error.path}>
              {index > 0 && ', '}
              <a href={`#${error.target}`} onClick={(event) => { event.preventDefault(); focusField(error.target); }}>
                {errorLabel(error.path)}
              </a>
            </span>
          ))}
          .
        </p>
      )}
    </>
  );
}

function MethodPicker({ methods, value, onChange, errors }: {
  methods: Method[];
  value: string;
  onChange: (method: Method) => void;
  errors: string[];
}) {
  if (methods.length === 0) return <p>The server offers no methods.</p>;
  return (
    <fieldset id="method-picker" className="method-picker" aria-describedby={errors.length ? 'run-method-error' : undefined}>
      <legend className="visually-hidden">Method</legend>
      {groupMethodsByFamily(methods).map((group) => (
        <div key={group.family} role="group" aria-labelledby={`family-${group.family}`} className="method-family">
          <h3 id={`family-${group.family}`}>{familyLabel(group.family)}</h3>
          {group.methods.map((method) => {
            const paper = parsePaper(method.paper);
            const id = `method-${method.name}`;
            return (
              <div key={method.name} className={value === method.name ? 'method-option selected' : 'method-option'}>
                <input type="radio" id={id} name="method" value={method.name} checked={value === method.name}
                  onChange={() => onChange(method)} required aria-describedby={`${id}-description`} />
                <div>
                  <label htmlFor={id} className="method-name">{method.name}</label>
                  {method.requires.teacher && <span className="tag">needs a teacher</span>}
                  {method.requires.reference && <span className="tag">reference model</span>}
                  {method.requires.tasks && <span className="tag">trains on a task sequence</span>}
                  <p id={`${id}-description`} className="method-description">{method.description}</p>
                  {paper.title && (
                    <p className="method-paper">
                      Paper:{' '}
                      {paper.url ? <a href={paper.url} target="_blank" rel="noreferrer">{paper.title}</a> : paper.title}
                    </p>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      ))}
      {errors.length > 0 && (
        <ul id="run-method-error" className="field-errors">{errors.map((m) => <li key={m}>{m}</li>)}</ul>
      )}
    </fieldset>
  );
}

interface SelectProps<T> {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  emptyLabel?: string;
  models?: T[];
  datasets?: T[];
}

function ModelSelect({ models, value, onChange, emptyLabel, ...rest }: SelectProps<Model>) {
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)} disabled={!models}>
      <option value="">{models ? (emptyLabel ?? 'Choose a model…') : 'Loading…'}</option>
      {models?.map((model) => (
        <option key={model.id} value={model.id}>{model.name} (#{model.id}, {model.source})</option>
      ))}
    </select>
  );
}

function DatasetSelect({ datasets, value, onChange, emptyLabel, ...rest }: SelectProps<Dataset>) {
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)} disabled={!datasets}>
      <option value="">{datasets ? (emptyLabel ?? 'Choose a dataset…') : 'Loading…'}</option>
      {datasets?.map((dataset) => (
        <option key={dataset.id} value={dataset.id}>{dataset.name} (#{dataset.id}, {dataset.kind})</option>
      ))}
    </select>
  );
}

function datasetHint(method: Method | undefined, kinds: string[], usable: Dataset[], all: Dataset[] | undefined) {
  if (!method || !all) return undefined;
  const kindText = kinds.length ? kinds.join(' or ') : 'any';
  if (usable.length === 0) {
    return kinds.includes('task-sequence')
      ? 'No task sequences in this workspace: make one on the Datasets page ("New task sequence").'
      : `No ${kindText} datasets in this workspace: upload one on the Datasets page.`;
  }
  return kinds.length ? `${method.name} trains on ${kindText} datasets.` : undefined;
}
