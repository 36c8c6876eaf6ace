// One dataset version: its facts, the other versions of the same name, the runs that used it, its
// token lengths under a chosen model's tokenizer, and a preview of its first rows as a table.

import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useDataset, useDatasets, useTokenStats } from '../features/datasets/api/queries';
import { useDeleteDataset } from '../features/datasets/api/mutations';
import { useModels } from '../features/models/api/queries';
import type { DatasetDetail, DatasetRef, TaskSequenceTask } from '../api/types';
import { DeleteButton } from '../components/DeleteButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { DatasetRuns } from '../components/RunsUsing';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatBytes, formatCount, formatDateTime } from '../lib/format';
import { histogramBars } from '../lib/tokenStats';
import { cellText, previewCell, previewColumns } from '../lib/preview';
import { NotFoundPage } from './NotFoundPage';

export function DatasetDetailPage() {
  const { datasetId } = useParams();
  const id = Number(datasetId);
  const dataset = useDataset(id);
  if (!Number.isInteger(id) || id <= 0) return <NotFoundPage />;
  if (dataset.isPending) return <p role="status">Loading dataset…</p>;
  if (dataset.isError) {
    if (dataset.error instanceof ApiError && dataset.error.status === 404) {
      return (
        <div className="empty">
          <h1>Dataset not found</h1>
          <p>{dataset.error.detail} <Link to="/datasets">Back to the datasets</Link>.</p>
        </div>
      );
    }
    return <ErrorAlert error={dataset.error} title="Cannot load the dataset" />;
  }
  return <DatasetView dataset={dataset.data} />;
}

