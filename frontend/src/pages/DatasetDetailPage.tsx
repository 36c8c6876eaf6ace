// One dataset version: its facts, the other versions of the same name, and a preview of its first
// rows as a table.

import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useDataset, useDatasets } from '../api/queries';
import type { DatasetDetail } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatBytes, formatDateTime } from '../lib/format';
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
  const versions = (all.data ?? []).filter((d) => d.name === dataset.name).sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
  return (
    <>
      <p className="breadcrumb"><Link to="/datasets">Datasets</Link> <span aria-hidden="true">/</span> #{dataset.id}</p>
      <div className="page-header">
        <div>
          <h1>{dataset.name} <span className="muted">v{dataset.version}</span></h1>
          <p className="run-meta">{dataset.kind} · {dataset.format ?? 'jsonl'} · in {dataset.workspace}</p>
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
      <section className="run-section" aria-labelledby="dataset-preview-heading">
        <h2 id="dataset-preview-heading">Preview</h2>
        <Preview rows={dataset.preview ?? []} total={dataset.row_count} />
      </section>
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
