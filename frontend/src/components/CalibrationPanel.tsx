// The calibration panel: a reliability diagram from the run's latest `calibration-step-<N>` table
// artifact. Bars are the share of correct next-token predictions per confidence bin, the diagonal
// is perfect calibration, the faint bars behind are how many predictions fell in each bin.
// Hidden while the run has no such artifact.

import { useId } from 'react';
import { ApiError } from '../api/client';
import { useArtifactContent, useArtifacts } from '../features/runs/api/queries';
import type { Run } from '../api/types';
import { latestCalibrationArtifact, readCalibration, reliabilityDiagram, type Calibration } from '../lib/calibration';
import { formatMetricValue } from '../lib/format';
import { ErrorAlert } from './ErrorAlert';

export function CalibrationPanel({ run, active }: { run: Run; active: boolean }) {
  const artifacts = useArtifacts(run.id, active);
  const artifact = latestCalibrationArtifact(artifacts.data ?? []);
  const content = useArtifactContent(run.id, artifact);
  if (!artifact) return null;
  const read = content.data !== undefined ? readCalibration(content.data) : null;
  const missing = content.error instanceof ApiError && content.error.status === 404;
  let body;
  if (missing) body = <p className="muted">The calibration table of {artifact.name} is not available yet.</p>;
  else if (content.isError) body = <ErrorAlert error={content.error} title="Cannot load the calibration table" />;
  else if (!read) body = <p role="status">Loading the calibration table…</p>;
  else if (!read.ok) body = <p className="alert alert-error" role="alert">{read.error}</p>;
  else body = <ReliabilityDiagram calibration={read.calibration} />;
  return (
    <section className="run-section method-panel" aria-labelledby="calibration-heading" data-testid="calibration-panel">
      <h2 id="calibration-heading">Calibration</h2>
      <p className="hint">
        Accuracy of the next-token predictions per confidence bin: bars on the diagonal are well calibrated, below it over-confident; ECE is the count-weighted mean gap.
      </p>
      {body}
    </section>
  );
}

function ReliabilityDiagram({ calibration }: { calibration: Calibration }) {
  const d = reliabilityDiagram(calibration);
  const titleId = useId();
  const { plot } = d;
  return (
    <figure className="reliability" aria-labelledby={titleId} data-testid="reliability-diagram" data-bins={calibration.bins.length}
      data-step={calibration.step}>
      <figcaption id={titleId}>
        At step {calibration.step}: ECE <strong data-testid="calibration-ece">{formatMetricValue(calibration.ece)}</strong>
        {' '}over {d.total.toLocaleString()} predictions
      </figcaption>
      <svg width={360} height={300} viewBox="0 0 360 300" role="img" tabIndex={0}
        aria-label={`Reliability diagram at step ${calibration.step}, ECE ${formatMetricValue(calibration.ece)}. The bins are listed in the table below.`}>
        <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="none" stroke="#cbd5e1" />
        {d.bars.map((bar) => (
          <rect key={`count-${bar.bin}`} className="reliability-count" x={bar.x + 1} y={bar.countY} width={Math.max(0, bar.width - 2)}
            height={bar.countHeight} fill="#94a3b8" fillOpacity={0.25} />
        ))}
        {d.bars.map((bar) => (
          <rect key={`bar-${bar.bin}`} className="reliability-bar" data-bin={bar.bin} x={bar.x + 1} y={bar.y}
            width={Math.max(0, bar.width - 2)} height={bar.height} fill="#2563eb" fillOpacity={0.8}>
            <title>{bar.label}</title>
          </rect>
        ))}
        <line className="reliability-diagonal" x1={d.diagonal.x1} y1={d.diagonal.y1} x2={d.diagonal.x2} y2={d.diagonal.y2}
          stroke="#dc2626" strokeDasharray="5 4" strokeWidth={1.5} />
        {d.ticks.map((t) => (
          <g key={t.value} className="reliability-tick">
            <text x={t.x} y={plot.y + plot.height + 14} textAnchor="middle">{t.value}</text>
            <text x={plot.x - 6} y={t.y + 4} textAnchor="end">{t.value}</text>
          </g>
        ))}
        <text x={plot.x + plot.width / 2} y={plot.y + plot.height + 32} textAnchor="middle" className="axis-title">confidence</text>
        <text x={12} y={plot.y + plot.height / 2} textAnchor="middle" className="axis-title"
          transform={`rotate(-90 12 ${plot.y + plot.height / 2})`}>accuracy</text>
      </svg>
      <details>
        <summary>The bins as a table</summary>
        <table className="table table-compact" data-testid="calibration-bins">
          <thead>
            <tr><th scope="col">Confidence</th><th scope="col" className="numeric">Mean confidence</th>
              <th scope="col" className="numeric">Accuracy</th><th scope="col" className="numeric">Predictions</th></tr>
          </thead>
          <tbody>
            {calibration.bins.map((bin, i) => (
              <tr key={i}>
                <th scope="row">{bin.lower.toFixed(2)}–{bin.upper.toFixed(2)}</th>
                <td className="numeric">{formatMetricValue(bin.confidence)}</td>
                <td className="numeric">{formatMetricValue(bin.accuracy)}</td>
                <td className="numeric">{bin.count.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
