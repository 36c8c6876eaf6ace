// Several runs side by side (/compare?runs=1,2,3): one chart per metric with a line per run, the
// differences between their configs, and a last/min/max table that can be saved as CSV. The runs
// and their config diff come from GET /compare/ and every series from one GET /series/.
//
// `?group=PATH` groups the runs by a config value: each group is drawn as the mean of its runs
// with their min..max as a band. "Share" makes a read-only link to the compared runs.

import { useCallback, useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { queryKeys } from '../api/queryKeys';
import { useDatasets } from '../features/datasets/api/queries';
import { useModels } from '../features/models/api/queries';
import { useCompare, useEachRun, useRunsSeries } from '../features/runs/api/queries';
import { getRunsSeries } from '../features/runs/api/requests';
import { useCreateShareLink } from '../features/sharing/api/mutations';
import type { CompareResponse, Run } from '../api/types';
import { CompareCharts, type RangeSeriesSource } from '../components/CompareCharts';
import { ConfigDiffTable } from '../components/ConfigDiffTable';
import { CopyField } from '../components/CopyField';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusBadge } from '../components/StatusBadge';
import { SummaryTable } from '../components/SummaryTable';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { absoluteUrl, MAX_COMPARED_RUNS, metricNamesOf, parseRunIds, runColor, seriesByRun, shareTitle } from '../lib/compare';
import { groupRunsBy } from '../lib/groupBy';
import { isActiveStatus } from '../lib/runStatus';
import { displayPath, groupablePaths, rowsFromServerDiff, serverValue } from '../lib/serverDiff';
import { canWrite } from '../lib/workspace';
import { useWorkspace } from '../app/workspace';

export function ComparePage() {
  useDocumentTitle('Compare runs');
  const [searchParams, setSearchParams] = useSearchParams();
  const ids = parseRunIds(searchParams.get('runs')).slice(0, MAX_COMPARED_RUNS);
  const compare = useCompare(ids);

  const remove = (id: number) => {
    const next = new URLSearchParams(searchParams);
    const rest = ids.filter((x) => x !== id);
    if (rest.length) next.set('runs', rest.join(','));
    else next.delete('runs');
    setSearchParams(next);
  };

  if (ids.length === 0) {
    return (
      <div className="empty">
        <h1>Compare runs</h1>
        <p>No runs to compare. Tick two or more runs on the <Link to="/runs">runs page</Link> and press Compare.</p>
      </div>
    );
  }

  // The server answers 404 for the whole comparison when any run is missing without saying
  // which: then each run is looked up to name the ones to leave out.
  const missing = compare.isError && compare.error instanceof ApiError && compare.error.status === 404;
  return (
    <>
      <p className="breadcrumb"><Link to="/runs">Runs</Link> <span aria-hidden="true">/</span> compare</p>
      <div className="page-header">
        <h1>Compare {ids.length} {ids.length === 1 ? 'run' : 'runs'}</h1>
        {compare.data && <ShareButton runs={compare.data.runs} />}
      </div>
      {missing && <MissingRuns ids={ids} onRemove={remove} />}
      {compare.isError && !missing && <ErrorAlert error={compare.error} title="Cannot compare these runs" />}
      {compare.isPending && <p role="status">Loading runs…</p>}
      {compare.data && !compare.isError && <CompareView data={compare.data} onRemove={remove} />}
    </>
  );
}

function MissingRuns({ ids, onRemove }: { ids: number[]; onRemove: (id: number) => void }) {
  const results = useEachRun(ids);
  const failed = results.flatMap((q, i) => (q.isError ? [{ id: ids[i]!, error: q.error }] : []));
  if (results.some((q) => q.isPending)) return <p role="status">Looking for the runs that cannot be compared…</p>;
  if (failed.length === 0) {
    return <p role="alert" className="alert alert-error">Some of these runs cannot be compared. Reload the page to try again.</p>;
  }
  return (
    <>
      {failed.map(({ id, error }) => (
        <div key={id} role="alert" className="alert alert-error">
          <strong>Run #{id}: </strong>
          {error instanceof ApiError && error.status === 404 ? 'not found, or in a workspace you are not a member of.' : String((error as Error).message)}{' '}
          <button type="button" className="button-quiet" onClick={() => onRemove(id)}>Leave it out</button>
        </div>
      ))}
    </>
  );
}

