// The continual-learning panel: the task-by-task matrix from the run's latest `cl-matrix` table
// artifact as a heatmap (row = after training on task i, column = evaluated on task j; darker is
// better), with a metric toggle and the summary numbers explained.

import { useId, useState } from 'react';
import { ApiError } from '../api/client';
import { useArtifactContent, useArtifacts } from '../features/runs/api/queries';
import type { Artifact, Run } from '../api/types';
import { isTableArtifact } from '../lib/calibration';
import { clMetrics, formatCell, heatmapLayout, readClMatrix, SUMMARY_EXPLANATIONS, type ClMatrix } from '../lib/clMatrix';
import { ErrorAlert } from './ErrorAlert';

export const CL_MATRIX_NAME = 'cl-matrix';

const CL_MATRIX_STEP = /^cl-matrix-step-(\d+)$/;

/** The artifact's step: from a `cl-matrix-step-N` name, else the artifact's own step. */
function matrixStep(artifact: Artifact): number {
  const match = artifact.name ? CL_MATRIX_STEP.exec(artifact.name) : null;
  return match ? Number(match[1]) : (artifact.step ?? -1);
}

/**
 * The newest table artifact named `cl-matrix` (the engine rewrites it after each task, each time a
 * new artifact row) or `cl-matrix-step-N`: the largest step, then the largest id.
 */
export function latestClMatrixArtifact(artifacts: readonly Artifact[]): Artifact | null {
  const matrices = artifacts.filter(
    (a) => (a.name === CL_MATRIX_NAME || CL_MATRIX_STEP.test(a.name ?? '')) && isTableArtifact(a) && a.id !== undefined,
  );
  matrices.sort((a, b) => matrixStep(b) - matrixStep(a) || (b.id ?? 0) - (a.id ?? 0));
  return matrices[0] ?? null;
}

export function ContinualMatrixPanel({ run, active }: { run: Run; active: boolean }) {
  const artifacts = useArtifacts(run.id, active);
  const artifact = latestClMatrixArtifact(artifacts.data ?? []);
  const content = useArtifactContent(run.id, artifact);
  const read = content.data !== undefined ? readClMatrix(content.data) : null;
  const missing = content.error instanceof ApiError && content.error.status === 404;

  let body;
  if (artifacts.isPending) body = <p role="status">Loading artifacts…</p>;
  else if (!artifact || missing) {
    body = (
      <p className="muted" data-testid="cl-matrix-state" data-state="unavailable">
        The task matrix is not available yet: the run writes it after each task it finishes.
      </p>
    );
  } else if (content.isError) body = <ErrorAlert error={content.error} title="Cannot load the task matrix" />;
  else if (!read) body = <p role="status">Loading the task matrix…</p>;
  else if (!read.ok) body = <p className="alert alert-error" role="alert">{read.error}</p>;
  else body = <MatrixView matrix={read.matrix} />;

  return (
    <section className="run-section method-panel" aria-labelledby="cl-heading" data-testid="cl-matrix-panel">
      <h2 id="cl-heading">Tasks over time</h2>
      <p className="hint">Each row is the model after training on one more task, each column its score on one task: forgetting shows as cells fading down a column.</p>
      {body}
    </section>
  );
}

function MatrixView({ matrix }: { matrix: ClMatrix }) {
  const metrics = clMetrics(matrix);
  const [chosen, setChosen] = useState(metrics[0] ?? 'accuracy');
  const metric = metrics.includes(chosen) ? chosen : (metrics[0] ?? chosen);
  const name = useId();
  const titleId = useId();
  const map = heatmapLayout(matrix, metric);
  const summary = matrix.summary[metric] ?? {};
  const direction = map.higherIsBetter ? 'higher is better' : 'lower is better';
  return (
    <div className="cl-matrix" data-testid="cl-matrix" data-metric={metric} data-completed={matrix.completed}>
      {metrics.length > 1 && (
        <fieldset className="segmented">
          <legend className="visually-hidden">Metric</legend>
          <span className="segmented-label" aria-hidden="true">Metric</span>
          {metrics.map((m) => (
            <label key={m} className="radio">
              <input type="radio" name={name} value={m} checked={m === metric} onChange={() => setChosen(m)} />
              {m}
            </label>
          ))}
        </fieldset>
      )}
      <div className="cl-matrix-body">
        <figure className="heatmap" aria-labelledby={titleId}>
          <figcaption id={titleId}>
            {metric} after each task ({direction}; darker = better), {matrix.completed} of {matrix.tasks.length} tasks done
          </figcaption>
          <svg width={map.width} height={map.height} viewBox={`0 0 ${map.width} ${map.height}`} role="img" tabIndex={0}
            aria-label={`Heatmap of ${metric}: rows after each task, columns on each task. The same values are in the table below.`}>
            {map.columns.map((c) => (
              <text key={c.label} x={c.x} y={map.rows[0] ? map.rows[0].y - 8 : 20} textAnchor="middle" className="heatmap-label">
                <title>on {c.label}</title>
                on {c.label.length > 8 ? `${c.label.slice(0, 7)}…` : c.label}
              </text>
            ))}
            {map.rows.map((r) => (
              <text key={r.label} x={map.geometry.labelWidth - 8} y={r.y + map.geometry.cell / 2 + 4} textAnchor="end" className={r.pending ? 'heatmap-label pending' : 'heatmap-label'}>
                <title>{r.label}{r.pending ? ' (pending)' : ''}</title>
                {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
              </text>
            ))}
            {map.cells.map((cell) => (
              <g key={`${cell.row}-${cell.column}`} className="heatmap-cell" data-row={cell.row} data-column={cell.column}
                data-pending={cell.pending ? 'true' : 'false'}>
                <rect x={cell.x + 1} y={cell.y + 1} width={map.geometry.cell - 2} height={map.geometry.cell - 2} fill={cell.fill} rx={3}
                  strokeDasharray={cell.pending ? '4 3' : undefined} stroke={cell.pending ? '#cbd5e1' : 'none'} />
                <text x={cell.x + map.geometry.cell / 2} y={cell.y + map.geometry.cell / 2 + 4} textAnchor="middle" fill={cell.textColor} className="heatmap-value">{cell.text}</text>
              </g>
            ))}
          </svg>
        </figure>
        <dl className="details cl-summary" data-testid="cl-summary">
          {SUMMARY_EXPLANATIONS.map((item) => (
            <div key={item.key} data-summary={item.key}>
              <dt>{item.label}</dt>
              <dd>
                <strong>{summary[item.key] === null || summary[item.key] === undefined ? '—' : formatCell(summary[item.key]!)}</strong>
                <span className="hint"> {item.explain(map.higherIsBetter)}{summary[item.key] === null ? ' Not computable yet.' : ''}</span>
              </dd>
            </div>
          ))}
        </dl>
      </div>
      <table className="visually-hidden">
        <caption>{metric} after each task</caption>
        <thead><tr><th scope="col">After</th>{matrix.tasks.map((t) => <th key={t} scope="col">on {t}</th>)}</tr></thead>
        <tbody>
          {map.rows.map((r, i) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              {map.cells.filter((c) => c.row === i).map((c) => <td key={c.column}>{c.text}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
