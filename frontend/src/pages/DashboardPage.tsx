// The start page: what is running or waiting in the current workspace, the workers that run it
// (with stale ones marked), and the latest finished runs with their final losses.

import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useRuns } from '../features/runs/api/queries';
import { useWorkers } from '../features/workers/api/queries';
import type { Run, Worker, Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatAgo, formatDateTime, formatMetricValue } from '../lib/format';
import { recentFinished } from '../lib/runStatus';
import { canWrite } from '../lib/workspace';
import { formatGpu, heartbeatAge, sortWorkers, workerState } from '../lib/workers';

const RECENT = 10;

export function DashboardPage() {
  useDocumentTitle('Dashboard');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <Dashboard key={current.slug} workspace={current} />;
}

function Dashboard({ workspace }: { workspace: Workspace }) {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p className="muted page-subtitle">{workspace.name}</p>
        </div>
        {canWrite(workspace) && <Link to="/runs/new" className="button button-primary">New run</Link>}
      </div>
      <ActiveRuns workspace={workspace} />
      <Workers />
      <RecentRuns workspace={workspace} />
    </>
  );
}

function ActiveRuns({ workspace }: { workspace: Workspace }) {
  const runs = useRuns({ workspace: workspace.slug, status: 'running,queued', page_size: '100' }, { pollMs: 5000 });
  const list = [...(runs.data?.results ?? [])].sort((a, b) => statusRank(a) - statusRank(b));
  return (
    <section className="run-section" aria-labelledby="active-heading" data-testid="dashboard-active">
      <h2 id="active-heading">Running and queued{runs.data ? ` (${runs.data.count})` : ''}</h2>
      {runs.isPending && <p role="status">Loading runs…</p>}
      {runs.isError && <ErrorAlert error={runs.error} title="Cannot load the active runs" />}
      {runs.data && list.length === 0 && <p className="muted">Nothing is running or queued in {workspace.name}.</p>}
      {list.length > 0 && (
        <ul className="active-runs">
          {list.map((run) => (
            <li key={run.id} className="active-run" data-testid="active-run" data-run-id={run.id}>
              <div className="active-run-title">
                <Link to={`/runs/${run.id}`}>{run.name || `Run ${run.id}`}</Link>
                <code>{run.method}</code>
                <StatusBadge status={run.status} />
                {run.worker && <span className="muted">on {run.worker}</span>}
              </div>
              <ProgressBar progress={run.progress} status={run.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function statusRank(run: Run): number {
  return run.status === 'running' ? 0 : 1;
}

/** The current time, ticking every few seconds, so ages and staleness move on their own. */
function useNow(intervalMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const STATE_TEXT = { busy: 'busy', idle: 'idle', stale: 'stale', stopped: 'stopped' } as const;

function Workers() {
  const workers = useWorkers();
  const now = useNow();
  const [showStopped, setShowStopped] = useState(false);
  // Every worker seen in the last week is listed (all=1); stopped ones are history.
  const all = sortWorkers(workers.data ?? []);
  const stopped = all.filter((w) => workerState(w) === 'stopped').length;
  const list = showStopped ? all : all.filter((w) => workerState(w) !== 'stopped');
  return (
    <section className="run-section" aria-labelledby="workers-heading">
      <div className="section-header">
        <h2 id="workers-heading">Workers</h2>
        {stopped > 0 && (
          <label className="checkbox">
            <input type="checkbox" checked={showStopped} onChange={(e) => setShowStopped(e.target.checked)} />
            Show stopped workers ({stopped})
          </label>
        )}
      </div>
      {workers.isPending && <p role="status">Loading workers…</p>}
      {workers.isError && <ErrorAlert error={workers.error} title="Cannot load the workers" />}
      {workers.data && list.length === 0 && (
        <p className="muted">No worker is running: runs will wait in the queue until one starts.</p>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="dashboard-workers">
            <caption className="table-caption">
              A worker is stale when the server has had no heartbeat from it for longer than its heartbeat timeout.
            </caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">State</th>
                <th scope="col">Queues</th>
                <th scope="col">GPUs</th>
                <th scope="col">Current run</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {list.map((worker) => <WorkerRow key={worker.hostname} worker={worker} now={now} />)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function WorkerRow({ worker, now }: { worker: Worker; now: number }) {
  const state = workerState(worker);
  const gpus = Array.isArray(worker.gpus) ? worker.gpus : [];
  return (
    <tr data-testid="worker-row" data-state={state} data-hostname={worker.hostname}>
      <th scope="row"><code>{worker.hostname}</code></th>
      <td><span className={`worker-state worker-${state}`}>{STATE_TEXT[state]}</span></td>
      <td>{worker.queues?.length ? worker.queues.map((q) => <span key={q} className="tag">{q}</span>) : '—'}</td>
      <td>
        {gpus.length === 0 ? 'CPU only' : (
          <ul className="plain-list">{gpus.map((gpu) => <li key={gpu.index}>{formatGpu(gpu)}</li>)}</ul>
        )}
      </td>
      <td>
        {worker.current_run ? <Link to={`/runs/${worker.current_run}`}>#{worker.current_run}</Link>
          : worker.busy ? <span className="muted">a run of another workspace</span> : '—'}
      </td>
      <td>
        {worker.last_heartbeat
          ? <time dateTime={worker.last_heartbeat} title={formatDateTime(worker.last_heartbeat)}>{formatAgo(heartbeatAge(worker, now))}</time>
          : 'never'}
      </td>
    </tr>
  );
}

function RecentRuns({ workspace }: { workspace: Workspace }) {
  // The API orders by creation, not by when runs finished: ask for a page and sort here.
  const runs = useRuns({ workspace: workspace.slug, status: 'succeeded,failed,cancelled', page_size: '50' }, { pollMs: 10_000 });
  const recent = recentFinished(runs.data?.results ?? [], RECENT);
  return (
    <section className="run-section" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recently finished</h2>
      {runs.isPending && <p role="status">Loading runs…</p>}
      {runs.isError && <ErrorAlert error={runs.error} title="Cannot load the finished runs" />}
      {runs.data && recent.length === 0 && <p className="muted">No run has finished in {workspace.name} yet.</p>}
      {recent.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="dashboard-recent">
            <caption className="visually-hidden">The {RECENT} most recently finished runs</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col">Finished</th>
                <th scope="col" className="numeric">eval/loss</th>
                <th scope="col" className="numeric">train/loss</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <th scope="row"><Link to={`/runs/${run.id}`}>{run.name || `Run ${run.id}`}</Link></th>
                  <td><code>{run.method}</code></td>
                  <td><StatusBadge status={run.status} /></td>
                  <td>{run.finished_at ? <time dateTime={run.finished_at}>{formatDateTime(run.finished_at)}</time> : '—'}</td>
                  <td className="numeric">{formatMetricValue(run.summaries?.['eval/loss']?.last)}</td>
                  <td className="numeric">{formatMetricValue(run.summaries?.['train/loss']?.last)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p><Link to="/runs">All runs</Link></p>
    </section>
  );
}
