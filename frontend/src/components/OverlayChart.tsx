// One metric of several runs on one uPlot chart: one line per run, in the run's colour, over the
// union of their steps (a run without a point at a step leaves a gap that the line spans).

import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { alignSeries, chartColumns } from '../lib/chartData';
import { formatAxisValue, formatMetricValue } from '../lib/format';
import type { Series } from '../lib/series';

const HEIGHT = 240;

export interface OverlayLine {
  runId: number;
  label: string;
  color: string;
  series: Series;
}

interface Props {
  metric: string;
  lines: OverlayLine[];
  logScale: boolean;
  smoothing: number;
}

export function OverlayChart({ metric, lines, logScale, smoothing }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const captionId = useId();

  const data = useMemo(() => {
    const xy = lines.map((line) => {
      const c = chartColumns(line.series, { xAxis: 'step', logScale, smoothing });
      return { x: c.x, y: c.smoothed ?? c.raw };
    });
    return alignSeries(xy) as uPlot.AlignedData;
  }, [lines, logScale, smoothing]);
  const latest = useRef(data);
  latest.current = data;
  // The plot is rebuilt when the set of runs, their colours or the axis change; data alone is fed in.
  const shapeKey = `${lines.map((l) => `${l.runId}:${l.color}:${l.label}`).join('|')}|${logScale}`;

  useEffect(() => {
    const el = host.current!;
    const options: uPlot.Options = {
      width: el.clientWidth || 480,
      height: HEIGHT,
      scales: { x: { time: false }, y: logScale ? { distr: 3, log: 10 } : {} },
      series: [
        { label: 'step' },
        ...lines.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: 1.75,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => formatMetricValue(v),
        })),
      ],
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
    // `shapeKey` stands for `lines` (their ids, colours, labels) and `logScale`.
  }, [shapeKey]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const withPoints = lines.filter((l) => l.series.steps.length > 0).length;

  return (
    <figure className="chart chart-overlay" data-testid={`chart-overlay-${metric}`} data-series={lines.length}
      data-runs-with-points={withPoints} aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <span className="chart-name">{metric}</span>
        <span className="chart-last">{withPoints} of {lines.length} runs report it</span>
      </figcaption>
      <div ref={host} className="chart-plot" aria-hidden="true" />
      <ul className="chart-legend" aria-label={`Runs in ${metric}`}>
        {lines.map((line) => {
          const n = line.series.steps.length;
          return (
            <li key={line.runId}>
              <span className="swatch" style={{ background: line.color }} aria-hidden="true" />
              {line.label}
              <span className="muted">
                {n > 0 ? ` ${formatMetricValue(line.series.values[n - 1])} at step ${line.series.steps[n - 1]}` : ' no points'}
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
