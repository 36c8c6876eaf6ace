// Runs of the current workspace: a server-paginated table with a status filter, refreshed every
// two seconds while any run on the page is queued or running.

import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useRuns } from '../api/queries';
import { RUN_STATUSES, type RunListParams } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatDateTime, formatMetricValue } from '../lib/format';
import { paramsFromPageLink } from '../lib/navigation';
import { lastMetricValue } from '../lib/runStatus';
import { canWrite } from '../lib/workspace';

export function RunsPage() {
  useDocumentTitle('Runs');
  const { current } = useWorkspace();
  const [searchParams, setSearchParams] = useSearchParams();
  const status = searchParams.get('status') ?? '';

  // The page's query string carries the API's list parameters (status, page...) except the
  // workspace, so a filtered page can be bookmarked and the back button works.
  const params = useMemo<RunListParams | null>(() => {
    if (!current) return null;
    return { ...Object.fromEntries(searchParams), workspace: current.slug };
  }, [current, searchParams]);
  const runs = useRuns(params);

  if (!current) return <NoWorkspace />;

  const goTo = (link: string | null) => {
    if (link) setSearchParams(paramsFromPageLink(link));
  };
  const onStatusChange = (value: string) => setSearchParams(value ? { status: value } : {});

  return (
    <>
      <div className="page-header">
        <h1>Runs</h1>
        {canWrite(current) && (
          <Link to="/runs/new" className="button button-primary">New run</Link>
        )}
      </div>
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor="runs-status-filter">Status</label>
          <select id="runs-status-filter" value={status} onChange={(event) => onStatusChange(event.target.value)}>
            <option value="">All</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </div>
        {runs.data && (
          <span className="muted" role="status">
            {runs.data.count} {runs.data.count === 1 ? 'run' : 'runs'}
            {runs.isFetching && ' · refreshing'}
          </span>
        )}
      </div>
      {runs.isError && <ErrorAlert error={runs.error} title="Cannot load the runs" />}
      {runs.isPending && <p role="status">Loading runs…</p>}
      {runs.data && runs.data.results.length === 0 && (
        <div className="empty">
          <p>
            {status ? `No ${status} runs in ${current.name}.` : `No runs in ${current.name} yet.`}{' '}
            {canWrite(current) && <Link to="/runs/new">Launch one</Link>}
          </p>
        </div>
      )}
      {runs.data && runs.data.results.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="runs-table">
            <caption className="visually-hidden">Runs in {current.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                <th scope="col" className="numeric">train/loss</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.results.map((run) => (
                <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
                  <th scope="row">
                    <Link to={`/runs/${run.id}`}>{run.name || `Run ${run.id}`}</Link>
                  </th>
                  <td><code>{run.method}</code></td>
                  <td><StatusBadge status={run.status} /></td>
                  <td className="cell-progress"><ProgressBar progress={run.progress} status={run.status} /></td>
                  <td>
                    <time dateTime={run.created_at}>{formatDateTime(run.created_at)}</time>
                  </td>
                  <td className="numeric">{formatMetricValue(lastMetricValue(run, 'train/loss'))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.data && (runs.data.next || runs.data.previous) && (
        <nav className="pagination" aria-label="Pages of runs">
          <button type="button" onClick={() => goTo(runs.data.previous)} disabled={!runs.data.previous}>
            Previous
          </button>
          <button type="button" onClick={() => goTo(runs.data.next)} disabled={!runs.data.next}>
            Next
          </button>
        </nav>
      )}
    </>
  );
}
