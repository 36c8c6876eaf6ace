// One metric of several runs on one uPlot chart: one line per run, in the run's colour, over the
// union of their steps (a run without a point at a step leaves a gap that the line spans). With
// `band`, each line also gets the shaded min..max of its series: the compare page's groups, drawn
// as the group's mean with the spread of its runs around it.
//
// Dragging over the plot zooms the step axis (hooks/useChartZoom); given `zoom`, a range where some
// line is downsampled is fetched again and each line draws its finer points there.

import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { applyZoom, useChartZoom } from '../hooks/useChartZoom';
import { alignSeries, chartColumns, type XYSeries } from '../lib/chartData';
import { formatAxisValue, formatMetricValue } from '../lib/format';
import type { Series } from '../lib/series';
import { mergeZoomed, needsRefetch, type XRange } from '../lib/zoom';
import { ZoomControls } from './ZoomControls';

const HEIGHT = 240;

export interface OverlayLine {
  /** A run id, or a group's index. */
  runId: number;
  label: string;
  color: string;
  series: Series;
  /** Shown after the last value in the legend, e.g. "mean of 3 runs". */
  note?: string;
}

/** Where an overlay chart fetches a step range of its lines again, at a finer resolution. */
export interface OverlayZoomSource {
  /** What the fetch depends on besides the range (run ids, metric, groups). */
  key: readonly unknown[];
  /** Whether the range needs finer data; by default, whether some line is downsampled there. */
  needs?: (range: XRange) => boolean;
  /** The lines for the range (matched to the chart's lines by runId). */
  fetch: (range: XRange, signal: AbortSignal) => Promise<OverlayLine[]>;
}

interface Props {
  metric: string;
  lines: OverlayLine[];
  logScale: boolean;
  smoothing: number;
  /** Draw each line's min..max (its series' mins and maxs) as a band. */
  band?: boolean;
  zoom?: OverlayZoomSource;
}

const valueText = (_u: uPlot, v: number | null) => formatMetricValue(v);

export function OverlayChart({ metric, lines, logScale, smoothing, band = false, zoom: zoomSource }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const captionId = useId();

  const shownRef = useRef(lines);
  const zoom = useChartZoom<OverlayLine[]>({
    queryKey: zoomSource ? zoomSource.key : null,
    axis: 'step',
    needs: (range) => (zoomSource?.needs ? zoomSource.needs(range)
      : shownRef.current.some((line) => needsRefetch(line.series, range))),
    fetch: (range, signal) => zoomSource!.fetch(range, signal),
  });
  const shown = useMemo(() => {
    if (!zoom.range || !zoom.fine) return lines;
    const fine = new Map(zoom.fine.map((line) => [line.runId, line.series]));
    return lines.map((line) => ({ ...line, series: mergeZoomed(line.series, fine.get(line.runId), zoom.range) }));
  }, [lines, zoom.fine, zoom.range]);
  shownRef.current = shown;
  const rangeRef = useRef(zoom.range);
  rangeRef.current = zoom.range;

  const data = useMemo(() => {
    const xy: XYSeries[] = [];
    for (const line of shown) {
      const c = chartColumns(line.series, { xAxis: 'step', logScale, smoothing });
      if (band) {
        const none = c.x.map(() => null);
        xy.push({ x: c.x, y: c.lower ?? none }, { x: c.x, y: c.upper ?? none });
      }
      xy.push({ x: c.x, y: c.smoothed ?? c.raw });
    }
    return alignSeries(xy) as uPlot.AlignedData;
  }, [shown, logScale, smoothing, band]);
  const latest = useRef(data);
  latest.current = data;
  // The plot is rebuilt when the set of lines, their colours or the axis change; data alone is fed in.
  const shapeKey = `${lines.map((l) => `${l.runId}:${l.color}:${l.label}`).join('|')}|${logScale}|${band}`;

  useEffect(() => {
    const el = host.current!;
    const series: uPlot.Series[] = [{ label: 'step' }];
    const bands: uPlot.Band[] = [];
    for (const line of lines) {
      if (band) {
        const lower = series.length;
        series.push(
          { label: `${line.label} min`, stroke: `${line.color}00`, width: 0, points: { show: false }, spanGaps: true, value: valueText },
          { label: `${line.label} max`, stroke: `${line.color}00`, width: 0, points: { show: false }, spanGaps: true, value: valueText },
        );
        bands.push({ series: [lower + 1, lower], fill: `${line.color}26` });
      }
      series.push({ label: line.label, stroke: line.color, width: band ? 2 : 1.75, spanGaps: true, value: valueText });
    }
    const options: uPlot.Options = {
      width: el.clientWidth || 480,
      height: HEIGHT,
      scales: { x: { time: false }, y: logScale ? { distr: 3, log: 10 } : {} },
      series,
      bands,
      axes: [
        { label: 'step', labelSize: 18, size: 36 },
        { size: 60, values: (_u, splits) => splits.map((v) => formatAxisValue(v)) },
      ],
      ...zoom.plotOptions,
      legend: { live: true },
    };
    const created = new uPlot(options, latest.current, el);
    plot.current = created;
    if (rangeRef.current) created.setScale('x', rangeRef.current);
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0) created.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
    // `shapeKey` stands for `lines` (their ids, colours, labels), `logScale` and `band`.
  }, [shapeKey]);

  useEffect(() => {
    applyZoom(plot.current, data, zoom.range);
  }, [data, zoom.range]);

  const withPoints = lines.filter((l) => l.series.steps.length > 0).length;
  const what = band ? 'groups' : 'runs';

  return (
    <figure className="chart chart-overlay" data-testid={`chart-overlay-${metric}`} data-series={lines.length}
      data-runs-with-points={withPoints} data-band={band ? 'true' : 'false'} aria-labelledby={captionId}
      data-points={shown.reduce((sum, line) => sum + line.series.steps.length, 0)} data-zoom-state={zoom.state}
      data-zoom-min={zoom.range?.min ?? ''} data-zoom-max={zoom.range?.max ?? ''}>
      <figcaption id={captionId}>
        <span className="chart-name">{metric}</span>
        <span className="chart-last">{withPoints} of {lines.length} {what} report it</span>
      </figcaption>
      <div ref={host} className="chart-plot" aria-hidden="true" title="Drag to zoom; double-click to reset" />
      <ZoomControls range={zoom.range} axis="step" state={zoom.state} error={zoom.error} onReset={zoom.reset} label={metric} />
      <ul className="chart-legend" aria-label={`${band ? 'Groups' : 'Runs'} in ${metric}`}>
        {lines.map((line) => {
          const n = line.series.steps.length;
          return (
            <li key={line.runId}>
              <span className="swatch" style={{ background: line.color }} aria-hidden="true" />
              {line.label}
              <span className="muted">
                {n > 0 ? ` ${formatMetricValue(line.series.values[n - 1])} at step ${line.series.steps[n - 1]}` : ' no points'}
                {line.note && ` · ${line.note}`}
              </span>
            </li>
          );
        })}
      </ul>
      {band && <p className="chart-note">Each line is a group's mean; the shaded band spans its runs' min to max.</p>}
    </figure>
  );
}
