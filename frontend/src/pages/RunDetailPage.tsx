// One run: its state and progress, a cancel button while it is queued or running, retry / resume
// / clone and a star, live charts grouped by metric prefix, the live log tail, its artifacts, its
// notes and tags (editable) and its configuration. The sections are in features/runs/detail/.

import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useMethods } from '../features/methods/api/queries';
import { useRun } from '../features/runs/api/queries';
import { useCancelRun } from '../features/runs/api/mutations';
import { ArtifactsList } from '../features/runs/detail/ArtifactsList';
import { MetricsSection } from '../features/runs/detail/MetricsSection';
import { RunActions } from '../features/runs/detail/RunActions';
import { RunInputs } from '../features/runs/detail/RunInputs';
import { ReadOnlyNotes, RunNotes } from '../features/runs/detail/RunNotes';
import type { Run } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { AlignmentPanel } from '../components/AlignmentPanel';
import { CalibrationPanel } from '../components/CalibrationPanel';
import { ContinualMatrixPanel } from '../components/ContinualMatrixPanel';
import { ErrorAlert } from '../components/ErrorAlert';
import { LogTail } from '../components/LogTail';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { TeacherGapPanel } from '../components/TeacherGapPanel';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useRunLive, type StreamState } from '../hooks/useRunLive';
import { formatDateTime, formatMetricValue } from '../lib/format';
import { runPanels } from '../lib/methodPanels';
import { isActiveStatus, runMetricNames } from '../lib/runStatus';
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
