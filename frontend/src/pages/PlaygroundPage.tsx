// Playground: the same prompts through a few of the workspace's models, side by side. POST
// /playground/ starts a session on a worker; each cell's text grows as the worker reports tokens.
// The outputs come over Server-Sent Events (/playground/:id/events/); where the stream cannot be
// had (a proxy that drops it, an older server) GET /playground/:id/ is polled every 500 ms instead.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useModels } from '../features/models/api/queries';
import { useStartPlayground } from '../features/playground/api/mutations';
import { usePlaygroundSession, type PlaygroundStreamState } from '../features/playground/api/queries';
import type { Model, Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { buildGrid, MAX_PLAYGROUND_MODELS, playableModels, splitPrompts } from '../lib/playground';

export function PlaygroundPage() {
  useDocumentTitle('Playground');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <PlaygroundView key={current.slug} workspace={current} />;
}

interface Submitted {
  id: number;
  models: number[];
  prompts: string[];
}

function PlaygroundView({ workspace }: { workspace: Workspace }) {
  const models = useModels(workspace.slug);
  const available = playableModels<Model>(models.data ?? []);
  const [chosen, setChosen] = useState<number[]>([]);
  const [promptText, setPromptText] = useState('');
  const [maxNewTokens, setMaxNewTokens] = useState('64');
  const [temperature, setTemperature] = useState('0');
  const [topP, setTopP] = useState('1');
  const [seed, setSeed] = useState('0');
  const [localError, setLocalError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<Submitted | null>(null);

  const start = useStartPlayground((session, body) => setSubmitted({ id: session.id, models: body.models, prompts: body.prompts }));

  const toggle = (id: number, on: boolean) => {
    setChosen((previous) => (on ? [...previous.filter((m) => m !== id), id] : previous.filter((m) => m !== id)));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const prompts = splitPrompts(promptText);
    if (chosen.length === 0) return setLocalError('Choose at least one model.');
    if (chosen.length > MAX_PLAYGROUND_MODELS) return setLocalError(`Choose at most ${MAX_PLAYGROUND_MODELS} models.`);
    if (prompts.length === 0) return setLocalError('Write at least one prompt (one per line).');
    setLocalError(null);
    const ordered = available.map((m) => m.id).filter((id) => chosen.includes(id));
    start.mutate({
      workspace: workspace.slug,
      models: ordered,
      prompts,
      max_new_tokens: Number(maxNewTokens),
      temperature: Number(temperature),
      top_p: Number(topP),
      seed: Number(seed),
    });
  };

  const serverErrors = start.error instanceof ApiError ? start.error.errors : undefined;
  const names = new Map((models.data ?? []).map((m) => [m.id, m.name]));

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Playground</h1>
          <p className="muted page-subtitle">
            in {workspace.name} · Compare what models generate for the same prompts. Generation runs on a worker: a
            busy worker answers after its current run.
          </p>
        </div>
      </div>
      <form data-testid="playground-form" onSubmit={onSubmit} className="run-form" aria-label="Playground">
        <section className="form-section" aria-labelledby="playground-models-heading">
          <h2 id="playground-models-heading">Models</h2>
          <ModelPicker models={models} available={available} chosen={chosen} onToggle={toggle} errors={serverErrors?.models} />
        </section>
        <section className="form-section" aria-labelledby="playground-prompts-heading">
          <h2 id="playground-prompts-heading">Prompts and sampling</h2>
          <div className="field">
            <label htmlFor="playground-prompts">Prompts (one per line)</label>
            <textarea id="playground-prompts" className="playground-prompts" rows={5} value={promptText}
              onChange={(event) => setPromptText(event.target.value)} />
            <FieldErrors errors={serverErrors?.prompts} />
          </div>
          <div className="form-grid">
            <NumberField id="playground-max-new-tokens" label="Max new tokens" value={maxNewTokens} onChange={setMaxNewTokens} min="1" step="1" errors={serverErrors?.max_new_tokens} />
            <NumberField id="playground-temperature" label="Temperature (0 = greedy)" value={temperature} onChange={setTemperature} min="0" step="any" errors={serverErrors?.temperature} />
            <NumberField id="playground-top-p" label="Top p" value={topP} onChange={setTopP} min="0" max="1" step="any" errors={serverErrors?.top_p} />
            <NumberField id="playground-seed" label="Seed" value={seed} onChange={setSeed} step="1" errors={serverErrors?.seed} />
          </div>
        </section>
        {localError && <div role="alert" className="alert alert-error">{localError}</div>}
        {start.isError && <ServerError error={start.error} />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={start.isPending}>{start.isPending ? 'Generating…' : 'Generate'}</button>
        </div>
      </form>
      {submitted && <PlaygroundResults key={submitted.id} submitted={submitted} names={names} />}
    </>
  );
}

/** The models to compare, 1 to MAX_PLAYGROUND_MODELS of them, each a column of the outputs. */
function ModelPicker({ models, available, chosen, onToggle, errors }: {
  models: ReturnType<typeof useModels>;
  available: Model[];
  chosen: number[];
  onToggle: (id: number, on: boolean) => void;
  errors: string[] | string | undefined;
}) {
  return (
    <fieldset className="playground-models" aria-describedby="playground-models-hint">
      <legend className="visually-hidden">Models</legend>
      <p id="playground-models-hint" className="hint">Choose 1–{MAX_PLAYGROUND_MODELS}: each gets a column.</p>
      {models.isPending && <p role="status">Loading models…</p>}
      {models.isError && <ErrorAlert error={models.error} title="Cannot load models" />}
      {models.isSuccess && available.length === 0 && <p>No models to generate from in this workspace.</p>}
      {available.map((model) => (
        <label key={model.id} className="checkbox">
          <input
            type="checkbox"
            checked={chosen.includes(model.id)}
            onChange={(event) => onToggle(model.id, event.target.checked)}
            disabled={!chosen.includes(model.id) && chosen.length >= MAX_PLAYGROUND_MODELS}
          />
          {model.name}
        </label>
      ))}
      <FieldErrors errors={errors} />
    </fieldset>
  );
}

function PlaygroundResults({ submitted, names }: { submitted: Submitted; names: Map<number, string> }) {
  const { session, stream } = usePlaygroundSession(submitted.id);
  const status = session.data?.status ?? 'queued';
  const prompts = session.data?.prompts?.length ? session.data.prompts : submitted.prompts;
  const modelIds = session.data?.models?.length ? session.data.models.map((model) => model.id) : submitted.models;
  const grid = buildGrid(prompts, modelIds, session.data?.outputs ?? []);
  return (
    <section className="run-section" aria-labelledby="playground-outputs-heading">
      <div className="section-header">
        <h2 id="playground-outputs-heading">Outputs</h2>
        <div className="run-actions">
          <span className={`status status-${status}`} data-testid="playground-status-badge">{status}</span>
          <PlaygroundStreamIndicator state={stream} />
        </div>
      </div>
      <p role="status" className="muted" data-testid="playground-status" data-status={status} data-stream={stream}>
        {STATUS_TEXT[status] ?? `Status: ${status}`}
      </p>
      {session.isError && <ErrorAlert error={session.error} title="Cannot read the outputs" />}
      {session.data?.error_message && <div role="alert" className="alert alert-error">{session.data.error_message}</div>}
      <div className="table-wrap">
        <table data-testid="playground-grid" className="table playground-grid">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              {modelIds.map((id) => <th key={id} scope="col">{names.get(id) ?? `model ${id}`}</th>)}
            </tr>
          </thead>
          <tbody>
            {grid.map((row) => (
              <tr key={row.promptIndex}>
                <th scope="row" className="playground-prompt">{row.prompt}</th>
                {row.cells.map((cell) => (
                  <td
                    key={cell.model}
                    data-testid="playground-cell"
                    data-model={cell.model}
                    data-prompt={cell.promptIndex}
                    data-done={cell.done ? 'true' : 'false'}
                    data-state={cell.state}
                    aria-busy={cell.state === 'running' || cell.state === 'pending'}
                    className={`playground-cell playground-cell-${cell.state}`}
                  >
                    <pre className="playground-text">{cell.text}</pre>
                    {cell.error && <div role="alert" className="alert alert-error">{cell.error}</div>}
                    <small className="hint">
                      {cell.state === 'pending' ? 'waiting' : cell.state === 'running' ? 'generating…' : cell.state}
                      {cell.tokens !== null && ` · ${cell.tokens} tokens`}
                      {cell.tokensPerS !== null && ` · ${cell.tokensPerS.toFixed(1)} tok/s`}
                    </small>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const STATUS_TEXT: Record<string, string> = {
  queued: 'Queued: waiting for a worker (a busy worker answers after its current run).',
  running: 'Generating: the text grows in each cell as the worker produces it.',
  done: 'Done: every cell has finished.',
  failed: 'Failed.',
};

const STREAM_TEXT: Record<PlaygroundStreamState, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live',
  ended: 'Final',
  unavailable: 'Live updates unavailable: refreshing twice a second',
};

/** The same live/final marker as the run page's, for the session's event stream. */
function PlaygroundStreamIndicator({ state }: { state: PlaygroundStreamState }) {
  return <span className={`stream stream-${state}`} data-testid="playground-stream" data-state={state}>{STREAM_TEXT[state]}</span>;
}

function ServerError({ error }: { error: Error }) {
  const errors = error instanceof ApiError ? error.errors : undefined;
  const shown = new Set(['models', 'prompts', 'max_new_tokens', 'temperature', 'top_p', 'seed']);
  const other = Object.entries(errors ?? {}).filter(([key]) => !shown.has(key));
  return (
    <div role="alert" className="alert alert-error">
      {error instanceof ApiError ? error.detail : error.message}
      {other.length > 0 && (
        <ul>
          {other.map(([key, value]) => <li key={key}>{key}: {Array.isArray(value) ? value.join(' ') : value}</li>)}
        </ul>
      )}
    </div>
  );
}

function FieldErrors({ errors }: { errors: string[] | string | undefined }) {
  if (!errors) return null;
  const list = Array.isArray(errors) ? errors : [errors];
  return <div className="field-errors">{list.map((message) => <p key={message} className="error">{message}</p>)}</div>;
}

function NumberField(props: {
  id: string; label: string; value: string; onChange: (value: string) => void;
  min?: string; max?: string; step?: string; errors: string[] | string | undefined;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <FieldErrors errors={props.errors} />
    </div>
  );
}
