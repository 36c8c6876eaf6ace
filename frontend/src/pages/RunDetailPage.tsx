// One run: its state and progress, a cancel button while it is queued or running, retry / resume
// / clone and a star, live charts grouped by metric prefix, the live log tail, its artifacts, its
// notes and tags (editable) and its configuration.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useDatasets } from '../features/datasets/api/queries';
import { useMethods } from '../features/methods/api/queries';
import { useModels } from '../features/models/api/queries';
import { useRegisterModelJson } from '../features/models/api/mutations';
import { useArtifacts, useRun } from '../features/runs/api/queries';
import {
  useCancelRun, useDeleteRun, useResumeRun, useRetryRun, useSaveRunNotes, useStarRun,
} from '../features/runs/api/mutations';
import type { Artifact, Method, Run } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { AlignmentPanel } from '../components/AlignmentPanel';
import { CalibrationPanel } from '../components/CalibrationPanel';
import { ContinualMatrixPanel } from '../components/ContinualMatrixPanel';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { LogTail } from '../components/LogTail';
import { MetricChart, runZoomSource } from '../components/MetricChart';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { TeacherGapPanel } from '../components/TeacherGapPanel';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useRunLive, type StreamState } from '../hooks/useRunLive';
import { parseTags, tagsText } from '../lib/clone';
import { formatBytes, formatDateTime, formatMetricValue, formatResources } from '../lib/format';
import { placeFieldErrors } from '../lib/jsonInput';
import { groupMetricNames } from '../lib/metricGroups';
import { runPanels } from '../lib/methodPanels';
import { isActiveStatus, runMetricNames } from '../lib/runStatus';
import type { XAxis } from '../lib/chartData';
import { EMPTY_SERIES, type SeriesByName } from '../lib/series';
import { canWrite } from '../lib/workspace';
import { NotFoundPage } from './NotFoundPage';

export function RunDetailPage() {
  const { runId } = useParams();
  const id = Number(runId);
  const run = useRun(id);
  if (!Number.isInteger(id) || id <= 0) return <NotFoundPage />;
  if (run.isPending) return <p role="status">Loading run…</p>;
  if (run.isError) {
    if (run.error instanceof ApiError && run.error.status === 404) {
      return (
        <div className="empty">
          <h1>Run not found</h1>
          <p>{run.error.detail} <Link to="/runs">Back to the runs</Link>.</p>
        </div>
      );
    }
    return <ErrorAlert error={run.error} title="Cannot load the run" />;
  }
  return <RunView key={run.data.id} run={run.data} />;
}

