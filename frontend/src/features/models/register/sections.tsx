// The register-a-model form's sections; each reads the form's state (useRegisterModelForm) and
// sends changes back through `set`/`dispatch`. Labels and ids are what tests find fields by.

import type { Dispatch } from 'react';
import type { Model, Run } from '../../../api/types';
import type { UploadProgress } from '../../../api/upload';
import { FormField } from '../../../components/FormField';
import { formatCount } from '../../../lib/format';
import type { RegisterModelAction, RegisterModelState, RegisterSource, RegisterTextFields } from './useRegisterModelForm';

type FieldErrors = (field: string) => string[];
type Setter = (field: keyof RegisterTextFields) => (value: string) => void;

export const SOURCES: { value: RegisterSource; label: string; hint: string }[] = [
  { value: 'path', label: 'Server path', hint: 'A model directory (config.json, weights, tokenizer) already on the server.' },
  { value: 'config', label: 'Config', hint: 'A transformers config: the engine builds a freshly initialised model from it.' },
  { value: 'run', label: 'Run', hint: "A succeeded run's final model." },
  { value: 'upload', label: 'Upload', hint: 'An archive (.zip, .tar or .tar.gz) of a model directory: config.json, weights, tokenizer.' },
  { value: 'hub', label: 'Hub id (local cache)', hint: "A Hugging Face hub id already in the server's Hugging Face cache (HF_HOME): the server never downloads." },
  { value: 'soup', label: 'Weight soup', hint: 'The uniform average of the weights of two or more models of the same architecture (a model soup).' },
];

export function SourcePicker({ state, onSource }: { state: RegisterModelState; onSource: (source: RegisterSource) => void }) {
  return (
    <fieldset className="source-picker">
      <legend>Source</legend>
      {SOURCES.map((s) => (
        <label key={s.value} className="radio">
          <input type="radio" name="model-source" value={s.value} checked={state.source === s.value}
            onChange={() => onSource(s.value)} />
          {s.label}
        </label>
      ))}
      <p className="hint">{SOURCES.find((s) => s.value === state.source)!.hint}</p>
    </fieldset>
  );
}

