// One metric as a uPlot line chart over steps, optionally with an EMA-smoothed line on top of the
// faded raw values. The plot is created once per (metric, smoothing on/off) and then only fed
// new data, so live updates do not rebuild it.

import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { emaSmooth } from '../lib/ema';
import { formatAxisValue, formatMetricValue } from '../lib/format';
import { metricPrefix } from '../lib/metricGroups';
import type { Series } from '../lib/series';

const HEIGHT = 200;
const COLORS: Record<string, string> = { train: '#2563eb', eval: '#d97706', kd: '#059669' };

function colorFor(name: string): string {
  return COLORS[metricPrefix(name)] ?? '#7c3aed';
}

function plotOptions(name: string, smoothed: boolean, width: number): uPlot.Options {
  const color = colorFor(name);
  const lines: uPlot.Series[] = smoothed
    ? [
        { label: 'raw', stroke: `${color}55`, width: 1, value: (_u, v) => formatMetricValue(v) },
        { label: 'smoothed', stroke: color, width: 2, value: (_u, v) => formatMetricValue(v) },
      ]
    : [{ label: name, stroke: color, width: 1.5, value: (_u, v) => formatMetricValue(v) }];
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false } },
    series: [{ label: 'step' }, ...lines],
    axes: [
      { label: 'step', labelSize: 18, size: 36 },
      { size: 60, values: (_u, splits) => splits.map((v) => formatAxisValue(v)) },
    ],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
  };
}

export function MetricChart({ name, series, smoothing }: { name: string; series: Series; smoothing: number }) {
  const plotHost = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const captionId = useId();
  const smoothed = smoothing > 0;

  const data = useMemo<uPlot.AlignedData>(
    () => (smoothed ? [series.steps, series.values, emaSmooth(series.values, smoothing)] : [series.steps, series.values]),
    [series, smoothed, smoothing],
  );
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const host = plotHost.current!;
    const created = new uPlot(plotOptions(name, smoothed, host.clientWidth || 400), latestData.current, host);
    plot.current = created;
    const observer = new ResizeObserver(() => {
      if (host.clientWidth > 0) created.setSize({ width: host.clientWidth, height: HEIGHT });
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [name, smoothed]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const count = series.steps.length;
  const lastStep = count > 0 ? series.steps[count - 1] : null;
  const lastValue = count > 0 ? series.values[count - 1] : null;

  return (
    <figure className="chart" data-testid={`chart-${name}`} data-points={count} aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <span className="chart-name">{name}</span>
        <span className="chart-last" data-testid={`chart-last-${name}`}>
          {count > 0 ? `${formatMetricValue(lastValue)} at step ${lastStep}` : 'no points yet'}
        </span>
      </figcaption>
      <div ref={plotHost} className="chart-plot" aria-hidden="true" />
    </figure>
  );
}
