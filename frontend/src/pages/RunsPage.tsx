// Runs of the current workspace: a server-paginated table with a status filter, refreshed every
// two seconds while any run on the page is queued or running. Extra columns (metric summaries,
// config fields) are chosen per workspace and remembered; runs ticked in the first column can be
// compared side by side. The workspace's run templates are listed above, each launchable.

import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useRuns } from '../api/queries';
import { RUN_STATUSES, type Run, type RunListParams, type Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ColumnPicker } from '../components/ColumnPicker';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { TemplatesList } from '../components/TemplatesList';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useRunColumns } from '../hooks/useRunColumns';
import { availableColumns, columnKey, columnLabel, columnValue, type RunColumn } from '../lib/columns';
import { compareUrl, MAX_COMPARED_RUNS } from '../lib/compare';
import { formatDateTime, formatMetricValue } from '../lib/format';
import { paramsFromPageLink } from '../lib/navigation';
import { canWrite } from '../lib/workspace';

export function RunsPage() {
  useDocumentTitle('Runs');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <RunsView key={current.slug} current={current} />;
}

function RunsView({ current }: { current: Workspace }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const status = searchParams.get('status') ?? '';
  const [columns, setColumns] = useRunColumns(current.slug);
  const [selected, setSelected] = useState<number[]>([]);

  // The page's query string carries the API's list parameters (status, page...) except the
  // workspace, so a filtered page can be bookmarked and the back button works.
  const params = useMemo<RunListParams>(
    () => ({ ...Object.fromEntries(searchParams), workspace: current.slug }),
    [current, searchParams],
  );
  const runs = useRuns(params);
  const available = useMemo(() => availableColumns(runs.data?.results ?? []), [runs.data]);

  const goTo = (link: string | null) => {
    if (link) setSearchParams(paramsFromPageLink(link));
  };
  const onStatusChange = (value: string) => setSearchParams(value ? { status: value } : {});
  const toggle = (id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const pageIds = runs.data?.results.map((r) => r.id) ?? [];
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.includes(id));
  const toggleAll = () =>
    setSelected((s) => (allOnPage ? s.filter((id) => !pageIds.includes(id)) : [...s, ...pageIds.filter((id) => !s.includes(id))]));
  const tooMany = selected.length > MAX_COMPARED_RUNS;

  return (
    <>
      <div className="page-header">
        <h1>Runs</h1>
        {canWrite(current) && (
          <Link to="/runs/new" className="button button-primary">New run</Link>
        )}
      </div>
      <TemplatesList workspace={current} />
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
        <ColumnPicker columns={columns} onChange={setColumns} metrics={available.metrics} configPaths={available.configPaths} />
        {runs.data && (
          <span className="muted" role="status">
            {runs.data.count} {runs.data.count === 1 ? 'run' : 'runs'}
            {runs.isFetching && ' · refreshing'}
          </span>
        )}
        <div className="toolbar-end" data-testid="runs-selection">
          <span className="muted" aria-live="polite">
            {selected.length > 0 && `${selected.length} selected`}
            {tooMany && ` (compare at most ${MAX_COMPARED_RUNS})`}
          </span>
          {selected.length > 0 && <button type="button" className="button-quiet" onClick={() => setSelected([])}>Clear selection</button>}
          <button type="button" className="button-primary" disabled={selected.length < 2 || tooMany}
            onClick={() => void navigate(compareUrl(selected))}
            title={selected.length < 2 ? 'Tick two or more runs to compare them' : undefined}>
            Compare
          </button>
        </div>
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
                <th scope="col" className="cell-select">
                  <input type="checkbox" aria-label="Select every run on this page" checked={allOnPage} onChange={toggleAll} />
                </th>
                <th scope="col">Name</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                {columns.map((column) => (
                  <th key={columnKey(column)} scope="col" className={column.kind === 'metric' ? 'numeric' : undefined}
                    data-column={columnKey(column)}>
                    {columnLabel(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.data.results.map((run) => (
                <RunRow key={run.id} run={run} columns={columns} selected={selected.includes(run.id)} onToggle={() => toggle(run.id)} />
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

function RunRow({ run, columns, selected, onToggle }: { run: Run; columns: RunColumn[]; selected: boolean; onToggle: () => void }) {
  const name = run.name || `Run ${run.id}`;
  return (
    <tr data-testid="run-row" data-run-id={run.id} className={selected ? 'selected' : undefined}>
      <td className="cell-select">
        <input type="checkbox" aria-label={`Select ${name} for comparison`} checked={selected} onChange={onToggle} />
      </td>
      <th scope="row">
        <Link to={`/runs/${run.id}`}>{name}</Link>
      </th>
      <td><code>{run.method}</code></td>
      <td><StatusBadge status={run.status} /></td>
      <td className="cell-progress"><ProgressBar progress={run.progress} status={run.status} /></td>
      <td>
        <time dateTime={run.created_at}>{formatDateTime(run.created_at)}</time>
      </td>
      {columns.map((column) => (
        <td key={columnKey(column)} className={column.kind === 'metric' ? 'numeric' : 'cell-config'}>
          {formatCell(columnValue(run, column), column)}
        </td>
      ))}
    </tr>
  );
}

function formatCell(value: unknown, column: RunColumn): string {
  if (column.kind === 'metric') return formatMetricValue(value as number | null);
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatMetricValue(value);
  return JSON.stringify(value);
}