const label = (run: Run) => `${run.name || `Run ${run.id}`} (#${run.id})`;

function CompareView({ data, onRemove }: { data: CompareResponse; onRemove: (id: number) => void }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const runs = data.runs;
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  // Colours follow the position in the comparison, so a run keeps its colour while others load.
  const idsKey = runIds.join(',');
  const colorOf = useCallback((id: number) => runColor(idsKey.split(',').indexOf(String(id))), [idsKey]);
  const metrics = useMemo(() => metricNamesOf(runs), [runs]);
  const live = runs.some((run) => isActiveStatus(run.status));
  const series = useRunsSeries(runIds, metrics, live);
  const byRun = useMemo(() => seriesByRun(series.data?.series ?? []), [series.data]);
  const rangeSource = useMemo<RangeSeriesSource>(() => ({
    key: queryKeys.compareZoomSource(idsKey),
    fetch: (names, range, signal) => getRunsSeries(runIds, names, 1000, signal, range),
  }), [idsKey, runIds]);

  // Model and dataset names read better than ids; they come from the first run's workspace.
  const workspace = runs[0]?.workspace;
  const models = useModels(workspace);
  const datasets = useDatasets(workspace);
  const rows = useMemo(() => rowsFromServerDiff(data.config, runIds, (path, id) => {
    const list = path === 'student' || path === 'teacher' ? models.data : datasets.data;
    const name = list?.find((x) => x.id === id)?.name;
    return name ? `${name} (#${id})` : undefined;
  }), [data.config, runIds, models.data, datasets.data]);

  // Config paths that differ, and the runs' tags (a group per set of tags, e.g. the seeds of one
  // variant tagged alike).
  const paths = useMemo(
    () => [...groupablePaths(data.config), ...(runs.some((run) => (run.tags ?? []).length > 0) ? [TAGS_GROUP] : [])],
    [data.config, runs],
  );
  const groupPath = searchParams.get('group') ?? '';
  const groups = useMemo(() => {
    if (!groupPath) return null;
    if (groupPath === TAGS_GROUP) {
      const tagsOf = new Map(runs.map((run) => [run.id, [...(run.tags ?? [])].sort().join(', ')]));
      return groupRunsBy(runIds, (id) => tagsOf.get(id) || undefined);
    }
    return groupRunsBy(runIds, (id) => serverValue(data.config, groupPath, id));
  }, [groupPath, runIds, data.config, runs]);
  const setGroup = (path: string) => {
    const next = new URLSearchParams(searchParams);
    if (path) next.set('group', path);
    else next.delete('group');
    setSearchParams(next, { replace: true });
  };

  return (
    <>
      <section className="run-section" aria-labelledby="compared-heading">
        <h2 id="compared-heading">Runs</h2>
        <ul className="compared-runs" data-testid="compare-runs">
          {runs.map((run) => (
            <li key={run.id} data-run-id={run.id}>
              <span className="swatch" style={{ background: colorOf(run.id) }} aria-hidden="true" />
              <Link to={`/runs/${run.id}`}>{label(run)}</Link> <code>{run.method}</code> <StatusBadge status={run.status} />
              {runs.length > 1 && (
                <button type="button" className="button-small" onClick={() => onRemove(run.id)} aria-label={`Leave ${label(run)} out`}>
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
        {runs.length < 2 && <p className="muted">Add another run from the <Link to="/runs">runs page</Link> to compare.</p>}
        <GroupPicker paths={paths} value={groupPath} onChange={setGroup} />
        {groups && (
          <GroupsTable groups={groups} path={groupPath} runs={runs}>
            {paths.includes(groupPath) ? null : <p className="alert alert-info">None of these runs has <code>{groupPath}</code>: they form one group.</p>}
          </GroupsTable>
        )}
      </section>
      <CompareCharts runs={runs} metrics={metrics} seriesByRun={byRun} colorOf={colorOf} label={label} rangeSource={rangeSource}
        groups={groups} groupPath={groupPath ? displayPath(groupPath) : undefined}
        loading={series.isPending && series.fetchStatus !== 'idle'} error={series.error} />
      <ConfigDiffTable rows={rows} columns={runs.map((run) => ({ id: run.id, label: label(run), color: colorOf(run.id) }))} />
      <SummaryTable runs={runs} metrics={metrics} fileName={`compare-runs-${runIds.join('-')}.csv`} />
    </>
  );
}

/** The group-by choice that groups runs by their tags rather than by a config path. */
const TAGS_GROUP = 'tags';

function GroupPicker({ paths, value, onChange }: { paths: string[]; value: string; onChange: (path: string) => void }) {
  const options = value && !paths.includes(value) ? [value, ...paths] : paths;
  return (
    <div className="field field-inline group-picker">
      <label htmlFor="compare-group-by">Group by</label>
      <select id="compare-group-by" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby="compare-group-by-hint">
        <option value="">No grouping: a line per run</option>
        {options.map((path) => (
          <option key={path} value={path}>{path === TAGS_GROUP ? 'Tags (runs with the same tags)' : displayPath(path)}</option>
        ))}
      </select>
      <span id="compare-group-by-hint" className="hint">Runs with the same value become one line: their mean, with their min–max shaded.</span>
    </div>
  );
}

function GroupsTable({ groups, path, runs, children }: {
  groups: ReturnType<typeof groupRunsBy>;
  path: string;
  runs: Run[];
  children?: ReactNode;
}) {
  const nameOf = (id: number) => {
    const run = runs.find((r) => r.id === id);
    return run ? label(run) : `#${id}`;
  };
  return (
    <>
      {children}
      <table className="table groups-table" data-testid="compare-groups" data-groups={groups.length}>
        <caption className="visually-hidden">Groups of runs by {displayPath(path)}</caption>
        <thead>
          <tr>
            <th scope="col">{displayPath(path)}</th>
            <th scope="col" className="numeric">Runs</th>
            <th scope="col">Which</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group, index) => (
            <tr key={group.key} data-group={group.label}>
              <th scope="row">
                <span className="swatch" style={{ background: runColor(index) }} aria-hidden="true" />
                <code>{group.label}</code>
              </th>
              <td className="numeric">{group.runIds.length}</td>
              <td>{group.runIds.map(nameOf).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Makes a read-only share link to the compared runs and shows its full address to copy. */
function ShareButton({ runs }: { runs: Run[] }) {
  const { workspaces } = useWorkspace();
  const workspace = runs[0]?.workspace ?? '';
  const member = workspaces.find((w) => w.slug === workspace);
  const share = useCreateShareLink(workspace);
  if (member && !canWrite(member)) return null;
  const sameWorkspace = runs.every((r) => r.workspace === workspace);
  return (
    <div className="share">
      <button type="button" onClick={() => share.mutate({ runs: runs.map((r) => r.id), title: shareTitle(runs) })} disabled={share.isPending || !sameWorkspace || runs.length === 0}
        title={sameWorkspace ? 'Make a read-only link that works without an account' : 'Only runs of one workspace can be shared together'}>
        {share.isPending ? 'Sharing…' : 'Share'}
      </button>
      {share.isError && <ErrorAlert error={share.error} title="No share link was made" />}
      {share.data && (
        <div className="share-panel alert alert-info">
          <CopyField id="share-link-url" label="Share link" value={absoluteUrl(share.data.url, window.location.origin)}
            testId="share-link-url" />
          <p className="hint">
            Anyone with this link sees these runs' metrics and configs, without signing in. Revoke it on the{' '}
            <Link to="/settings">settings page</Link>.
          </p>
        </div>
      )}
    </div>
  );
}
