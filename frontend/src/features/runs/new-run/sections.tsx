// The new-run form's sections: each draws its fields from the form's state (useNewRunForm) and
// sends its changes back through `set`/`dispatch`. Labels and control ids are what the error
// summary links to and what tests find fields by.

import type { Dataset, Method, Model, Run } from '../../../api/types';
import { ErrorAlert, errorMessage } from '../../../components/ErrorAlert';
import { FormField } from '../../../components/FormField';
import { parsePaper } from '../../../lib/format';
import { schemaHasPath } from '../../../lib/schema';
import { familyLabel, groupMethodsByFamily, replayDatasets, trainingDatasetKinds, datasetsForMethod } from '../../../lib/methods';
import type { NewRunState, RunFields, SubmitErrors } from './useNewRunForm';

type FieldErrors = (field: string) => string[];
type Setter = (field: keyof RunFields) => (value: string) => void;
interface Loaded<T> { data: T | undefined; isPending?: boolean; isError: boolean; error: Error | null }

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
export function errorTarget(path: string, method: Method | undefined): string | null {
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
  // A field in the folded "Training" settings: unfold them first.
  const folded = element.closest('details');
  if (folded && !folded.open) folded.open = true;
  element.scrollIntoView({ block: 'center' });
  (control ?? element).focus();
}

export function MethodSection({ methods, source, method, state, onMethodChange, fieldErrors }: {
  methods: Loaded<Method[]>;
  source?: Run;
  method: Method | undefined;
  state: NewRunState;
  onMethodChange: (method: Method) => void;
  fieldErrors: FieldErrors;
}) {
  return (
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
        <MethodPicker methods={methods.data} value={state.methodName} onChange={onMethodChange} errors={fieldErrors('method')} />
      )}
    </section>
  );
}

export function ModelsAndDataSection({ models, datasets, method, state, set, fieldErrors }: {
  models: Loaded<Model[]>;
  datasets: Loaded<Dataset[]>;
  method: Method | undefined;
  state: NewRunState;
  set: Setter;
  fieldErrors: FieldErrors;
}) {
  const usableDatasets = datasetsForMethod(datasets.data ?? [], method);
  const kinds = trainingDatasetKinds(method);
  const trainsOnTasks = Boolean(method?.requires.tasks);
  return (
    <section className="form-section" aria-labelledby="section-inputs">
      <h2 id="section-inputs">Models and data</h2>
      {(models.isError || datasets.isError) && (
        <ErrorAlert error={models.error ?? datasets.error} title="Cannot load the models and datasets" />
      )}
      <div className="form-grid">
        <FormField id="run-student" label="Student model" errors={fieldErrors('student')}
          hint={models.data?.length === 0 ? 'No models in this workspace yet: register one with POST /api/v1/models/.' : undefined}>
          {(control) => (
            <ModelSelect {...control} models={models.data} value={state.student} onChange={set('student')} required />
          )}
        </FormField>
        {method?.requires.teacher && (
          <FormField id="run-teacher" label="Teacher model" errors={fieldErrors('teacher')}
            hint="The frozen model the student learns from.">
            {(control) => (
              <ModelSelect {...control} models={models.data} value={state.teacher} onChange={set('teacher')} required />
            )}
          </FormField>
        )}
        {method?.requires.reference && (
          <FormField id="run-reference" label="Reference model" errors={fieldErrors('reference')}
            hint="The frozen model the KL penalty keeps the policy close to. Initial policy = a frozen copy of the student as it starts.">
            {(control) => (
              <ModelSelect {...control} models={models.data} value={state.reference} onChange={set('reference')}
                emptyLabel="Initial policy (the student as it starts)" />
            )}
          </FormField>
        )}
        <FormField id="run-train-dataset" label={trainsOnTasks ? 'Task sequence' : 'Training dataset'} errors={fieldErrors('train_dataset')}
          hint={datasetHint(method, kinds, usableDatasets, datasets.data)}>
          {(control) => (
            <DatasetSelect {...control} datasets={datasets.data && usableDatasets} value={state.trainDataset}
              onChange={set('trainDataset')} required />
          )}
        </FormField>
        {trainsOnTasks ? (
          <FormField id="run-replay-dataset" label="Replay dataset (optional)" errors={fieldErrors('replay_dataset')}
            hint="General text mixed into every task's batches against forgetting; each task brings its own validation dataset.">
            {(control) => (
              <DatasetSelect {...control} datasets={datasets.data && replayDatasets(datasets.data)} value={state.replayDataset}
                onChange={set('replayDataset')} emptyLabel="None" />
            )}
          </FormField>
        ) : (
          <FormField id="run-validation-dataset" label="Validation dataset (optional)"
            errors={fieldErrors('validation_dataset')}>
            {(control) => (
              <DatasetSelect {...control} datasets={datasets.data && usableDatasets} value={state.validationDataset}
                onChange={set('validationDataset')} emptyLabel="None" />
            )}
          </FormField>
        )}
      </div>
    </section>
  );
}

