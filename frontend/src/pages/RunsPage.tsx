// Runs of the current workspace: a server-paginated table, refreshed every two seconds while any
// run on the page is queued or running. A filter bar (name, status, method, tag, starred, metric
// summaries) and the sort order live in the page's query string, so a filtered view can be
// bookmarked and shared; column headers sort on the server (created, name, status, and any metric
// summary column). Extra columns (metric summaries, config fields) are chosen per workspace and
// remembered; runs ticked in the first column can be compared side by side. The workspace's run
// templates are listed above, each launchable.

import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useMethods } from '../features/methods/api/queries';
import { useRuns } from '../features/runs/api/queries';
import { RUN_STATUSES, type Run, type Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ColumnPicker } from '../components/ColumnPicker';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { NoWorkspace } from '../components/NoWorkspace';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { SweepsList } from '../components/SweepsList';
import { TemplatesList } from '../components/TemplatesList';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useRunColumns } from '../hooks/useRunColumns';
import { availableColumns, columnKey, columnLabel, columnValue, type RunColumn } from '../lib/columns';
import { compareUrl, MAX_COMPARED_RUNS } from '../lib/compare';
import { formatDateTime, formatMetricValue } from '../lib/format';
import {
  ariaSort, canOrderByMetric, EMPTY_FILTERS, filtersFromSearch, isFiltered, metricFilterText, metricOrderingKey,
  nextOrdering, orderingParam, parseMetricFilterText, parseOrdering, runListParams, searchFromFilters, updateFilters,
  type Ordering, type RunFilters,
} from '../lib/runFilters';
import { canWrite } from '../lib/workspace';

/** How long typing in the name or tag box waits before the list follows. */
const TYPING_DELAY_MS = 350;

export function RunsPage() {
  useDocumentTitle('Runs');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <RunsView key={current.slug} current={current} />;
}

