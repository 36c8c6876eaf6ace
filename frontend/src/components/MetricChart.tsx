// One metric as a uPlot line chart over steps or wall-clock time, on a linear or log y axis. With
// smoothing, the EMA line is drawn over a faint copy of the raw values; when the series came
// downsampled, the min/max of each bucket is drawn as a band behind both. The plot is created
// once per shape (metric, axes, which lines) and then only fed new data, so live updates do not
// rebuild it.
//
// Dragging over the plot zooms the x axis (hooks/useChartZoom); given a `zoomSource`, a range
// whose points are downsampled buckets is fetched again and its finer points drawn. Live points keep
// merging into the full series while zoomed.

import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { applyZoom, useChartZoom } from '../hooks/useChartZoom';
import { canUseLogScale, chartColumns, type ChartOptions } from '../lib/chartData';
import { formatAxisValue, formatMetricValue } from '../lib/format';
import { metricPrefix } from '../lib/metricGroups';
import { queryKeys } from '../api/queryKeys';
import { getMetrics } from '../features/runs/api/requests';
import { EMPTY_SERIES, seriesFromFetched, type Series } from '../lib/series';
import { mergeZoomed, needsRefetch, pointsInRange, type XRange } from '../lib/zoom';
import { ZoomControls } from './ZoomControls';

const HEIGHT = 200;
const COLORS: Record<string, string> = { train: '#2563eb', eval: '#d97706', kd: '#059669' };

function colorFor(name: string): string {
  return COLORS[metricPrefix(name)] ?? '#7c3aed';
}

interface Shape {
  name: string;
  xAxis: ChartOptions['xAxis'];
  logScale: boolean;
  smoothed: boolean;
  band: boolean;
}

const valueText = (_u: uPlot, v: number | null) => formatMetricValue(v);

function plotOptions(shape: Shape, width: number, zoom: Pick<uPlot.Options, 'cursor' | 'hooks'>): uPlot.Options {
  const color = colorFor(shape.name);
  const series: uPlot.Series[] = [{ label: shape.xAxis === 'step' ? 'step' : 'time' }];
  const bands: uPlot.Band[] = [];
  if (shape.band) {
    // Edges drawn invisibly; the band between them is the only trace they leave.
    series.push(
      { label: 'bucket min', stroke: `${color}00`, width: 0, points: { show: false }, value: valueText },
      { label: 'bucket max', stroke: `${color}00`, width: 0, points: { show: false }, value: valueText },
    );
    bands.push({ series: [2, 1], fill: `${color}22` });
  }
  if (shape.smoothed) {
    series.push(
      { label: 'raw', stroke: `${color}55`, width: 1, value: valueText },
      { label: 'smoothed', stroke: color, width: 2, value: valueText },
    );
  } else {
    series.push({ label: shape.name, stroke: color, width: 1.5, value: valueText });
  }
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: shape.xAxis === 'wall' },
      y: shape.logScale ? { distr: 3, log: 10 } : {},
    },
    series,
    bands,
    axes: [
      // Time ticks take two lines (clock time, then the date where it changes).
      shape.xAxis === 'step' ? { label: 'step', labelSize: 18, size: 36 } : { size: 52 },
      { size: 60, values: (_u, splits) => splits.map((v) => formatAxisValue(v)) },
    ],
    ...zoom,
    legend: { live: true },
  };
}

/** Where a chart fetches a step range of its series again, at a finer resolution. */
export interface ZoomSource {
  /** What the fetch depends on besides the range, e.g. ['run', 7, 'train/loss']. */
  key: readonly unknown[];
  fetch: (range: XRange, signal: AbortSignal) => Promise<Series>;
}

/** Zoom source for one metric of one run: GET /runs/{id}/metrics/?names=NAME&step_min=&step_max=. */
export function runZoomSource(runId: number, name: string, maxPoints = 1000): ZoomSource {
  return {
    key: queryKeys.runZoomSource(runId, name, maxPoints),
    fetch: async (range, signal) => {
      const response = await getMetrics(runId, [name], maxPoints, signal, range);
      const fetched = response.series.find((s) => s.name === name);
      return fetched ? seriesFromFetched(fetched) : EMPTY_SERIES;
    },
  };
}

