// Models of the current workspace, and a form to register one: a directory on the server, a
// transformers config (a fresh model built by the engine), a succeeded run's final model, or an
// uploaded archive (.zip, .tar, .tar.gz of a model directory; multipart over XMLHttpRequest for
// its progress).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { queryKeys } from '../api/queryKeys';
import { useModels } from '../features/models/api/queries';
import { registerModel } from '../features/models/api/requests';
import { useRuns } from '../features/runs/api/queries';
import type { Model, ModelRegisterRequest, ModelSource, Workspace } from '../api/types';
import { uploadForm, type UploadProgress } from '../api/upload';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { NoWorkspace } from '../components/NoWorkspace';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatCount, formatDateTime } from '../lib/format';
import { parseJsonObject, placeFieldErrors } from '../lib/jsonInput';
import { canWrite } from '../lib/workspace';

export function ModelsPage() {
  useDocumentTitle('Models');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <ModelsView key={current.slug} workspace={current} />;
}

function ModelsView({ workspace }: { workspace: Workspace }) {
  const models = useModels(workspace.slug);
  const sorted = [...(models.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Models</h1>
          <p className="muted page-subtitle">in {workspace.name}</p>
        </div>
      </div>
      <section className="run-section" aria-labelledby="models-heading">
        <h2 id="models-heading">Registered models</h2>
        {models.isPending && <p role="status">Loading models…</p>}
        {models.isError && <ErrorAlert error={models.error} title="Cannot load the models" />}
        {models.data && models.data.length === 0 && <p className="muted">No models in {workspace.name} yet: register one below.</p>}
        {sorted.length > 0 && <ModelsTable models={sorted} />}
      </section>
      {canWrite(workspace) ? (
        <RegisterModelForm workspace={workspace} models={models.data ?? []} />
      ) : (
        <p className="alert alert-info">You are a viewer in {workspace.name}: viewers can look at models but not register them.</p>
      )}
    </>
  );
}

function ModelsTable({ models }: { models: Model[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="models-table">
        <caption className="visually-hidden">Models</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Source</th>
            <th scope="col">Architecture</th>
            <th scope="col" className="numeric">Parameters</th>
            <th scope="col" className="numeric">Vocab</th>
            <th scope="col">Produced by</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id} data-testid="model-row" data-model-id={model.id}>
              <th scope="row"><Link to={`/models/${model.id}`}>{model.name}</Link></th>
              <td>{model.source}</td>
              <td>{model.architecture || '—'}</td>
              <td className="numeric" title={model.parameter_count ? model.parameter_count.toLocaleString() : undefined}>
                {formatCount(model.parameter_count)}
              </td>
              <td className="numeric">{model.vocab_size?.toLocaleString() ?? '—'}</td>
              <td>{model.produced_by_run ? <Link to={`/runs/${model.produced_by_run}`}>run #{model.produced_by_run}</Link> : '—'}</td>
              <td>{model.created_at ? <time dateTime={model.created_at}>{formatDateTime(model.created_at)}</time> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type RegisterSource = Exclude<ModelSource, 'imported'>;

const SOURCES: { value: RegisterSource; label: string; hint: string }[] = [
  { value: 'path', label: 'Server path', hint: 'A model directory (config.json, weights, tokenizer) already on the server.' },
  { value: 'config', label: 'Config', hint: 'A transformers config: the engine builds a freshly initialised model from it.' },
  { value: 'run', label: 'Run', hint: "A succeeded run's final model." },
  { value: 'upload', label: 'Upload', hint: 'An archive (.zip, .tar or .tar.gz) of a model directory: config.json, weights, tokenizer.' },
  { value: 'hub', label: 'Hub id (local cache)', hint: "A Hugging Face hub id already in the server's Hugging Face cache (HF_HOME): the server never downloads." },
  { value: 'soup', label: 'Weight soup', hint: 'The uniform average of the weights of two or more models of the same architecture (a model soup).' },
];

const CONFIG_PLACEHOLDER = `{
  "model_type": "llama",
  "hidden_size": 64,
  "num_hidden_layers": 2,
  "num_attention_heads": 2,
  "vocab_size": 2048
}`;

function RegisterModelForm({ workspace, models }: { workspace: Workspace; models: Model[] }) {
  const queryClient = useQueryClient();
  const [searchParams] = useSearchParams();
  const [source, setSource] = useState<RegisterSource>(searchParams.get('run') ? 'run' : 'path');
  const [ingredients, setIngredients] = useState<number[]>([]);
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [hubId, setHubId] = useState('');
  const [configText, setConfigText] = useState('');
  const [tokenizerPath, setTokenizerPath] = useState('');
  const [runId, setRunId] = useState(searchParams.get('run') ?? '');
  const [configError, setConfigError] = useState<string | null>(null);
  const [archive, setArchive] = useState<File | null>(null);
  const [archiveKey, setArchiveKey] = useState(0);
  const [progress, setProgress] = useState<UploadProgress | 'checking' | null>(null);
  const abort = useRef<AbortController | null>(null);
  const runs = useRuns(source === 'run' ? { workspace: workspace.slug, status: 'succeeded', page_size: '200' } : null);

  const register = useMutation({
    mutationFn: async (body: ModelRegisterRequest | FormData) => {
      if (!(body instanceof FormData)) return registerModel(body);
      const controller = new AbortController();
      abort.current = controller;
      setProgress({ loaded: 0, total: archive?.size ?? null });
      try {
        const result = await uploadForm<Model>('/models/', body, {
          signal: controller.signal,
          onProgress: setProgress,
          onSent: () => setProgress('checking'),
        });
        return result.body;
      } finally {
        abort.current = null;
        setProgress(null);
      }
    },
    onSuccess: () => {
      setArchive(null);
      setArchiveKey((k) => k + 1);
      void queryClient.invalidateQueries({ queryKey: queryKeys.models(workspace.slug) });
      setName('');
      setPath('');
      setHubId('');
      setConfigText('');
      setTokenizerPath('');
      setIngredients([]);
    },
  });
  const placed = placeFieldErrors(
    register.error instanceof ApiError ? register.error.errors : undefined,
    ['name', 'path', 'hub_id', 'config', 'tokenizer_path', 'run', 'file', 'ingredients'],
    register.isError && !(register.error instanceof DOMException),
  );
  const errorsFor = placed.forField;

  const runOptions = useMemo(() => runs.data?.results ?? [], [runs.data]);
  const soupable = useMemo(() => modelsWithWeights(models).sort((a, b) => a.name.localeCompare(b.name)), [models]);
  const tokenizerPaths = useMemo(() => [...new Set(models.map((m) => m.tokenizer_path).filter((t): t is string => Boolean(t)))].sort(), [models]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setConfigError(null);
    const base = { workspace: workspace.slug, name: name.trim() };
    if (source === 'path') {
      register.mutate({ ...base, source, path: path.trim() });
    } else if (source === 'hub') {
      register.mutate({ ...base, source, hub_id: hubId.trim() });
    } else if (source === 'config') {
      const parsed = parseJsonObject(configText);
      if (!parsed.ok) {
        setConfigError(parsed.error);
        document.getElementById('model-config')?.focus();
        return;
      }
      register.mutate({ ...base, source, config: parsed.value, tokenizer_path: tokenizerPath.trim() });
    } else if (source === 'upload') {
      if (!archive) {
        setConfigError('Choose a .zip, .tar or .tar.gz archive to upload.');
        document.getElementById('model-file')?.focus();
        return;
      }
      const form = new FormData();
      form.append('workspace', workspace.slug);
      form.append('name', base.name);
      form.append('source', 'upload');
      form.append('file', archive);
      register.mutate(form);
    } else if (source === 'soup') {
      if (ingredients.length < 2) {
        setConfigError('Tick at least two models to average.');
        document.getElementById('model-ingredients')?.querySelector('input')?.focus();
        return;
      }
      register.mutate({ ...base, source, ingredients });
    } else {
      register.mutate({ ...base, source, run: Number(runId) });
    }
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
        <fieldset className="source-picker">
          <legend>Source</legend>
          {SOURCES.map((s) => (
            <label key={s.value} className="radio">
              <input type="radio" name="model-source" value={s.value} checked={source === s.value}
                onChange={() => { setSource(s.value); register.reset(); setConfigError(null); }} />
              {s.label}
            </label>
          ))}
          <p className="hint">{SOURCES.find((s) => s.value === source)!.hint}</p>
        </fieldset>
        <div className="form-grid">
          <FormField id="model-name" label="Model name" errors={errorsFor('name')}>
            {(control) => (
              <input {...control} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoComplete="off" />
            )}
          </FormField>
          {source === 'path' && (
            <FormField id="model-path" label="Model directory on the server" errors={errorsFor('path')}
              hint="An absolute path under one of the operator's MODEL_PATH_ALLOWED_ROOTS.">
              {(control) => (
                <input {...control} value={path} onChange={(e) => setPath(e.target.value)} required autoComplete="off"
                  placeholder="/data/models/my-model" className="input-mono" />
              )}
            </FormField>
          )}
          {source === 'hub' && (
            <FormField id="model-hub-id" label="Hub id" errors={errorsFor('hub_id')}
              hint="As on the hub, e.g. org/name. Not cached yet? Run huggingface-cli download org/name on a machine with internet, into the server's HF_HOME.">
              {(control) => (
                <input {...control} value={hubId} onChange={(e) => setHubId(e.target.value)} required autoComplete="off"
                  placeholder="org/name" className="input-mono" />
              )}
            </FormField>
          )}
          {source === 'run' && (
            <FormField id="model-run" label="Run" errors={errorsFor('run')}
              hint={runs.data && runOptions.length === 0 ? 'No succeeded runs in this workspace yet.' : 'Succeeded runs of this workspace.'}>
              {(control) => (
                <select {...control} value={runId} onChange={(e) => setRunId(e.target.value)} required disabled={runs.isPending}>
                  <option value="">{runs.isPending ? 'Loading…' : 'Choose a run…'}</option>
                  {runId && !runOptions.some((r) => String(r.id) === runId) && <option value={runId}>Run #{runId}</option>}
                  {runOptions.map((r) => (
                    <option key={r.id} value={r.id}>{r.name || `Run ${r.id}`} (#{r.id}, {r.method})</option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          {source === 'upload' && (
            <FormField id="model-file" label="Model archive" errors={[...(configError ? [configError] : []), ...errorsFor('file')]}
              hint=".zip, .tar or .tar.gz of one model directory; no absolute paths, .. or links inside.">
              {(control) => (
                <input {...control} key={archiveKey} type="file" aria-required="true"
                  accept=".zip,.tar,.tar.gz,.tgz,application/zip,application/x-tar,application/gzip"
                  onChange={(e) => { setArchive(e.target.files?.[0] ?? null); setConfigError(null); }} />
              )}
            </FormField>
          )}
        </div>
        {source === 'soup' && (
          <SoupIngredients models={soupable} chosen={ingredients} onChange={(next) => { setIngredients(next); setConfigError(null); }}
            errors={[...(configError ? [configError] : []), ...errorsFor('ingredients')]} />
        )}
        {progress && (
          <div className="upload-progress" data-testid="model-upload-progress"
            data-state={progress === 'checking' ? 'checking' : 'sending'}
            data-percent={progress !== 'checking' && progress.total ? Math.round((100 * progress.loaded) / progress.total) : undefined}>
            {progress === 'checking' ? (
              <p role="status">Unpacking and checking the model…</p>
            ) : (
              <>
                <label htmlFor="model-upload-bar">Uploading the archive</label>{' '}
                <progress id="model-upload-bar" max={progress.total ?? undefined} value={progress.loaded} />{' '}
                <button type="button" onClick={() => abort.current?.abort()}>Stop upload</button>
              </>
            )}
          </div>
        )}
        {register.error instanceof DOMException && <p role="status">The upload was stopped.</p>}
        {source === 'config' && (
          <div className="form-grid form-grid-wide">
            <FormField id="model-config" label="Config (JSON)" errors={[...(configError ? [configError] : []), ...errorsFor('config')]}
              hint="A transformers config dict; model_type picks the architecture.">
              {(control) => (
                <textarea {...control} value={configText} onChange={(e) => setConfigText(e.target.value)} rows={9} required
                  spellCheck={false} className="input-mono" placeholder={CONFIG_PLACEHOLDER} />
              )}
            </FormField>
            <FormField id="model-tokenizer" label="Tokenizer path" errors={errorsFor('tokenizer_path')}
              hint="A tokenizer directory on the server; the suggestions are the ones this workspace's models use.">
              {(control) => (
                <>
                  <input {...control} value={tokenizerPath} onChange={(e) => setTokenizerPath(e.target.value)} autoComplete="off"
                    className="input-mono" list="model-tokenizer-paths" required />
                  <datalist id="model-tokenizer-paths">
                    {tokenizerPaths.map((t) => <option key={t} value={t} />)}
                  </datalist>
                </>
              )}
            </FormField>
          </div>
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

/**
 * Models whose weights can be averaged: registered from a directory, an upload or a run. Not
 * config-only ones (freshly initialised each time), imported history (no weights) nor other soups
 * (the server asks for their ingredients instead).
 */
function modelsWithWeights(models: readonly Model[]): Model[] {
  return models.filter((model) => model.source === 'path' || model.source === 'upload' || model.source === 'run');
}

function SoupIngredients({ models, chosen, onChange, errors }: {
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
