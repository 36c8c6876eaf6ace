// Datasets of the current workspace: every version of every dataset, and an upload form that shows
// the upload's progress (XMLHttpRequest: fetch reports none), then the server's verdict. A file
// with bad rows is refused as a whole, and its bad rows are listed by row number.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useUploadDataset } from '../features/datasets/api/mutations';
import { useDatasets } from '../features/datasets/api/queries';
import { DATASET_KINDS, type Dataset, type DatasetKind, type Workspace } from '../api/types';
import type { UploadProgress } from '../api/upload';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert, errorMessage } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { NoWorkspace } from '../components/NoWorkspace';
import { TaskSequenceForm } from '../components/TaskSequenceForm';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { splitUploadErrors, type UploadErrors } from '../lib/datasetErrors';
import { formatBytes, formatCount, formatDateTime, shortSha } from '../lib/format';
import { canWrite } from '../lib/workspace';

/** What one row must look like, per kind (the server's webapp/registry/validation.py). */
type UploadKind = Exclude<DatasetKind, 'task-sequence'>;

export const KIND_SHAPES: Record<UploadKind, string> = {
  text: '{"text": "..."}',
  'prompt-completion': '{"prompt": "...", "completion": "..."}',
  chat: '{"messages": [{"role": "user", "content": "..."}, ...]}',
  preference: '{"prompt": "...", "chosen": "...", "rejected": "..."}',
  classification: '{"text": "...", "label": "..." or 0}',
};

export function DatasetsPage() {
  useDocumentTitle('Datasets');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <DatasetsView key={current.slug} workspace={current} />;
}

function DatasetsView({ workspace }: { workspace: Workspace }) {
  const datasets = useDatasets(workspace.slug);
  const sorted = [...(datasets.data ?? [])].sort(
    (a, b) => a.name.localeCompare(b.name) || (b.version ?? 0) - (a.version ?? 0) || b.id - a.id,
  );
  const names = [...new Set(sorted.map((d) => d.name))];
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Datasets</h1>
          <p className="muted page-subtitle">in {workspace.name}</p>
        </div>
      </div>
      {canWrite(workspace) ? (
        <>
          <UploadForm workspace={workspace} existingNames={names} />
          <TaskSequenceForm workspace={workspace} datasets={datasets.data ?? []} />
        </>
      ) : (
        <p className="alert alert-info">You are a viewer in {workspace.name}: viewers can look at datasets but not upload them.</p>
      )}
      <section className="run-section" aria-labelledby="datasets-heading">
        <h2 id="datasets-heading">All versions</h2>
        {datasets.isPending && <p role="status">Loading datasets…</p>}
        {datasets.isError && <ErrorAlert error={datasets.error} title="Cannot load the datasets" />}
        {datasets.data && datasets.data.length === 0 && <p className="muted">No datasets in {workspace.name} yet.</p>}
        {sorted.length > 0 && <DatasetsTable datasets={sorted} />}
      </section>
    </>
  );
}

