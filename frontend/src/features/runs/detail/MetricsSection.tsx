// The run page's live charts, grouped by metric prefix, with the x axis, log scale and smoothing
// the user picks, and links to every point as CSV or JSON.

import { useState } from 'react';
import type { Run } from '../../../api/types';
import { MetricChart, runZoomSource } from '../../../components/MetricChart';
import type { XAxis } from '../../../lib/chartData';
import { groupMetricNames } from '../../../lib/metricGroups';
import { isActiveStatus, runMetricNames } from '../../../lib/runStatus';
import { EMPTY_SERIES, type SeriesByName } from '../../../lib/series';

export function MetricsSection({ run, series }: { run: Run; series: SeriesByName }) {
  const [smoothing, setSmoothing] = useState(0);
  const [logScale, setLogScale] = useState(false);
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const groups = groupMetricNames([...runMetricNames(run), ...Object.keys(series)]);
  return (
    <section className="run-section" aria-labelledby="metrics-heading">
      <div className="section-header">
        <h2 id="metrics-heading">Metrics</h2>
        <div className="chart-controls" role="group" aria-label="Chart options">
          <fieldset className="segmented">
            <legend className="visually-hidden">X axis</legend>
            <span className="segmented-label" aria-hidden="true">X axis</span>
            <label className="radio">
              <input type="radio" name="chart-x-axis" value="step" checked={xAxis === 'step'} onChange={() => setXAxis('step')} />
              Step
            </label>
            <label className="radio">
              <input type="radio" name="chart-x-axis" value="wall" checked={xAxis === 'wall'} onChange={() => setXAxis('wall')} />
              Wall time
            </label>
          </fieldset>
          <label className="checkbox">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
            Log scale
          </label>
          {/* The charts are downsampled; these are every point, as the run reported them. */}
          <span className="export-links">
            Every point:{' '}
            <a href={`/api/v1/runs/${run.id}/metrics/export/?as=csv`} download>CSV</a>{' · '}
            <a href={`/api/v1/runs/${run.id}/metrics/export/?as=json`} download>JSON</a>
          </span>
          <div className="field field-inline">
            <label htmlFor="chart-smoothing">Smoothing</label>
            <input id="chart-smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing}
              onChange={(e) => setSmoothing(Number(e.target.value))} aria-valuetext={smoothing.toFixed(2)} />
            <output htmlFor="chart-smoothing">{smoothing.toFixed(2)}</output>
          </div>
        </div>
      </div>
      {groups.length === 0 && (
        <p className="muted">{isActiveStatus(run.status) ? 'Waiting for the first metrics…' : 'This run reported no metrics.'}</p>
      )}
      {groups.map((group) => (
        <section key={group.prefix} className="metric-group" aria-labelledby={`metrics-${group.prefix}`} data-testid={`metric-group-${group.prefix}`}>
          <h3 id={`metrics-${group.prefix}`}>{group.prefix}</h3>
          <div className="chart-grid">
            {group.names.map((name) => (
              <MetricChart key={name} name={name} series={series[name] ?? EMPTY_SERIES} smoothing={smoothing}
                logScale={logScale} xAxis={xAxis} zoomSource={runZoomSource(run.id, name)} />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}