function RunsView({ current }: { current: Workspace }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = useMemo(() => filtersFromSearch(searchParams), [searchParams]);
  const [columns, setColumns] = useRunColumns(current.slug);
  const [selected, setSelected] = useState<number[]>([]);

  // The page's query string carries the API's list parameters (filters, ordering, page) except
  // the workspace, so a filtered page can be bookmarked and the back button works.
  const params = useMemo(() => runListParams(filters, current.slug), [filters, current]);
  const runs = useRuns(params);
  const available = useMemo(() => availableColumns(runs.data?.results ?? []), [runs.data]);
  const setFilters = (change: Partial<RunFilters>) => setSearchParams(searchFromFilters(updateFilters(filters, change)));
  const ordering = parseOrdering(filters.ordering);
  const onSort = (key: string) => setFilters({ ordering: orderingParam(nextOrdering(ordering, key)) });

  const goTo = (link: string | null) => {
    if (!link) return;
    // The server's page links repeat every filter; only the page number is new.
    const page = new URL(link, window.location.origin).searchParams.get('page') ?? '';
    setFilters({ page: page === '1' ? '' : page });
  };
  const toggle = (id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const pageIds = runs.data?.results.map((r) => r.id) ?? [];
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.includes(id));
  const toggleAll = () =>
    setSelected((s) => (allOnPage ? s.filter((id) => !pageIds.includes(id)) : [...s, ...pageIds.filter((id) => !s.includes(id))]));
  const tooMany = selected.length > MAX_COMPARED_RUNS;

  // A 400 names the parameter it refused: the metric filter's message sits under that box, the
  // others (ordering, dates, config filters from a hand-edited URL) above the table.
  const invalid = runs.error instanceof ApiError && runs.error.status === 400 ? runs.error : null;
  const metricErrors = invalid ? fieldMessages(invalid.errors, 'metric') : [];
  const otherError = runs.isError && metricErrors.length === 0;
  const filtered = isFiltered(filters);
  const onlyStatus = filtered && !isFiltered({ ...filters, status: '' });

  return (
    <>
      <div className="page-header">
        <h1>Runs</h1>
        {canWrite(current) && (
          <Link to="/runs/new" className="button button-primary">New run</Link>
        )}
      </div>
      <TemplatesList workspace={current} />
      <SweepsList workspace={current} />
      <FilterBar filters={filters} onChange={setFilters} metricErrors={metricErrors}
        onClear={() => setSearchParams(searchFromFilters({ ...EMPTY_FILTERS, ordering: filters.ordering }))} />
      <div className="toolbar">
        <ColumnPicker columns={columns} onChange={setColumns} metrics={available.metrics} configPaths={available.configPaths} />
        {runs.data && !runs.isError && (
          <span className="muted" role="status">
            {runs.data.count} {runs.data.count === 1 ? 'run' : 'runs'}
            {filtered && ' match'}
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
      {otherError && <ErrorAlert error={runs.error} title="Cannot load the runs" />}
      {runs.isPending && <p role="status">Loading runs…</p>}
      {runs.data && !runs.isError && runs.data.results.length === 0 && (
        <div className="empty">
          <p>
            {!filtered && <>No runs in {current.name} yet. {canWrite(current) && <Link to="/runs/new">Launch one</Link>}</>}
            {onlyStatus && `No ${filters.status} runs in ${current.name}.`}
            {filtered && !onlyStatus && `No runs in ${current.name} match these filters.`}
          </p>
        </div>
      )}
      {runs.data && !runs.isError && runs.data.results.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="runs-table" data-ordering={filters.ordering || '-created_at'}>
            <caption className="visually-hidden">
              Runs in {current.name}; the column headers with buttons sort the list
            </caption>
            <thead>
              <tr>
                <th scope="col" className="cell-select">
                  <input type="checkbox" aria-label="Select every run on this page" checked={allOnPage} onChange={toggleAll} />
                </th>
                <SortHeader sortKey="name" ordering={ordering} onSort={onSort}>Name</SortHeader>
                <th scope="col">Method</th>
                <SortHeader sortKey="status" ordering={ordering} onSort={onSort}>Status</SortHeader>
                <th scope="col">Progress</th>
                <SortHeader sortKey="created_at" ordering={ordering} onSort={onSort}>Created</SortHeader>
                {columns.map((column) => column.kind === 'metric' && canOrderByMetric(column.name) ? (
                  <SortHeader key={columnKey(column)} sortKey={metricOrderingKey(column.name, column.stat)} ordering={ordering}
                    onSort={onSort} className="numeric" dataColumn={columnKey(column)}>
                    {columnLabel(column)}
                  </SortHeader>
                ) : (
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
      {runs.data && !runs.isError && (runs.data.next || runs.data.previous) && (
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

function fieldMessages(errors: Record<string, string[] | string> | undefined, field: string): string[] {
  return Object.entries(errors ?? {})
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]));
}

/**
 * A text box bound to a filter in the URL: typing updates it after a pause (or at once with
 * `flush`), and a change of the URL itself (back button, a shared link) refills it.
 */
function useUrlText(urlValue: string, commit: (value: string) => void, delayMs: number | null) {
  const [text, setText] = useState(urlValue);
  const [seen, setSeen] = useState(urlValue);
  if (urlValue !== seen) {
    setSeen(urlValue);
    // What the URL got from this box is the trimmed text: keep what is typed (a trailing space).
    if (urlValue !== text.trim()) setText(urlValue);
  }
  const latest = useRef(commit);
  latest.current = commit;
  useEffect(() => {
    if (delayMs === null || text.trim() === urlValue) return;
    const timer = window.setTimeout(() => latest.current(text.trim()), delayMs);
    return () => window.clearTimeout(timer);
  }, [text, urlValue, delayMs]);
  return [text, setText] as const;
}

function FilterBar({ filters, onChange, onClear, metricErrors }: {
  filters: RunFilters;
  onChange: (change: Partial<RunFilters>) => void;
  onClear: () => void;
  metricErrors: string[];
}) {
  const methods = useMethods();
  const [q, setQ] = useUrlText(filters.q, (value) => onChange({ q: value }), TYPING_DELAY_MS);
  const [tag, setTag] = useUrlText(filters.tag, (value) => onChange({ tag: value }), TYPING_DELAY_MS);
  // A metric filter is applied on Enter or on leaving the box: half-typed, it is not one yet.
  const currentMetricText = metricFilterText(filters.metric);
  const [metric, setMetric] = useUrlText(currentMetricText, () => undefined, null);
  const applyMetric = () => {
    const next = parseMetricFilterText(metric);
    if (metricFilterText(next) !== currentMetricText) onChange({ metric: next });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const change: Partial<RunFilters> = {};
    if (q.trim() !== filters.q) change.q = q.trim();
    if (tag.trim() !== filters.tag) change.tag = tag.trim();
    const next = parseMetricFilterText(metric);
    if (metricFilterText(next) !== currentMetricText) change.metric = next;
    if (Object.keys(change).length > 0) onChange(change);
  };
  const methodNames = [...new Set([...(methods.data ?? []).map((m) => m.name), ...(filters.method ? [filters.method] : [])])].sort();
  return (
    <form role="search" aria-label="Filter runs" className="filter-bar" onSubmit={onSubmit} data-testid="runs-filters">
      <div className="field">
        <label htmlFor="runs-search">Search runs</label>
        <input id="runs-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name contains…"
          autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor="runs-status-filter">Status</label>
        <select id="runs-status-filter" value={filters.status} onChange={(event) => onChange({ status: event.target.value })}>
          <option value="">All</option>
          {filters.status && !(RUN_STATUSES as readonly string[]).includes(filters.status) && (
            <option value={filters.status}>{filters.status}</option>
          )}
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="runs-method-filter">Method</label>
        <select id="runs-method-filter" value={filters.method} onChange={(event) => onChange({ method: event.target.value })}>
          <option value="">All</option>
          {methodNames.map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="runs-tag-filter">Tag</label>
        <input id="runs-tag-filter" value={tag} onChange={(e) => setTag(e.target.value)} autoComplete="off" size={12} />
      </div>
      <FormField id="runs-metric-filter" label="Metric filter" errors={metricErrors}
        hint={<>e.g. <code>eval/loss.min&lt;2.1</code>; join several with <code>;</code></>}>
        {(control) => (
          <input {...control} value={metric} onChange={(e) => setMetric(e.target.value)} onBlur={applyMetric}
            className="input-mono" autoComplete="off" spellCheck={false} placeholder="NAME.STAT<VALUE" />
        )}
      </FormField>
      <label className="checkbox filter-starred">
        <input type="checkbox" checked={filters.starred} onChange={(e) => onChange({ starred: e.target.checked })} />
        Starred only
      </label>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        {isFiltered(filters) && <button type="button" className="button-quiet" onClick={onClear}>Clear filters</button>}
      </div>
      {filters.config.length > 0 && (
        <p className="hint filter-config">
          Config filters from the link: {filters.config.map((c) => <code key={c}>{c}</code>)}
          {' '}<button type="button" className="button-small" onClick={() => onChange({ config: [] })}>Remove</button>
        </p>
      )}
    </form>
  );
}

function SortHeader({ sortKey, ordering, onSort, children, className, dataColumn }: {
  sortKey: string;
  ordering: Ordering;
  onSort: (key: string) => void;
  children: ReactNode;
  className?: string;
  dataColumn?: string;
}) {
  const sort = ariaSort(ordering, sortKey);
  return (
    <th scope="col" className={className} aria-sort={sort} data-column={dataColumn}>
      <button type="button" className="sort-button" data-sort={sort} onClick={() => onSort(sortKey)}>
        {children}
      </button>
    </th>
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
        {run.starred && <span className="star-mark" role="img" aria-label="starred" title="Starred">★</span>}
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
