// One chart per metric with a line per run (compare page, shared page), grouped by metric prefix,
// with a log scale and smoothing. Given groups, each line is instead a group of runs: its mean,
// with the min..max of its runs as a band.

import { useMemo, useState } from 'react';
import type { Run } from '../api/types';
import { aggregateAsSeries, aggregateSeries, type RunGroup } from '../lib/groupBy';
import { groupMetricNames } from '../lib/metricGroups';
import { EMPTY_SERIES, type Series } from '../lib/series';
import { runColor } from '../lib/compare';
import { ErrorAlert } from './ErrorAlert';
import { OverlayChart, type OverlayLine } from './OverlayChart';

interface Props {
  runs: Run[];
  metrics: string[];
  seriesByRun: Map<number, Record<string, Series>>;
  colorOf: (id: number) => string;
  label: (run: Run) => string;
  /** Group the runs: one line per group. */
  groups?: RunGroup[] | null;
  /** What the groups are by, for their labels ("alpha"). */
  groupPath?: string;
  loading: boolean;
  error: unknown;
}

export function CompareCharts({ runs, metrics, seriesByRun, colorOf, label, groups, groupPath, loading, error }: Props) {
  const [logScale, setLogScale] = useState(false);
  const [smoothing, setSmoothing] = useState(0);
  const grouped = Boolean(groups && groups.length > 0);
  const linesByMetric = useMemo(() => new Map(metrics.map((metric) => {
    if (groups && groups.length > 0) {
      return [metric, groups.map<OverlayLine>((group, index) => {
        const members = group.runIds.map((id) => seriesByRun.get(id)?.[metric] ?? EMPTY_SERIES);
        const reporting = members.filter((s) => s.steps.length > 0).length;
        return {
          runId: index,
          label: `${groupPath ?? 'group'} = ${group.label}`,
          color: runColor(index),
          series: aggregateAsSeries(aggregateSeries(members)),
          note: `mean of ${reporting} of ${group.runIds.length} ${group.runIds.length === 1 ? 'run' : 'runs'}`,
        };
      })];
    }
    return [metric, runs.map<OverlayLine>((run) => ({
      runId: run.id,
      label: label(run),
      color: colorOf(run.id),
      series: seriesByRun.get(run.id)?.[metric] ?? EMPTY_SERIES,
    }))];
  })), [metrics, runs, seriesByRun, label, colorOf, groups, groupPath]);
  const metricGroups = groupMetricNames(metrics);

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
      {error !== null && error !== undefined && <ErrorAlert error={error} title="Cannot load the metrics" />}
      {loading && <p role="status">Loading metrics…</p>}
      {metrics.length === 0 && <p className="muted">None of these runs reported metrics yet.</p>}
      {metricGroups.map((group) => (
        <section key={group.prefix} className="metric-group" aria-labelledby={`compare-${group.prefix}`}>
          <h3 id={`compare-${group.prefix}`}>{group.prefix}</h3>
          <div className="chart-grid">
            {group.names.map((metric) => (
              <OverlayChart
                key={metric}
                metric={metric}
                logScale={logScale}
                smoothing={smoothing}
                band={grouped}
                lines={linesByMetric.get(metric) ?? []}
              />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}