export interface MetricChartProps extends Partial<ChartOptions> {
  name: string;
  series: Series;
  smoothing: number;
  /** Defaults to `chart-<name>`; a second chart of the same metric on a page needs its own. */
  testId?: string;
  /** Fetches a zoomed step range again at a finer resolution; without it zoom only narrows the axis. */
  zoomSource?: ZoomSource;
}

export function MetricChart({ name, series, smoothing, xAxis = 'step', logScale = false, testId, zoomSource }: MetricChartProps) {
  const plotHost = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const captionId = useId();

  const shownRef = useRef(series);
  const zoom = useChartZoom<Series>({
    queryKey: zoomSource ? zoomSource.key : null,
    axis: xAxis,
    needs: (range) => needsRefetch(shownRef.current, range),
    fetch: (range, signal) => zoomSource!.fetch(range, signal),
  });
  const shown = useMemo(() => mergeZoomed(series, zoom.fine, zoom.range), [series, zoom.fine, zoom.range]);
  shownRef.current = shown;
  const rangeRef = useRef(zoom.range);
  rangeRef.current = zoom.range;

  const columns = useMemo(() => chartColumns(shown, { xAxis, logScale, smoothing }), [shown, xAxis, logScale, smoothing]);
  const band = columns.lower !== undefined;
  const smoothed = columns.smoothed !== undefined;
  const data = useMemo<uPlot.AlignedData>(() => {
    const ys = [
      ...(band ? [columns.lower!, columns.upper!] : []),
      columns.raw,
      ...(smoothed ? [columns.smoothed!] : []),
    ];
    return [columns.x, ...ys] as uPlot.AlignedData;
  }, [columns, band, smoothed]);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const host = plotHost.current!;
    const shape: Shape = { name, xAxis, logScale, smoothed, band };
    const created = new uPlot(plotOptions(shape, host.clientWidth || 400, zoom.plotOptions), latestData.current, host);
    plot.current = created;
    if (rangeRef.current) created.setScale('x', rangeRef.current);
    const observer = new ResizeObserver(() => {
      if (host.clientWidth > 0) created.setSize({ width: host.clientWidth, height: HEIGHT });
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
    // zoom.plotOptions is made once per chart.
  }, [name, xAxis, logScale, smoothed, band]);

  useEffect(() => {
    applyZoom(plot.current, data, zoom.range);
  }, [data, zoom.range]);

  const count = series.steps.length;
  const lastStep = count > 0 ? series.steps[count - 1] : null;
  const lastValue = count > 0 ? series.values[count - 1] : null;
  const nothingOnLog = logScale && count > 0 && !canUseLogScale(series.values);

  return (
    <figure
      className="chart"
      data-testid={testId ?? `chart-${name}`}
      data-points={shown.steps.length}
      data-zoom-state={zoom.state}
      data-zoom-min={zoom.range?.min ?? ''}
      data-zoom-max={zoom.range?.max ?? ''}
      data-zoom-points={zoom.range && xAxis === 'step' ? pointsInRange(shown, zoom.range) : ''}
      data-band={band ? 'true' : 'false'}
      data-x-axis={xAxis}
      data-log-scale={logScale ? 'true' : 'false'}
      aria-labelledby={captionId}
    >
      <figcaption id={captionId}>
        <span className="chart-name">{name}</span>
        <span className="chart-last" data-testid={testId ? `${testId}-last` : `chart-last-${name}`}>
          {count > 0 ? `${formatMetricValue(lastValue)} at step ${lastStep}` : 'no points yet'}
        </span>
      </figcaption>
      <div ref={plotHost} className="chart-plot" aria-hidden="true" title="Drag to zoom; double-click to reset" />
      <ZoomControls range={zoom.range} axis={xAxis} state={zoom.state} error={zoom.error} onReset={zoom.reset} label={name} />
      {(band || nothingOnLog) && (
        <p className="chart-note">
          {nothingOnLog && 'No value above 0: nothing to draw on a log scale. '}
          {band && 'Downsampled: the shaded band is the min–max of each bucket.'}
        </p>
      )}
    </figure>
  );
}
