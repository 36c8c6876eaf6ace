// One sweep: its runs with the swept values as columns and the sweep metric, the best run marked,
// and a parallel-coordinates view whose axis brushes filter the table. Polled while a run is active.

import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useSweep } from '../features/sweeps/api/queries';
import type { Run, SweepDetail } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { ParallelCoordinates } from '../components/ParallelCoordinates';
import { StatusBadge } from '../components/StatusBadge';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatDateTime, formatMetricValue } from '../lib/format';
import { buildAxis, filterRows, type Brushes, type PcRow } from '../lib/parallel';
import { formatSweepValue, pathLabel, valueAtPath } from '../lib/sweeps';
import { NotFoundPage } from './NotFoundPage';

export function SweepPage() {
  const { sweepId } = useParams();
  const id = Number(sweepId);
  const sweep = useSweep(id);
  if (!Number.isInteger(id) || id <= 0) return <NotFoundPage />;
  if (sweep.isPending) return <p role="status">Loading sweep…</p>;
  if (sweep.isError) {
    if (sweep.error instanceof ApiError && sweep.error.status === 404) {
      return <div className="empty"><h1>Sweep not found</h1><p>{sweep.error.detail} <Link to="/runs">Back to the runs</Link>.</p></div>;
    }
    return <ErrorAlert error={sweep.error} title="Cannot load the sweep" />;
  }
  return <SweepView sweep={sweep.data} />;
}

/** The run's value of the sweep metric that ranks it: its min when minimising, else its max. */
function metricValue(run: Run, sweep: SweepDetail): number | null {
  const summary = run.summaries?.[sweep.metric];
  return summary ? summary[sweep.goal] ?? null : null;
}

function SweepView({ sweep }: { sweep: SweepDetail }) {
  useDocumentTitle(`Sweep ${sweep.name}`);
  const paths = Object.keys(sweep.parameters);
  const metricKey = `metric:${sweep.metric}`;
  const [brushes, setBrushes] = useState<Brushes>({});
  const rows: PcRow[] = useMemo(() => sweep.runs.map((run) => ({
    id: run.id,
    values: {
      ...Object.fromEntries(paths.map((path) => [path, valueAtPath(run, path)])),
      [metricKey]: metricValue(run, sweep),
    },
  })), [sweep, paths, metricKey]);
  const axes = useMemo(() => [
    ...paths.map((path) => {
      const spec = sweep.parameters[path];
      const log = typeof spec === 'object' && spec !== null && !Array.isArray(spec) && Boolean((spec as { log?: boolean }).log);
      return buildAxis(path, pathLabel(path), rows, log);
    }),
    buildAxis(metricKey, `${sweep.metric} (${sweep.goal})`, rows),
  ], [paths, sweep, rows, metricKey]);
  const kept = filterRows(rows, axes, brushes);
  const bestId = sweep.best?.run ?? null;
  const best = sweep.runs.find((r) => r.id === bestId);
  const filtered = Object.keys(brushes).length > 0;

  return (
    <div data-testid="sweep-page" data-sweep-id={sweep.id}>
      <p className="breadcrumb"><Link to="/runs">Runs</Link> <span aria-hidden="true">/</span> sweep #{sweep.id}</p>
      <div className="page-header">
        <div>
          <h1>{sweep.name}</h1>
          <p className="run-meta">
            {sweep.strategy} sweep of <code>{sweep.method}</code> over {paths.map(pathLabel).join(', ')} · {sweep.runs.length} runs ·
            {' '}{sweep.goal === 'min' ? 'minimising' : 'maximising'} <code>{sweep.metric}</code> · {formatDateTime(sweep.created_at)}
          </p>
        </div>
        {sweep.runs.length > 1 && (
          <div className="run-actions">
            <Link className="button" to={`/compare?runs=${sweep.runs.map((r) => r.id).join(',')}`}>Compare the runs</Link>
          </div>
        )}
      </div>
      <p data-testid="sweep-best" data-run-id={bestId ?? ''}>
        {best && sweep.best ? (
          <>Best so far: <Link to={`/runs/${best.id}`}>{best.name || `run #${best.id}`}</Link> with {sweep.metric} {sweep.goal}{' '}
            <strong>{formatMetricValue(sweep.best.value)}</strong></>
        ) : <>No run has reported <code>{sweep.metric}</code> yet.</>}
      </p>

      <section className="run-section" aria-labelledby="sweep-pc-heading">
        <h2 id="sweep-pc-heading">Parameters and {sweep.metric}</h2>
        <ParallelCoordinates axes={axes} rows={rows} bestId={bestId} brushes={brushes} onBrushesChange={setBrushes}
          labelFor={(runId) => sweep.runs.find((r) => r.id === runId)?.name ?? `run ${runId}`} />
      </section>

      <section className="run-section" aria-labelledby="sweep-runs-heading">
        <h2 id="sweep-runs-heading">Runs</h2>
        <p role="status" className="muted">
          {filtered ? `${kept.size} of ${sweep.runs.length} runs inside the filters.` : `${sweep.runs.length} runs.`}
        </p>
        <div className="table-wrap">
          <table className="table" data-testid="sweep-runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                {paths.map((path) => <th scope="col" key={path}>{pathLabel(path)}</th>)}
                <th scope="col">{sweep.metric} ({sweep.goal})</th>
              </tr>
            </thead>
            <tbody>
              {sweep.runs.filter((run) => kept.has(run.id)).map((run) => (
                <tr key={run.id} data-run-id={run.id} className={run.id === bestId ? 'row-best' : undefined}
                  data-best={run.id === bestId ? 'true' : undefined}>
                  <th scope="row">
                    <Link to={`/runs/${run.id}`}>{run.name || `run #${run.id}`}</Link>
                    {run.id === bestId && <span className="badge badge-best"> best</span>}
                  </th>
                  <td><StatusBadge status={run.status} /></td>
                  {paths.map((path) => <td key={path} className="numeric">{formatSweepValue(valueAtPath(run, path))}</td>)}
                  <td className="numeric">{formatMetricValue(metricValue(run, sweep))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
