// One metric of several runs on one uPlot chart: one line per run, in the run's colour, over the
// union of their steps (a run without a point at a step leaves a gap that the line spans). With
// `band`, each line also gets the shaded min..max of its series: the compare page's groups, drawn
// as the group's mean with the spread of its runs around it.

import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { alignSeries, chartColumns, type XYSeries } from '../lib/chartData';
import { formatAxisValue, formatMetricValue } from '../lib/format';
import type { Series } from '../lib/series';

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

interface Props {
  metric: string;
  lines: OverlayLine[];
  logScale: boolean;
  smoothing: number;
  /** Draw each line's min..max (its series' mins and maxs) as a band. */
  band?: boolean;
}

const valueText = (_u: uPlot, v: number | null) => formatMetricValue(v);

export function OverlayChart({ metric, lines, logScale, smoothing, band = false }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const captionId = useId();

  const data = useMemo(() => {
    const xy: XYSeries[] = [];
    for (const line of lines) {
      const c = chartColumns(line.series, { xAxis: 'step', logScale, smoothing });
      if (band) {
        const none = c.x.map(() => null);
        xy.push({ x: c.x, y: c.lower ?? none }, { x: c.x, y: c.upper ?? none });
      }
      xy.push({ x: c.x, y: c.smoothed ?? c.raw });
    }
    return alignSeries(xy) as uPlot.AlignedData;
  }, [lines, logScale, smoothing, band]);
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
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    };
    const created = new uPlot(options, latest.current, el);
    plot.current = created;
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
    plot.current?.setData(data);
  }, [data]);

  const withPoints = lines.filter((l) => l.series.steps.length > 0).length;
  const what = band ? 'groups' : 'runs';

  return (
    <figure className="chart chart-overlay" data-testid={`chart-overlay-${metric}`} data-series={lines.length}
      data-runs-with-points={withPoints} data-band={band ? 'true' : 'false'} aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <span className="chart-name">{metric}</span>
        <span className="chart-last">{withPoints} of {lines.length} {what} report it</span>
      </figcaption>
      <div ref={host} className="chart-plot" aria-hidden="true" />
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
