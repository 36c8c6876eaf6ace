// Several runs side by side (/compare?runs=1,2,3): one chart per metric with a line per run, the
// differences between their configs, and a last/min/max table that can be saved as CSV.

import { useQueries, type UseQueryResult } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import * as api from '../api/endpoints';
import { queryKeys, useDatasets, useModels } from '../api/queries';
import type { MetricSeriesResponse, Run } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OverlayChart, type OverlayLine } from '../components/OverlayChart';
import { StatusBadge } from '../components/StatusBadge';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import {
  comparableRun, MAX_COMPARED_RUNS, metricNamesOf, parseRunIds, runColor, summaryCsv, summaryRows,
} from '../lib/compare';
import { downloadText } from '../lib/csv';
import { diffConfigs, formatDiffValue, MISSING, onlyDifferences } from '../lib/diff';
import { formatMetricValue } from '../lib/format';
import { groupMetricNames } from '../lib/metricGroups';
import { isActiveStatus } from '../lib/runStatus';
import { EMPTY_SERIES, seriesFromFetched, type Series } from '../lib/series';

const MAX_POINTS = 1000;

export function ComparePage() {
  useDocumentTitle('Compare runs');
  const [searchParams, setSearchParams] = useSearchParams();
  const ids = parseRunIds(searchParams.get('runs')).slice(0, MAX_COMPARED_RUNS);

  // `combine` keeps the result stable between renders while no run changed, so the charts below
  // are not fed the same data again on every render.
  const idsKey = ids.join(',');
  const combineRuns = useCallback(
    (results: UseQueryResult<Run>[]) => ({
      runs: results.flatMap((q) => (q.data ? [q.data] : [])),
      loading: results.some((q) => q.isPending),
      failed: results.flatMap((q, i) => (q.isError ? [{ id: Number(idsKey.split(',')[i]), error: q.error }] : [])),
    }),
    [idsKey],
  );
  const { runs, loading, failed } = useQueries({
    queries: ids.map((id) => ({
      queryKey: queryKeys.run(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.getRun(id, signal),
      refetchInterval: (query: { state: { data?: Run } }) => (query.state.data && isActiveStatus(query.state.data.status) ? 5000 : false),
    })),
    combine: combineRuns,
  });

  const remove = (id: number) => {
    const next = ids.filter((x) => x !== id);
    setSearchParams(next.length ? { runs: next.join(',') } : {});
  };

  if (ids.length === 0) {
    return (
      <div className="empty">
        <h1>Compare runs</h1>
        <p>No runs to compare. Tick two or more runs on the <Link to="/runs">runs page</Link> and press Compare.</p>
      </div>
    );
  }

  return (
    <>
      <p className="breadcrumb"><Link to="/runs">Runs</Link> <span aria-hidden="true">/</span> compare</p>
      <div className="page-header">
        <h1>Compare {ids.length} runs</h1>
      </div>
      {failed.map(({ id, error }) => (
        <div key={id} role="alert" className="alert alert-error">
          <strong>Run #{id}: </strong>
          {error instanceof ApiError && error.status === 404 ? 'not found, or in a workspace you are not a member of.' : String((error as Error).message)}{' '}
          <button type="button" className="button-quiet" onClick={() => remove(id)}>Leave it out</button>
        </div>
      ))}
      {loading && <p role="status">Loading runs…</p>}
      {runs.length > 0 && <CompareView runs={runs} ids={ids} onRemove={remove} />}
    </>
  );
}

const label = (run: Run) => `${run.name || `Run ${run.id}`} (#${run.id})`;

function CompareView({ runs, ids, onRemove }: { runs: Run[]; ids: number[]; onRemove: (id: number) => void }) {
  // Colours follow the position in the URL, so a run keeps its colour while others load.
  const idsKey = ids.join(',');
  const colorOf = useCallback((id: number) => runColor(idsKey.split(',').indexOf(String(id))), [idsKey]);
  const metrics = useMemo(() => metricNamesOf(runs), [runs]);

  return (
    <>
      <section className="run-section" aria-labelledby="compared-heading">
        <h2 id="compared-heading">Runs</h2>
        <ul className="compared-runs" data-testid="compare-runs">
          {runs.map((run) => (
            <li key={run.id} data-run-id={run.id}>
              <span className="swatch" style={{ background: colorOf(run.id) }} aria-hidden="true" />
              <Link to={`/runs/${run.id}`}>{label(run)}</Link> <code>{run.method}</code> <StatusBadge status={run.status} />
              {ids.length > 1 && (
                <button type="button" className="button-small" onClick={() => onRemove(run.id)} aria-label={`Leave ${label(run)} out`}>
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
        {runs.length < 2 && <p className="muted">Add another run from the <Link to="/runs">runs page</Link> to compare.</p>}
      </section>
      <OverlayCharts runs={runs} metrics={metrics} colorOf={colorOf} label={label} />
      <ConfigDiff runs={runs} label={label} colorOf={colorOf} />
      <SummaryTable runs={runs} metrics={metrics} ids={ids} />
    </>
  );
}

function OverlayCharts({ runs, metrics, colorOf, label }: {
  runs: Run[]; metrics: string[]; colorOf: (id: number) => string; label: (run: Run) => string;
}) {
  const [logScale, setLogScale] = useState(false);
  const [smoothing, setSmoothing] = useState(0);
  const combineSeries = useCallback((results: UseQueryResult<MetricSeriesResponse>[]) => {
    const map = new Map<number, Record<string, Series>>();
    results.forEach((q, i) => {
      const byName: Record<string, Series> = {};
      for (const s of q.data?.series ?? []) byName[s.name] = seriesFromFetched(s);
      map.set(runs[i]!.id, byName);
    });
    return {
      byRun: map,
      errors: results.flatMap((q, i) => (q.isError ? [{ run: runs[i]!, error: q.error }] : [])),
      loading: results.some((q) => q.isPending && q.fetchStatus !== 'idle'),
    };
  }, [runs]);
  const { byRun, errors, loading } = useQueries({
    queries: runs.map((run) => {
      const names = metricNamesOf([run]);
      return {
        queryKey: [...queryKeys.runSeries(run.id), names.join(',')],
        queryFn: ({ signal }: { signal: AbortSignal }) => api.getMetrics(run.id, names, MAX_POINTS, signal),
        enabled: names.length > 0,
        refetchInterval: isActiveStatus(run.status) ? 5000 : (false as const),
      };
    }),
    combine: combineSeries,
  });
  const groups = groupMetricNames(metrics);
  const linesByMetric = useMemo(() => new Map(metrics.map((metric) => [metric, runs.map<OverlayLine>((run) => ({
    runId: run.id,
    label: label(run),
    color: colorOf(run.id),
    series: byRun.get(run.id)?.[metric] ?? EMPTY_SERIES,
  }))])), [metrics, runs, byRun, label, colorOf]);

  return (
    <section className="run-section" aria-labelledby="compare-charts-heading">
      <div className="section-header">
        <h2 id="compare-charts-heading">Metrics</h2>
        <div className="chart-controls" role="group" aria-label="Chart options">
          <label className="checkbox">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
            Log scale
          </label>
          <div className="field field-inline">
            <label htmlFor="compare-smoothing">Smoothing</label>
            <input id="compare-smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing}
              onChange={(e) => setSmoothing(Number(e.target.value))} aria-valuetext={smoothing.toFixed(2)} />
            <output htmlFor="compare-smoothing">{smoothing.toFixed(2)}</output>
          </div>
        </div>
      </div>
      {errors.map(({ run, error }) => <ErrorAlert key={run.id} error={error} title={`Cannot load the metrics of ${label(run)}`} />)}
      {loading && <p role="status">Loading metrics…</p>}
      {metrics.length === 0 && <p className="muted">None of these runs reported metrics yet.</p>}
      {groups.map((group) => (
        <section key={group.prefix} className="metric-group" aria-labelledby={`compare-${group.prefix}`}>
          <h3 id={`compare-${group.prefix}`}>{group.prefix}</h3>
          <div className="chart-grid">
            {group.names.map((metric) => (
              <OverlayChart
                key={metric}
                metric={metric}
                logScale={logScale}
                smoothing={smoothing}
                lines={linesByMetric.get(metric) ?? []}
              />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}

function ConfigDiff({ runs, label, colorOf }: { runs: Run[]; label: (run: Run) => string; colorOf: (id: number) => string }) {
  const [onlyDiff, setOnlyDiff] = useState(true);
  // Model and dataset names read better than ids; they come from the first run's workspace.
  const workspace = runs[0]?.workspace;
  const models = useModels(workspace);
  const datasets = useDatasets(workspace);
  const rows = useMemo(() => {
    const named = (list: { id: number; name: string }[] | undefined, id: number | null, what: string) =>
      id === null ? null : `${list?.find((x) => x.id === id)?.name ?? what} (#${id})`;
    return diffConfigs(runs.map((run) => comparableRun(run, {
      student: named(models.data, run.student, 'model'),
      teacher: named(models.data, run.teacher, 'model'),
      train_dataset: named(datasets.data, run.train_dataset, 'dataset'),
      validation_dataset: named(datasets.data, run.validation_dataset, 'dataset'),
    })));
  }, [runs, models.data, datasets.data]);
  const shown = onlyDiff ? onlyDifferences(rows) : rows;
  const differing = rows.filter((r) => r.differs).length;

  return (
    <section className="run-section" aria-labelledby="config-diff-heading">
      <div className="section-header">
        <h2 id="config-diff-heading">Config</h2>
        <label className="checkbox">
          <input type="checkbox" data-testid="compare-only-differences" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
          Only differences
        </label>
      </div>
      <p className="muted" role="status">
        {differing === 0 ? 'The runs have the same config and inputs.' : `${differing} of ${rows.length} fields differ.`}
      </p>
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="table table-diff" data-testid="compare-config-diff" data-rows={shown.length}>
            <caption className="visually-hidden">Config of each run{onlyDiff ? ', differences only' : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                {runs.map((run) => (
                  <th key={run.id} scope="col">
                    <span className="swatch" style={{ background: colorOf(run.id) }} aria-hidden="true" />
                    {label(run)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.path} className={row.differs ? 'differs' : undefined} data-path={row.path} data-differs={row.differs}>
                  <th scope="row"><code>{row.path}</code></th>
                  {row.values.map((value, i) => (
                    <td key={runs[i]!.id} className={value === MISSING ? 'missing' : undefined}>
                      {value === MISSING ? <span title="Not set in this run">{formatDiffValue(value)}</span> : <code>{formatDiffValue(value)}</code>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SummaryTable({ runs, metrics, ids }: { runs: Run[]; metrics: string[]; ids: number[] }) {
  const rows = useMemo(() => summaryRows(runs, metrics), [runs, metrics]);
  const onExport = () => downloadText(`compare-runs-${ids.join('-')}.csv`, summaryCsv(rows));
  return (
    <section className="run-section" aria-labelledby="summary-heading">
      <div className="section-header">
        <h2 id="summary-heading">Summary</h2>
        <button type="button" onClick={onExport} disabled={rows.length === 0}>Export CSV</button>
      </div>
      {rows.length === 0 ? <p className="muted">No metrics to summarise.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="compare-summary">
            <caption className="visually-hidden">Last, min and max of each metric for each run</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Run</th>
                <th scope="col" className="numeric">Last</th>
                <th scope="col" className="numeric">at step</th>
                <th scope="col" className="numeric">Min</th>
                <th scope="col" className="numeric">Max</th>
                <th scope="col" className="numeric">Points</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={`${row.metric}-${row.runId}`} className={i > 0 && rows[i - 1]!.metric !== row.metric ? 'group-start' : undefined}
                  data-metric={row.metric} data-run-id={row.runId}>
                  <th scope="row"><code>{row.metric}</code></th>
                  <td>{row.runName} <span className="muted">#{row.runId}</span></td>
                  <td className="numeric">{formatMetricValue(row.last)}</td>
                  <td className="numeric">{row.lastStep ?? '—'}</td>
                  <td className="numeric">{formatMetricValue(row.min)}</td>
                  <td className="numeric">{formatMetricValue(row.max)}</td>
                  <td className="numeric">{row.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