function DatasetView({ dataset }: { dataset: DatasetDetail }) {
  useDocumentTitle(`${dataset.name} v${dataset.version ?? ''}`);
  const all = useDatasets(dataset.workspace);
  const remove = useDeleteDataset(dataset);
  const versions = (all.data ?? []).filter((d) => d.name === dataset.name).sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
  return (
    <>
      <p className="breadcrumb"><Link to="/datasets">Datasets</Link> <span aria-hidden="true">/</span> #{dataset.id}</p>
      <div className="page-header">
        <div>
          <h1>{dataset.name} <span className="muted">v{dataset.version}</span></h1>
          <p className="run-meta">{dataset.kind} · {dataset.format ?? 'jsonl'} · in {dataset.workspace}</p>
        </div>
        <div className="run-actions">
          <DeleteButton what={`dataset ${dataset.name} v${dataset.version}`} consequence="its stored file (other versions stay)"
            mutation={remove} backTo="/datasets" />
        </div>
      </div>
      <section className="run-section" aria-labelledby="dataset-details-heading">
        <h2 id="dataset-details-heading">Details</h2>
        <dl className="details">
          <dt>Kind</dt><dd>{dataset.kind}</dd>
          <dt>Rows</dt><dd>{dataset.row_count?.toLocaleString() ?? '—'}</dd>
          <dt>Size</dt><dd>{formatBytes(dataset.size_bytes)}</dd>
          <dt>SHA-256</dt><dd><code className="path">{dataset.sha256 ?? '—'}</code></dd>
          <dt>Created</dt><dd>{formatDateTime(dataset.created_at)}</dd>
          {versions.length > 1 && (
            <>
              <dt>Versions</dt>
              <dd>
                <ul className="inline-list" aria-label="Versions of this dataset">
                  {versions.map((v) => (
                    <li key={v.id}>
                      {v.id === dataset.id
                        ? <strong aria-current="page">v{v.version}</strong>
                        : <Link to={`/datasets/${v.id}`}>v{v.version}</Link>}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className="run-section" aria-labelledby="dataset-runs-heading">
        <h2 id="dataset-runs-heading">Used by runs</h2>
        <DatasetRuns datasetId={dataset.id} />
      </section>
      {dataset.kind === 'task-sequence' ? (
        <TaskList tasks={dataset.tasks ?? []} />
      ) : (
        <>
          <TokenStatsSection dataset={dataset} />
          <section className="run-section" aria-labelledby="dataset-preview-heading">
            <h2 id="dataset-preview-heading">Preview</h2>
            <Preview rows={dataset.preview ?? []} total={dataset.row_count} />
          </section>
        </>
      )}
    </>
  );
}

function Preview({ rows, total }: { rows: unknown[]; total: number | undefined }) {
  if (rows.length === 0) return <p className="muted">The server sent no preview rows.</p>;
  const columns = previewColumns(rows);
  return (
    <div className="table-wrap">
      <table className="table table-preview" data-testid="dataset-preview">
        <caption className="table-caption">
          The first {rows.length} of {total?.toLocaleString() ?? '?'} rows.
        </caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">Row</th>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <th scope="row" className="numeric">{i + 1}</th>
              {columns.map((c) => {
                const cell = cellText(previewCell(row, c));
                return (
                  <td key={c} className="cell-text">
                    {cell.text}
                    {cell.truncated && <span className="visually-hidden"> (cut short)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TokenStatsSection({ dataset }: { dataset: DatasetDetail }) {
  const models = useModels(dataset.workspace);
  const [chosen, setChosen] = useState<string | null>(null);
  // Until a model is chosen, the first one with a tokenizer path (if any) is used.
  const modelId = chosen ?? String(models.data?.find((m) => m.tokenizer_path)?.id ?? '');
  const stats = useTokenStats(dataset.id, modelId);
  const bars = stats.data ? histogramBars(stats.data.histogram) : [];
  return (
    <section className="run-section" aria-labelledby="token-stats-heading" data-testid="token-stats"
      data-state={!modelId ? 'idle' : stats.isPending ? 'loading' : stats.isError ? 'error' : 'ready'}>
      <h2 id="token-stats-heading">Token lengths</h2>
      <div className="field field-inline">
        <label htmlFor="token-stats-model">Tokenizer of</label>
        <select id="token-stats-model" value={modelId} onChange={(e) => setChosen(e.target.value)} disabled={models.isPending}>
          <option value="">{models.isPending ? 'Loading…' : 'Choose a model…'}</option>
          {(models.data ?? []).map((m) => <option key={m.id} value={m.id}>{m.name} (#{m.id})</option>)}
        </select>
      </div>
      {models.isError && <ErrorAlert error={models.error} title="Cannot load the models" />}
      {modelId && stats.isPending && <p role="status">Counting tokens…</p>}
      {stats.isError && <ErrorAlert error={stats.error} title="No token statistics" />}
      {stats.data && (
        <>
          <dl className="details token-stats-numbers">
            <dt>Sequences</dt><dd>{stats.data.sequences.toLocaleString()}{stats.data.sampled ? ` (a sample of ${stats.data.rows.toLocaleString()} rows)` : ''}</dd>
            <dt>Tokens</dt><dd title={stats.data.tokens.toLocaleString()}>{formatCount(stats.data.tokens)}</dd>
            <dt>Mean</dt><dd>{stats.data.mean.toLocaleString()}</dd>
            <dt>p50</dt><dd data-stat="p50">{stats.data.p50.toLocaleString()}</dd>
            <dt>p90</dt><dd data-stat="p90">{stats.data.p90.toLocaleString()}</dd>
            <dt>p99</dt><dd data-stat="p99">{stats.data.p99.toLocaleString()}</dd>
            <dt>Max</dt><dd data-stat="max">{stats.data.max.toLocaleString()}</dd>
          </dl>
          {bars.length > 0 && (
            <table className="histogram" data-testid="token-histogram">
              <caption className="table-caption">Sequences by length in tokens</caption>
              <thead><tr><th scope="col">Tokens</th><th scope="col">Sequences</th></tr></thead>
              <tbody>
                {bars.map((bar) => (
                  <tr key={bar.label}>
                    <th scope="row" className="numeric">{bar.label}</th>
                    <td>
                      <span className="histogram-bar" style={{ width: `${Math.max(bar.share * 100, bar.count ? 1 : 0)}%` }} aria-hidden="true" />
                      <span className="histogram-count">{bar.count.toLocaleString()}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function DatasetRefLink({ dataset }: { dataset: DatasetRef | null }) {
  if (!dataset) return <>—</>;
  return <Link to={`/datasets/${dataset.id}`}>{dataset.name}{dataset.version !== undefined ? ` v${dataset.version}` : ''}</Link>;
}

/** A task sequence's tasks in training order. */
function TaskList({ tasks }: { tasks: TaskSequenceTask[] }) {
  return (
    <section className="run-section" aria-labelledby="dataset-tasks-heading">
      <h2 id="dataset-tasks-heading">Tasks</h2>
      <p className="hint">A continual-learning run trains on these in order and evaluates every task's validation dataset after each one.</p>
      {tasks.length === 0 ? (
        <p className="muted">The server sent no tasks for this sequence.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="dataset-tasks">
            <caption className="visually-hidden">Tasks in training order</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">Order</th>
                <th scope="col">Task</th>
                <th scope="col">Training dataset</th>
                <th scope="col">Validation dataset</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((task, index) => (
                <tr key={`${index}-${task.name}`} data-task={task.name}>
                  <td className="numeric">{index + 1}</td>
                  <th scope="row">{task.name}</th>
                  <td><DatasetRefLink dataset={task.train_dataset} /></td>
                  <td><DatasetRefLink dataset={task.validation_dataset} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