function RunView({ run }: { run: Run }) {
  useDocumentTitle(run.name || `Run ${run.id}`);
  const live = useRunLive(run);
  const active = isActiveStatus(run.status);
  const { workspaces } = useWorkspace();
  const workspace = workspaces.find((w) => w.slug === run.workspace);
  const cancel = useCancelRun(run.id);

  const writable = workspace === undefined || canWrite(workspace);
  const methods = useMethods();
  const method = methods.data?.find((m) => m.name === run.method);
  const panels = runPanels(run, method, [...runMetricNames(run), ...Object.keys(live.series)]);

  return (
    <>
      <p className="breadcrumb"><Link to="/runs">Runs</Link> <span aria-hidden="true">/</span> #{run.id}</p>
      <div className="page-header run-header">
        <div>
          <h1>
            {run.starred && <span className="star-mark" aria-label="Starred" role="img">★</span>}
            {run.name || `Run ${run.id}`}
          </h1>
          <p className="run-meta">
            <code>{run.method}</code>
            {' · '}created <time dateTime={run.created_at}>{formatDateTime(run.created_at)}</time>
            {run.creator !== null && run.creator !== undefined && <> by {String(run.creator)}</>}
            {run.worker && <> · worker {run.worker}</>}
            {run.attempt !== undefined && run.attempt > 1 && (
              <> · <span data-testid="run-attempt" data-attempt={run.attempt}>attempt {run.attempt}</span></>
            )}
            {run.parent !== null && run.parent !== undefined && (
              <> · <span data-testid="run-parent">parent run <Link to={`/runs/${run.parent}`}>#{run.parent}</Link></span></>
            )}
            {run.sweep !== null && run.sweep !== undefined && (
              <> · <span data-testid="run-sweep">in <Link to={`/sweeps/${run.sweep}`}>sweep #{run.sweep}</Link></span></>
            )}
          </p>
        </div>
        <div className="run-actions">
          <StatusBadge status={run.status} />
          {active && writable && (
            <button type="button" className="button-danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
              {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
            </button>
          )}
        </div>
      </div>
      {writable && <RunActions run={run} />}
      {cancel.isError && <ErrorAlert error={cancel.error} title="The run was not cancelled" />}
      <div className="run-progress">
        <ProgressBar progress={run.progress} status={run.status} />
        {run.status === 'running' && run.progress?.tokens_per_s ? (
          <span className="muted">{formatMetricValue(run.progress.tokens_per_s)} tokens/s</span>
        ) : null}
        <StreamIndicator state={live.stream} />
      </div>
      {run.error_message && (run.status === 'failed' || run.status === 'cancelled') && (
        <div role="alert" className={run.status === 'failed' ? 'alert alert-error' : 'alert alert-info'} data-testid="run-error">
          <strong>{run.status === 'failed' ? 'The run failed: ' : 'Cancelled: '}</strong>
          <span className="pre-wrap">{run.error_message}</span>
        </div>
      )}
      {live.loadError !== null && <ErrorAlert error={live.loadError} title="Some live data could not be loaded" />}

      {panels.teacherGap && <TeacherGapPanel run={run} series={live.series} />}
      {panels.alignment && <AlignmentPanel kind={panels.alignment} series={live.series} />}
      {panels.continual && <ContinualMatrixPanel run={run} active={active} />}
      {panels.calibration && <CalibrationPanel run={run} active={active} />}

      <MetricsSection run={run} series={live.series} />

      <section className="run-section" aria-labelledby="log-heading">
        <h2 id="log-heading">Log</h2>
        <LogTail lines={live.logs} />
      </section>

      <section className="run-section" aria-labelledby="artifacts-heading">
        <h2 id="artifacts-heading">Artifacts</h2>
        <ArtifactsList run={run} active={active} writable={writable} />
      </section>

      {/* Not called "Notes and tags": the section's name would also match the fields' labels. */}
      <section className="run-section" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Annotations</h2>
        {writable ? <RunNotes run={run} /> : <ReadOnlyNotes run={run} />}
      </section>

      <section className="run-section" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <RunInputs run={run} method={method} />
        <h3>Config</h3>
        <pre className="code-block" data-testid="run-config">{JSON.stringify(run.config, null, 2)}</pre>
      </section>
    </>
  );
}

/**
 * Retry (a new run, same everything), resume (a failed or cancelled run back in the queue, from
 * its last checkpoint), clone (the new-run form filled from this run) and the star.
 */
function RunActions({ run }: { run: Run }) {
  const navigate = useNavigate();
  const final = !isActiveStatus(run.status);
  const resumable = run.status === 'failed' || run.status === 'cancelled';
  const retry = useRetryRun(run.id, (created) => void navigate(`/runs/${created.id}`));
  const resume = useResumeRun(run.id);
  const star = useStarRun(run.id);
  const remove = useDeleteRun(run.id, () => void navigate('/runs'));
  const busy = retry.isPending || resume.isPending || remove.isPending;
  return (
    <>
      <div className="toolbar run-toolbar" role="group" aria-label="Run actions">
        <button type="button" onClick={() => star.mutate(!run.starred)} disabled={star.isPending}
          aria-describedby={star.isPending ? 'run-star-state' : undefined}>
          <span aria-hidden="true">{run.starred ? '★ ' : '☆ '}</span>{run.starred ? 'Unstar' : 'Star'}
        </button>
        {star.isPending && <span id="run-star-state" className="muted" role="status">Saving…</span>}
        {final && (
          <button type="button" onClick={() => retry.mutate()} disabled={busy}
            title="Start a new run with the same method, models, data and config">
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </button>
        )}
        {resumable && (
          <button type="button" onClick={() => resume.mutate()} disabled={busy}
            title="Put this run back in the queue; it continues from its last checkpoint">
            {resume.isPending ? 'Resuming…' : 'Resume'}
          </button>
        )}
        <button type="button" onClick={() => void navigate(`/runs/new?clone=${run.id}`)} disabled={busy}
          title="Open the new-run form filled in from this run, to change some settings first">
          Clone
        </button>
        {final && (
          <button type="button" className="button-danger" disabled={busy}
            onClick={() => {
              if (window.confirm(`Delete run ${run.name || run.id} with its metrics, logs and files? This cannot be undone.`)) remove.mutate();
            }}>
            {remove.isPending ? 'Deleting…' : 'Delete'}
          </button>
        )}
      </div>
      {star.isError && <ErrorAlert error={star.error} title={run.starred ? 'The star was not removed' : 'The run was not starred'} />}
      {retry.isError && <ErrorAlert error={retry.error} title="The run was not retried" />}
      {resume.isError && <ErrorAlert error={resume.error} title="The run was not resumed" />}
      {remove.isError && <ErrorAlert error={remove.error} title="The run was not deleted" />}
      {resume.isSuccess && !resume.isPending && isActiveStatus(run.status) && (
        <p className="alert alert-success" role="status" data-testid="run-resumed">Back in the queue: it continues from its last checkpoint.</p>
      )}
    </>
  );
}

type SaveState = 'idle' | 'saving' | 'saved' | 'error';

/** Notes and tags, saved together with PATCH; what someone else saves meanwhile shows unless you are editing. */
function RunNotes({ run }: { run: Run }) {
  const [notes, setNotes] = useState(run.notes ?? '');
  const [tags, setTags] = useState(tagsText(run.tags));
  // What the fields were last filled from, to pick up the server's values while they are untouched.
  const [base, setBase] = useState({ notes: run.notes ?? '', tags: tagsText(run.tags) });
  const serverNotes = run.notes ?? '';
  const serverTags = tagsText(run.tags);
  const dirty = notes !== base.notes || tags !== base.tags;
  if ((serverNotes !== base.notes || serverTags !== base.tags) && !dirty) {
    setBase({ notes: serverNotes, tags: serverTags });
    setNotes(serverNotes);
    setTags(serverTags);
  }
  const save = useSaveRunNotes(run.id, (updated) => {
    const saved = { notes: updated.notes, tags: tagsText(updated.tags) };
    setBase(saved);
    setNotes(saved.notes);
    setTags(saved.tags);
  });
  const state: SaveState = save.isPending ? 'saving' : save.isError ? 'error' : save.isSuccess && !dirty ? 'saved' : 'idle';
  const fieldErrors = save.error instanceof ApiError ? save.error.errors ?? {} : {};
  const messages = (field: string) =>
    Object.entries(fieldErrors).filter(([key]) => key === field || key.startsWith(`${field}.`)).flatMap(([, v]) => (Array.isArray(v) ? v : [v]));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ notes, tags: parseTags(tags) });
  };
  return (
    <form className="run-notes" onSubmit={onSubmit}>
      <FormField id="run-notes-edit" label="Notes" errors={messages('notes')}>
        {(control) => (
          <textarea {...control} rows={3} value={notes} onChange={(e) => { setNotes(e.target.value); save.reset(); }}
            placeholder="What this run is for, what you saw" />
        )}
      </FormField>
      <FormField id="run-tags-edit" label="Tags" errors={messages('tags')} hint="Separated by commas.">
        {(control) => (
          <input {...control} value={tags} onChange={(e) => { setTags(e.target.value); save.reset(); }} autoComplete="off" />
        )}
      </FormField>
      <div className="inline-form">
        <button type="submit" className="button-primary" disabled={save.isPending || !dirty}>
          {save.isPending ? 'Saving…' : 'Save notes'}
        </button>
        <span className={`save-state save-state-${state}`} role="status" data-testid="run-notes-state" data-state={state}>
          {state === 'saving' && 'Saving…'}
          {state === 'saved' && 'Saved.'}
          {state === 'idle' && dirty && 'Unsaved changes.'}
        </span>
      </div>
      {save.isError && <ErrorAlert error={save.error} title="The notes were not saved" />}
    </form>
  );
}