/** The name and the chosen source's own field (path, hub id, run or archive). */
export function SourceFields({ state, set, dispatch, errorsFor, formErrors, runs }: {
  state: RegisterModelState;
  set: Setter;
  dispatch: Dispatch<RegisterModelAction>;
  errorsFor: FieldErrors;
  formErrors: string[];
  runs: { options: Run[]; loaded: boolean; isPending: boolean };
}) {
  const runOptions = runs.options;
  return (
    <div className="form-grid">
      <FormField id="model-name" label="Model name" errors={errorsFor('name')}>
        {(control) => (
          <input {...control} value={state.name} onChange={(e) => set('name')(e.target.value)} maxLength={100} required autoComplete="off" />
        )}
      </FormField>
      {state.source === 'path' && (
        <FormField id="model-path" label="Model directory on the server" errors={errorsFor('path')}
          hint="An absolute path under one of the operator's MODEL_PATH_ALLOWED_ROOTS.">
          {(control) => (
            <input {...control} value={state.path} onChange={(e) => set('path')(e.target.value)} required autoComplete="off"
              placeholder="/data/models/my-model" className="input-mono" />
          )}
        </FormField>
      )}
      {state.source === 'hub' && (
        <FormField id="model-hub-id" label="Hub id" errors={errorsFor('hub_id')}
          hint="As on the hub, e.g. org/name. Not cached yet? Run huggingface-cli download org/name on a machine with internet, into the server's HF_HOME.">
          {(control) => (
            <input {...control} value={state.hubId} onChange={(e) => set('hubId')(e.target.value)} required autoComplete="off"
              placeholder="org/name" className="input-mono" />
          )}
        </FormField>
      )}
      {state.source === 'run' && (
        <FormField id="model-run" label="Run" errors={errorsFor('run')}
          hint={runs.loaded && runOptions.length === 0 ? 'No succeeded runs in this workspace yet.' : 'Succeeded runs of this workspace.'}>
          {(control) => (
            <select {...control} value={state.runId} onChange={(e) => set('runId')(e.target.value)} required disabled={runs.isPending}>
              <option value="">{runs.isPending ? 'Loading…' : 'Choose a run…'}</option>
              {state.runId && !runOptions.some((r) => String(r.id) === state.runId) && <option value={state.runId}>Run #{state.runId}</option>}
              {runOptions.map((r) => (
                <option key={r.id} value={r.id}>{r.name || `Run ${r.id}`} (#{r.id}, {r.method})</option>
              ))}
            </select>
          )}
        </FormField>
      )}
      {state.source === 'upload' && (
        <FormField id="model-file" label="Model archive" errors={[...formErrors, ...errorsFor('file')]}
          hint=".zip, .tar or .tar.gz of one model directory; no absolute paths, .. or links inside.">
          {(control) => (
            <input {...control} key={state.archiveKey} type="file" aria-required="true"
              accept=".zip,.tar,.tar.gz,.tgz,application/zip,application/x-tar,application/gzip"
              onChange={(e) => dispatch({ type: 'archive', archive: e.target.files?.[0] ?? null })} />
          )}
        </FormField>
      )}
    </div>
  );
}

export function UploadProgressView({ progress, onStop }: { progress: UploadProgress | 'checking' | null; onStop: () => void }) {
  if (!progress) return null;
  return (
    <div className="upload-progress" data-testid="model-upload-progress"
      data-state={progress === 'checking' ? 'checking' : 'sending'}
      data-percent={progress !== 'checking' && progress.total ? Math.round((100 * progress.loaded) / progress.total) : undefined}>
      {progress === 'checking' ? (
        <p role="status">Unpacking and checking the model…</p>
      ) : (
        <>
          <label htmlFor="model-upload-bar">Uploading the archive</label>{' '}
          <progress id="model-upload-bar" max={progress.total ?? undefined} value={progress.loaded} />{' '}
          <button type="button" onClick={onStop}>Stop upload</button>
        </>
      )}
    </div>
  );
}

const CONFIG_PLACEHOLDER = `{
  "model_type": "llama",
  "hidden_size": 64,
  "num_hidden_layers": 2,
  "num_attention_heads": 2,
  "vocab_size": 2048
}`;

/** source=config: the transformers config as JSON and the tokenizer it goes with. */
export function ConfigFields({ state, set, errorsFor, formErrors, tokenizerPaths }: {
  state: RegisterModelState;
  set: Setter;
  errorsFor: FieldErrors;
  formErrors: string[];
  tokenizerPaths: string[];
}) {
  return (
      <div className="form-grid form-grid-wide">
        <FormField id="model-config" label="Config (JSON)" errors={[...formErrors, ...errorsFor('config')]}
          hint="A transformers config dict; model_type picks the architecture.">
          {(control) => (
            <textarea {...control} value={state.configText} onChange={(e) => set('configText')(e.target.value)} rows={9} required
              spellCheck={false} className="input-mono" placeholder={CONFIG_PLACEHOLDER} />
          )}
        </FormField>
        <FormField id="model-tokenizer" label="Tokenizer path" errors={errorsFor('tokenizer_path')}
          hint="A tokenizer directory on the server; the suggestions are the ones this workspace's models use.">
          {(control) => (
            <>
              <input {...control} value={state.tokenizerPath} onChange={(e) => set('tokenizerPath')(e.target.value)} autoComplete="off"
                className="input-mono" list="model-tokenizer-paths" required />
              <datalist id="model-tokenizer-paths">
                {tokenizerPaths.map((t) => <option key={t} value={t} />)}
              </datalist>
            </>
          )}
        </FormField>
      </div>
  );
}

/**
 * Models whose weights can be averaged: registered from a directory, an upload or a run. Not
 * config-only ones (freshly initialised each time), imported history (no weights) nor other soups
 * (the server asks for their ingredients instead).
 */
export function modelsWithWeights(models: readonly Model[]): Model[] {
  return models.filter((model) => model.source === 'path' || model.source === 'upload' || model.source === 'run');
}

export function SoupIngredients({ models, chosen, onChange, errors }: {
  models: Model[];
  chosen: number[];
  onChange: (ingredients: number[]) => void;
  errors: string[];
}) {
  const toggle = (id: number, on: boolean) => onChange(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  return (
    <fieldset id="model-ingredients" className="soup-ingredients" data-testid="model-ingredients"
      aria-describedby={errors.length ? 'model-ingredients-error' : 'model-ingredients-hint'}>
      <legend>Ingredients</legend>
      <p id="model-ingredients-hint" className="hint">
        Tick two or more models with weights and the same architecture; their parameters are averaged uniformly ({chosen.length} ticked).
      </p>
      {models.length === 0 && <p className="muted">No models with weights in this workspace yet.</p>}
      {models.map((model) => (
        <label key={model.id} className="checkbox">
          <input type="checkbox" checked={chosen.includes(model.id)} onChange={(e) => toggle(model.id, e.target.checked)} />
          {model.name} <span className="muted">(#{model.id}, {model.architecture || model.source}{model.parameter_count ? `, ${formatCount(model.parameter_count)}` : ''})</span>
        </label>
      ))}
      {errors.length > 0 && (
        <ul id="model-ingredients-error" className="field-errors" data-testid="model-ingredients-errors">
          {errors.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
    </fieldset>
  );
}