function DatasetsTable({ datasets }: { datasets: Dataset[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="datasets-table">
        <caption className="visually-hidden">Datasets and their versions</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="numeric">Version</th>
            <th scope="col">Kind</th>
            <th scope="col" className="numeric">Rows</th>
            <th scope="col" className="numeric">Size</th>
            <th scope="col">SHA-256</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {datasets.map((dataset) => (
            <tr key={dataset.id} data-testid="dataset-row" data-dataset-id={dataset.id}>
              <th scope="row"><Link to={`/datasets/${dataset.id}`}>{dataset.name}</Link></th>
              <td className="numeric">v{dataset.version ?? '?'}</td>
              <td>{dataset.kind}</td>
              <td className="numeric" title={dataset.row_count !== undefined ? String(dataset.row_count) : undefined}>
                {formatCount(dataset.row_count)}
              </td>
              <td className="numeric">{formatBytes(dataset.size_bytes)}</td>
              <td><code title={dataset.sha256}>{shortSha(dataset.sha256)}</code></td>
              <td>{dataset.created_at ? <time dateTime={dataset.created_at}>{formatDateTime(dataset.created_at)}</time> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Phase =
  | { state: 'idle' }
  | { state: 'sending'; progress: UploadProgress }
  | { state: 'checking' }
  | { state: 'done'; dataset: Dataset; created: boolean }
  | { state: 'failed'; error: unknown; split: UploadErrors };

function UploadForm({ workspace, existingNames }: { workspace: Workspace; existingNames: string[] }) {
  const { upload, stop } = useUploadDataset(workspace.slug);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UploadKind>('text');
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<'' | 'jsonl' | 'csv' | 'parquet'>('');
  const [fileInputKey, setFileInputKey] = useState(0);
  const [phase, setPhase] = useState<Phase>({ state: 'idle' });
  const resultRef = useRef<HTMLDivElement>(null);

  // Leaving the page stops an upload in flight.
  useEffect(() => () => stop(), [stop]);

  const busy = phase.state === 'sending' || phase.state === 'checking';
  const fieldErrors = phase.state === 'failed' ? phase.split.fields : {};

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !name.trim() || busy) return;
    const form = new FormData();
    form.append('workspace', workspace.slug);
    form.append('name', name.trim());
    form.append('kind', kind);
    if (format) form.append('format', format);
    form.append('file', file, file.name);
    setPhase({ state: 'sending', progress: { loaded: 0, total: file.size } });
    try {
      const { dataset, created } = await upload.mutateAsync({
        form,
        onProgress: (progress) => setPhase((p) => (p.state === 'sending' ? { state: 'sending', progress } : p)),
        onSent: () => setPhase({ state: 'checking' }),
      });
      setPhase({ state: 'done', dataset, created });
      setFile(null);
      setFileInputKey((k) => k + 1);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        setPhase({ state: 'idle' });
      } else {
        setPhase({ state: 'failed', error, split: splitUploadErrors(error instanceof ApiError ? error.errors : undefined) });
      }
    } finally {
      requestAnimationFrame(() => resultRef.current?.focus());
    }
  };

  return (
    <section className="run-section" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a dataset</h2>
      <form onSubmit={onSubmit} aria-label="Upload a dataset" className="upload-form">
        <div className="form-grid">
          <FormField id="dataset-name" label="Name" errors={fieldErrors.name}
            hint="Uploading under an existing name adds a new version.">
            {(control) => (
              <>
                <input {...control} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required
                  autoComplete="off" list="dataset-names" disabled={busy} />
                <datalist id="dataset-names">
                  {existingNames.map((n) => <option key={n} value={n} />)}
                </datalist>
              </>
            )}
          </FormField>
          <FormField id="dataset-kind" label="Kind" errors={fieldErrors.kind} hint={<>Each line: <code>{KIND_SHAPES[kind]}</code></>}>
            {(control) => (
              <select {...control} value={kind} onChange={(e) => setKind(e.target.value as UploadKind)} disabled={busy}>
                {DATASET_KINDS.filter((k) => k.value !== 'task-sequence').map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
              </select>
            )}
          </FormField>
          <FormField id="dataset-file" label="File (JSONL)" errors={fieldErrors.file}
            hint="JSON Lines (one object per line), CSV with a header row, or Parquet; stored as JSON Lines. A file with any bad row is refused as a whole.">
            {(control) => (
              <input {...control} key={fileInputKey} type="file"
                accept=".jsonl,.json,.ndjson,.txt,.csv,.parquet,.pq,application/jsonl,application/x-ndjson,text/csv"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-required="true" disabled={busy} />
            )}
          </FormField>
          <FormField id="dataset-format" label="Format" errors={fieldErrors.format}
            hint="Read from the file name's extension unless chosen here.">
            {(control) => (
              <select {...control} value={format} onChange={(e) => setFormat(e.target.value as typeof format)} disabled={busy}>
                <option value="">From the file name</option>
                <option value="jsonl">JSON Lines</option>
                <option value="csv">CSV</option>
                <option value="parquet">Parquet</option>
              </select>
            )}
          </FormField>
        </div>
        <div className="form-actions form-actions-tight">
          <button type="submit" className="button-primary" disabled={busy || !file || !name.trim()}>
            {busy ? 'Uploading…' : 'Upload'}
          </button>
          {phase.state === 'sending' && (
            <button type="button" onClick={stop}>Stop upload</button>
          )}
        </div>
      </form>
      {busy && <UploadProgressBar phase={phase} fileSize={file?.size ?? null} />}
      <div ref={resultRef} tabIndex={-1} className="upload-result">
        {phase.state === 'done' && (
          <p role="status" className="alert alert-success" data-testid="dataset-upload-result">
            {phase.created
              ? <>Uploaded <Link to={`/datasets/${phase.dataset.id}`}>{phase.dataset.name} v{phase.dataset.version}</Link>: {phase.dataset.row_count} rows.</>
              : <>Nothing new stored: <Link to={`/datasets/${phase.dataset.id}`}>{phase.dataset.name} v{phase.dataset.version}</Link> already has exactly this content.</>}
          </p>
        )}
        {phase.state === 'failed' && <UploadFailure error={phase.error} split={phase.split} />}
      </div>
    </section>
  );
}

function UploadProgressBar({ phase, fileSize }: { phase: Phase; fileSize: number | null }) {
  const sending = phase.state === 'sending' ? phase.progress : null;
  const total = sending?.total ?? fileSize;
  const percent = sending && total ? Math.min(100, Math.round((sending.loaded / total) * 100)) : null;
  const text = sending
    ? `${formatBytes(sending.loaded)} of ${total !== null ? formatBytes(total) : '?'}${percent !== null ? ` (${percent}%)` : ''}`
    : 'Sent. The server is checking every row…';
  return (
    <div className="upload-progress" data-testid="dataset-upload-progress" data-state={phase.state} data-percent={percent ?? undefined}>
      <label htmlFor="dataset-upload-bar">{sending ? 'Uploading' : 'Checking'}</label>
      {/* No value while the server checks: an indeterminate bar. */}
      <progress id="dataset-upload-bar" max={100} value={sending && percent !== null ? percent : undefined} aria-valuetext={text} />
      <span className="progress-text" role="status">{text}</span>
    </div>
  );
}

function UploadFailure({ error, split }: { error: unknown; split: UploadErrors }) {
  const status = error instanceof ApiError ? error.status : 0;
  const title = status === 413 ? 'The file is too large' : 'The dataset was not stored';
  return (
    <>
      <div role="alert" className="alert alert-error" data-testid="dataset-upload-error">
        <strong>{title}: </strong>{errorMessage(error)}
      </div>
      {split.rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="dataset-row-errors">
            <caption className="table-caption">
              {split.rows.length} bad {split.rows.length === 1 ? 'row' : 'rows'} listed (the server lists at most 20). Row
              numbers count the file's lines from 1.
            </caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">Row</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {split.rows.map((row) => (
                <tr key={row.row} data-row={row.row}>
                  <th scope="row" className="numeric">{row.row}</th>
                  <td>{row.messages.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
