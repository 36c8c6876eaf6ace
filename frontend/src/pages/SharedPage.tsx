// A share link's public page (/shared/:token): no account needed, so it sits outside the
// sign-in gate and the top bar, and links nowhere that needs one. It shows the link's title and
// workspace, the runs and their metric summaries, one chart per metric from
// GET /shared/{token}/series/, and the config diff. A revoked link answers 404: the page says so.

import { useCallback, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { queryKeys } from '../api/queryKeys';
import { useShared, useSharedSeries } from '../features/sharing/api/queries';
import { getSharedSeries } from '../features/sharing/api/requests';
import type { Run, SharedView } from '../api/types';
import { CompareCharts, type RangeSeriesSource } from '../components/CompareCharts';
import { ConfigDiffTable } from '../components/ConfigDiffTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { SummaryTable } from '../components/SummaryTable';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { metricNamesOf, runColor, seriesByRun } from '../lib/compare';
import { formatDateTime } from '../lib/format';
import { isActiveStatus } from '../lib/runStatus';
import { rowsFromServerDiff } from '../lib/serverDiff';

export function SharedPage() {
  const { token = '' } = useParams();
  const shared = useShared(token);
  useDocumentTitle(shared.data ? shared.data.title || 'Shared runs' : 'Shared runs');
  const revoked = shared.isError && shared.error instanceof ApiError && shared.error.status === 404;
  const state = shared.isPending ? 'loading' : revoked ? 'revoked' : shared.isError ? 'error' : 'ready';
  return (
    <>
      <header className="topbar shared-topbar">
        <span className="topbar-brand">Distillery</span>
        <span className="muted">Shared, read-only view</span>
      </header>
      <main id="main" className="page" data-testid="shared-page" data-state={state}>
        {shared.isPending && <p role="status">Loading the shared runs…</p>}
        {revoked && (
          <div className="empty" role="alert">
            <h1>This link no longer works</h1>
            <p>The share link was revoked by someone in its workspace, or it never existed. Ask whoever sent it for a new one.</p>
          </div>
        )}
        {shared.isError && !revoked && (
          <>
            <h1>Shared runs</h1>
            <ErrorAlert error={shared.error} title="Cannot load the shared runs" />
            <button type="button" onClick={() => void shared.refetch()}>Try again</button>
          </>
        )}
        {shared.data && <SharedView token={token} view={shared.data} />}
      </main>
    </>
  );
}

const label = (run: Run) => `${run.name || `Run ${run.id}`} (#${run.id})`;

function SharedView({ token, view }: { token: string; view: SharedView }) {
  const runs = view.runs;
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  const idsKey = runIds.join(',');
  const colorOf = useCallback((id: number) => runColor(idsKey.split(',').indexOf(String(id))), [idsKey]);
  const metrics = useMemo(() => metricNamesOf(runs), [runs]);
  const live = runs.some((run) => isActiveStatus(run.status));
  const series = useSharedSeries(token, metrics, live);
  const byRun = useMemo(() => seriesByRun(series.data?.series ?? []), [series.data]);
  const rangeSource = useMemo<RangeSeriesSource>(() => ({
    key: queryKeys.sharedZoomSource(token),
    fetch: (names, range, signal) => getSharedSeries(token, names, 1000, signal, range),
  }), [token]);
  // The link names its runs' models and datasets: a visitor without an account cannot look them up.
  const rows = useMemo(() => rowsFromServerDiff(view.config, runIds, (path, id) => {
    const name = (path === 'student' || path === 'teacher' ? view.inputs.models : view.inputs.datasets)[String(id)];
    return name ? `${name} (#${id})` : undefined;
  }), [view.config, view.inputs, runIds]);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{view.title || `${runs.length} shared ${runs.length === 1 ? 'run' : 'runs'}`}</h1>
          <p className="muted page-subtitle">
            From the workspace <strong data-testid="shared-workspace">{view.workspace}</strong>, shared{' '}
            <time dateTime={view.created_at}>{formatDateTime(view.created_at)}</time>.{' '}
            Members can <Link to="/login">sign in</Link> for more.
          </p>
        </div>
      </div>
      <section className="run-section" aria-labelledby="shared-runs-heading">
        <h2 id="shared-runs-heading">Runs</h2>
        <div className="table-wrap">
          <table className="table" data-testid="shared-runs">
            <caption className="visually-hidden">The shared runs</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <th scope="row">
                    <span className="swatch" style={{ background: colorOf(run.id) }} aria-hidden="true" />
                    {label(run)}
                  </th>
                  <td><code>{run.method}</code></td>
                  <td><StatusBadge status={run.status} /></td>
                  <td className="cell-progress"><ProgressBar progress={run.progress} status={run.status} /></td>
                  <td>{formatDateTime(run.created_at)}</td>
                  <td>{formatDateTime(run.finished_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <CompareCharts runs={runs} metrics={metrics} seriesByRun={byRun} colorOf={colorOf} label={label} rangeSource={rangeSource}
        loading={series.isPending && series.fetchStatus !== 'idle'} error={series.error} />
      <ConfigDiffTable rows={rows} columns={runs.map((run) => ({ id: run.id, label: label(run), color: colorOf(run.id) }))} />
      <SummaryTable runs={runs} metrics={metrics} fileName={`shared-runs-${runIds.join('-')}.csv`} />
    </>
  );
}