export function RunSection({ source, method, state, set, fieldErrors }: {
  source?: Run;
  method: Method | undefined;
  state: NewRunState;
  set: Setter;
  fieldErrors: FieldErrors;
}) {
  return (
    <section className="form-section" aria-labelledby="section-run">
      <h2 id="section-run">Run</h2>
      <div className="form-grid">
        <FormField id="run-name" label="Run name" errors={fieldErrors('name')}
          hint={source
            ? 'Optional: left empty, the clone keeps the name of the run it comes from.'
            : 'Optional: the server names the run after its method when left empty.'}>
          {(control) => (
            <input {...control} value={state.name} onChange={(e) => set('name')(e.target.value)} maxLength={200}
              autoComplete="off" placeholder={method?.name ?? ''} />
          )}
        </FormField>
        <FormField id="run-seed" label="Seed" errors={fieldErrors('seed')} hint="Same seed, same data order and initialisation.">
          {(control) => (
            <input {...control} type="number" inputMode="numeric" step={1} min={0} value={state.seed}
              onChange={(e) => set('seed')(e.target.value)} required />
          )}
        </FormField>
        <FormField id="run-tags" label="Tags (optional)" errors={fieldErrors('tags')} hint="Separated by commas.">
          {(control) => <input {...control} value={state.tags} onChange={(e) => set('tags')(e.target.value)} autoComplete="off" />}
        </FormField>
        <FormField id="run-notes" label="Notes (optional)" errors={fieldErrors('notes')}>
          {(control) => <textarea {...control} rows={2} value={state.notes} onChange={(e) => set('notes')(e.target.value)} />}
        </FormField>
      </div>
    </section>
  );
}

export function ResourcesSection({ state, set, fieldErrors }: { state: NewRunState; set: Setter; fieldErrors: FieldErrors }) {
  return (
    <section className="form-section" aria-labelledby="section-resources">
      <h2 id="section-resources">Resources</h2>
      <fieldset className="resources" aria-describedby={fieldErrors('resources').length ? 'run-resources-error' : undefined}>
        <legend>Run on</legend>
        <label className="radio">
          <input type="radio" name="device" value="cpu" checked={state.device === 'cpu'} onChange={() => set('device')('cpu')} />
          CPU
        </label>
        <label className="radio">
          <input type="radio" name="device" value="gpu" checked={state.device === 'gpu'} onChange={() => set('device')('gpu')} />
          GPUs
        </label>
        <span className="field field-inline">
          <label htmlFor="run-gpus">Number of GPUs</label>
          <input id="run-gpus" type="number" min={1} max={64} step={1} value={state.gpus}
            onChange={(e) => set('gpus')(e.target.value)} disabled={state.device === 'cpu'} required={state.device === 'gpu'} />
        </span>
        <span className="field field-inline">
          <label htmlFor="run-nodes">Hosts</label>
          <input id="run-nodes" type="number" min={1} max={64} step={1} value={state.nodes} required
            aria-describedby="run-nodes-help" onChange={(e) => set('nodes')(e.target.value)} />
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
  );
}

/**
 * The top-of-form summary. The server's `detail` restates its first error; when every error is
 * already shown next to its field, the summary links to those fields instead of repeating the
 * messages, and it shows the detail (and any error no field can show) otherwise.
 */
export function SubmitErrorSummary({ errors }: { errors: SubmitErrors }) {
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