function ReadOnlyNotes({ run }: { run: Run }) {
  return (
    <dl className="details">
      <dt>Notes</dt><dd className="pre-wrap">{run.notes || '—'}</dd>
      <dt>Tags</dt><dd>{run.tags?.length ? run.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
    </dl>
  );
}

function MetricsSection({ run, series }: { run: Run; series: SeriesByName }) {
  const [smoothing, setSmoothing] = useState(0);
  const [logScale, setLogScale] = useState(false);
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const groups = groupMetricNames([...runMetricNames(run), ...Object.keys(series)]);
  return (
    <section className="run-section" aria-labelledby="metrics-heading">
      <div className="section-header">
        <h2 id="metrics-heading">Metrics</h2>
        <div className="chart-controls" role="group" aria-label="Chart options">
          <fieldset className="segmented">
            <legend className="visually-hidden">X axis</legend>
            <span className="segmented-label" aria-hidden="true">X axis</span>
            <label className="radio">
              <input type="radio" name="chart-x-axis" value="step" checked={xAxis === 'step'} onChange={() => setXAxis('step')} />
              Step
            </label>
            <label className="radio">
              <input type="radio" name="chart-x-axis" value="wall" checked={xAxis === 'wall'} onChange={() => setXAxis('wall')} />
              Wall time
            </label>
          </fieldset>
          <label className="checkbox">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
            Log scale
          </label>
          {/* The charts are downsampled; these are every point, as the run reported them. */}
          <span className="export-links">
            Every point:{' '}
            <a href={`/api/v1/runs/${run.id}/metrics/export/?as=csv`} download>CSV</a>{' · '}
            <a href={`/api/v1/runs/${run.id}/metrics/export/?as=json`} download>JSON</a>
          </span>
          <div className="field field-inline">
            <label htmlFor="chart-smoothing">Smoothing</label>
            <input id="chart-smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing}
              onChange={(e) => setSmoothing(Number(e.target.value))} aria-valuetext={smoothing.toFixed(2)} />
            <output htmlFor="chart-smoothing">{smoothing.toFixed(2)}</output>
          </div>
        </div>
      </div>
      {groups.length === 0 && (
        <p className="muted">{isActiveStatus(run.status) ? 'Waiting for the first metrics…' : 'This run reported no metrics.'}</p>
      )}
      {groups.map((group) => (
        <section key={group.prefix} className="metric-group" aria-labelledby={`metrics-${group.prefix}`} data-testid={`metric-group-${group.prefix}`}>
          <h3 id={`metrics-${group.prefix}`}>{group.prefix}</h3>
          <div className="chart-grid">
            {group.names.map((name) => (
              <MetricChart key={name} name={name} series={series[name] ?? EMPTY_SERIES} smoothing={smoothing}
                logScale={logScale} xAxis={xAxis} zoomSource={runZoomSource(run.id, name)} />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}

const STREAM_TEXT: Record<StreamState, string> = {
  off: '',
  connecting: 'Connecting to live updates…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  ended: 'Final',
  unavailable: 'Live updates unavailable: refreshing every few seconds',
};

function StreamIndicator({ state }: { state: StreamState }) {
  if (state === 'off') return null;
  return (
    <span className={`stream stream-${state}`} role="status" data-testid="stream-state" data-state={state}>
      {STREAM_TEXT[state]}
    </span>
  );
}

function RunInputs({ run, method }: { run: Run; method: Method | undefined }) {
  const models = useModels(run.workspace);
  const datasets = useDatasets(run.workspace);
  const modelLink = (id: number | null) => (
    <Described id={id} name={models.data?.find((m) => m.id === id)?.name} to={`/models/${id}`} />
  );
  const datasetLink = (id: number | null) => (
    <Described id={id} name={datasets.data?.find((d) => d.id === id)?.name} to={`/datasets/${id}`} />
  );
  return (
    <dl className="details">
      <dt>Student</dt><dd>{modelLink(run.student)}</dd>
      {run.teacher !== null && <><dt>Teacher</dt><dd>{modelLink(run.teacher)}</dd></>}
      {(method?.requires.reference || (run.reference !== null && run.reference !== undefined)) && (
        <>
          <dt>Reference model</dt>
          <dd data-testid="run-reference">
            {run.reference !== null && run.reference !== undefined
              ? modelLink(run.reference)
              : <span title="The frozen copy of the student as it started">initial policy</span>}
          </dd>
        </>
      )}
      <dt>Training dataset</dt><dd>{datasetLink(run.train_dataset)}</dd>
      {!method?.requires.tasks && <><dt>Validation dataset</dt><dd>{datasetLink(run.validation_dataset)}</dd></>}
      {(method?.requires.tasks || (run.replay_dataset !== null && run.replay_dataset !== undefined)) && (
        <><dt>Replay dataset</dt><dd data-testid="run-replay-dataset">{run.replay_dataset ? datasetLink(run.replay_dataset) : 'none'}</dd></>
      )}
      <dt>Seed</dt><dd>{run.seed}</dd>
      <dt>Resources</dt><dd>{formatResources(run.resources)}</dd>
      {(run.nodes?.length ?? 0) > 0 && (
        <>
          <dt>Nodes</dt>
          <dd>
            <ul className="plain-list" data-testid="run-nodes">
              {run.nodes!.map((node) => (
                <li key={node.node_rank}>
                  node {node.node_rank}: {node.worker} ({node.address}) — {node.status}
                  {node.exit_code !== null && node.exit_code !== 0 ? `, exit code ${node.exit_code}` : ''}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {run.register_model_as && <><dt>Registers its model as</dt><dd>{run.register_model_as}</dd></>}
      {run.parent !== null && run.parent !== undefined && (
        <><dt>Parent run</dt><dd><Link to={`/runs/${run.parent}`}>#{run.parent}</Link></dd></>
      )}
      <dt>Started</dt><dd>{formatDateTime(run.started_at)}</dd>
      <dt>Finished</dt><dd>{formatDateTime(run.finished_at)}</dd>
    </dl>
  );
}

function Described({ id, name, to }: { id: number | null; name: string | undefined; to: string }) {
  if (id === null || id === undefined) return <>—</>;
  return <Link to={to}>{name ? `${name} (#${id})` : `#${id}`}</Link>;
}

function ArtifactsList({ run, active, writable }: { run: Run; active: boolean; writable: boolean }) {
  const artifacts = useArtifacts(run.id, active);
  const models = useModels(run.workspace);
  // The artifact whose registration form is open: the final model, or a checkpoint.
  const [registering, setRegistering] = useState<Artifact | null>(null);
  const registered = models.data?.filter((m) => m.produced_by_run === run.id) ?? [];
  if (artifacts.isPending) return <p role="status">Loading artifacts…</p>;
  if (artifacts.isError) return <ErrorAlert error={artifacts.error} title="Cannot load the artifacts" />;
  if (artifacts.data.length === 0) {
    return <p className="muted">{active ? 'Checkpoints and the final model will appear here.' : 'This run saved no artifacts.'}</p>;
  }
  // The server registers a run's final model (its latest `model` artifact) once it succeeded, and
  // any checkpoint of a run, finished or not (as a copy of its own).
  const canRegister = (artifact: Artifact) =>
    writable && artifact.id != null &&
    ((artifactKind(artifact) === 'model' && run.status === 'succeeded') || artifactKind(artifact) === 'checkpoint');
  return (
    <>
      {registered.length > 0 && (
        <p data-testid="run-registered-models">
          Registered as{' '}
          {registered.map((m, i) => (
            <span key={m.id}>{i > 0 && ', '}<Link to={`/models/${m.id}`}>{m.name}</Link></span>
          ))}
          .
        </p>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="artifacts-table">
          <caption className="visually-hidden">Artifacts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col" className="numeric">Step</th>
              <th scope="col" className="numeric">Size</th>
              <th scope="col">Path</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {artifacts.data.map((artifact, index) => (
              <tr key={artifact.id ?? `${artifact.path}-${index}`}>
                <th scope="row">{artifact.name || basename(artifact.path)}</th>
                <td>{artifactKind(artifact)}</td>
                <td className="numeric">{artifact.step ?? '—'}</td>
                <td className="numeric">{formatBytes(artifact.size_bytes)}</td>
                <td><code className="path">{artifact.path}</code></td>
                <td className="actions">
                  {artifact.id != null && (
                    // A directory (checkpoint, final model) comes as a .tar; fetched from the artifact
                    // store by the server when another host wrote it.
                    <a href={`/api/v1/runs/${run.id}/artifacts/${artifact.id}/download/`} download
                      aria-label={`Download ${artifact.name || basename(artifact.path)}`}>
                      Download
                    </a>
                  )}
                  {canRegister(artifact) && (
                    <button type="button" onClick={() => setRegistering(artifact)} aria-expanded={registering === artifact}
                      aria-controls="register-run-model"
                      aria-label={artifactKind(artifact) === 'model' ? 'Register as model'
                        : `Register ${artifact.name || basename(artifact.path)} as a model`}>
                      Register as model
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {registering && (
        <RegisterRunModel key={registering.id} run={run} artifact={registering} onClose={() => setRegistering(null)} />
      )}
    </>
  );
}

/** Asks for a name and registers the run's final model, or one of its checkpoints (POST /models/
 * with source "run", and the checkpoint's id as `artifact`). */
function RegisterRunModel({ run, artifact, onClose }: { run: Run; artifact: Artifact; onClose: () => void }) {
  const checkpoint = artifactKind(artifact) === 'checkpoint' ? artifact.id : undefined;
  const base = run.name || `run-${run.id}`;
  const [name, setName] = useState(
    checkpoint != null ? `${base}-step-${artifact.step ?? artifact.id}` : run.register_model_as || `${base}-model`);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const register = useRegisterModelJson(run.workspace);
  const placed = placeFieldErrors(register.error instanceof ApiError ? register.error.errors : undefined, ['name'], register.isError);
  const nameErrors = placed.forField('name');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) {
      register.mutate({
        workspace: run.workspace, name: name.trim(), source: 'run', run: run.id,
        ...(checkpoint != null ? { artifact: checkpoint } : {}),
      });
    }
  };
  if (register.isSuccess) {
    return (
      <div id="register-run-model" className="alert alert-success inline-panel" role="status">
        Registered <Link to={`/models/${register.data.id}`}>{register.data.name}</Link> (model #{register.data.id}).{' '}
        <button type="button" className="button-quiet" onClick={onClose}>Close</button>
      </div>
    );
  }
  return (
    <form id="register-run-model" className="inline-panel" onSubmit={onSubmit} aria-label="Register the run's model">
      <p className="hint">
        Registers {checkpoint != null ? `checkpoint ${artifact.name || basename(artifact.path)} (a copy of its weights)` : "this run's final model"}{' '}
        in {run.workspace}, so that new runs can use it as a student or teacher.
      </p>
      {placed.hasUnplaced && <ErrorAlert error={register.error} title="The model was not registered" />}
      <div className="inline-form with-labels">
        <FormField id="register-model-name" label="Model name" errors={nameErrors}>
          {(control) => (
            <input {...control} ref={input} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required
              autoComplete="off" />
          )}
        </FormField>
        <button type="submit" className="button-primary" disabled={register.isPending || !name.trim()}>
          {register.isPending ? 'Registering…' : 'Register'}
        </button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}

function artifactKind(artifact: Artifact): string {
  return artifact.kind || '—';
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
