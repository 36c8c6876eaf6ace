// One chart per metric with a line per run (compare page, shared page), grouped by metric prefix,
// with a log scale and smoothing. Given groups, each line is instead a group of runs: its mean,
// with the min..max of its runs as a band.

import { useMemo, useState } from 'react';
import type { MultiSeriesResponse, Run } from '../api/types';
import { aggregateAsSeries, aggregateSeries, type RunGroup } from '../lib/groupBy';
import { groupMetricNames } from '../lib/metricGroups';
import { EMPTY_SERIES, type Series } from '../lib/series';
import { runColor, seriesByRun as seriesByRunOf } from '../lib/compare';
import { needsRefetch, type XRange } from '../lib/zoom';
import { ErrorAlert } from './ErrorAlert';
import { OverlayChart, type OverlayLine, type OverlayZoomSource } from './OverlayChart';

/** Fetches the compared runs' series of some metrics in a step range (for zoom). */
export interface RangeSeriesSource {
  /** What the fetch depends on besides names and range, e.g. ['compare', '1,2,3'] or ['shared', token]. */
  key: readonly unknown[];
  fetch: (names: readonly string[], range: XRange, signal: AbortSignal) => Promise<MultiSeriesResponse>;
}

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
  /** Lets a zoomed chart fetch its range again at a finer resolution. */
  rangeSource?: RangeSeriesSource;
}

export function CompareCharts({ runs, metrics, seriesByRun, colorOf, label, groups, groupPath, loading, error, rangeSource }: Props) {
  const [logScale, setLogScale] = useState(false);
  const [smoothing, setSmoothing] = useState(0);
  const grouped = Boolean(groups && groups.length > 0);
  const linesFor = useMemo(() => (metric: string, byRun: Map<number, Record<string, Series>>): OverlayLine[] => {
    if (groups && groups.length > 0) {
      return groups.map<OverlayLine>((group, index) => {
        const members = group.runIds.map((id) => byRun.get(id)?.[metric] ?? EMPTY_SERIES);
        const reporting = members.filter((s) => s.steps.length > 0).length;
        return {
          runId: index,
          label: `${groupPath ?? 'group'} = ${group.label}`,
          color: runColor(index),
          series: aggregateAsSeries(aggregateSeries(members)),
          note: `mean of ${reporting} of ${group.runIds.length} ${group.runIds.length === 1 ? 'run' : 'runs'}`,
        };
      });
    }
    return runs.map<OverlayLine>((run) => ({
      runId: run.id,
      label: label(run),
      color: colorOf(run.id),
      series: byRun.get(run.id)?.[metric] ?? EMPTY_SERIES,
    }));
  }, [runs, label, colorOf, groups, groupPath]);
  const linesByMetric = useMemo(() => new Map(metrics.map((metric) => [metric, linesFor(metric, seriesByRun)])),
    [metrics, seriesByRun, linesFor]);
  const zoomByMetric = useMemo(() => {
    if (!rangeSource) return new Map<string, OverlayZoomSource>();
    const groupsKey = groups && groups.length > 0 ? groups.map((g) => g.runIds.join('+')).join('|') : 'runs';
    return new Map(metrics.map((metric): [string, OverlayZoomSource] => [metric, {
      key: [...rangeSource.key, metric, groupsKey],
      // Decided on the runs' own series: a group's mean carries its runs' spread, not buckets.
      needs: (range) => runs.some((run) => needsRefetch(seriesByRun.get(run.id)?.[metric] ?? EMPTY_SERIES, range)),
      fetch: async (range, signal) => linesFor(metric, seriesByRunOf((await rangeSource.fetch([metric], range, signal)).series)),
    }]));
  }, [rangeSource, metrics, runs, seriesByRun, groups, linesFor]);
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
                zoom={zoomByMetric.get(metric)}
              />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}
