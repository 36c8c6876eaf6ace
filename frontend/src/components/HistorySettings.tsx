// A workspace's history: download it (finished runs with their series, and descriptions of their
// models and datasets, as one gzipped JSON Lines file), or import such a file (all or nothing)
// with upload progress and a summary of what came in.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useImportHistory } from '../features/workspaces/api/mutations';
import { historyExportUrl } from '../features/workspaces/api/requests';
import type { HistoryImportResult, Workspace } from '../api/types';
import type { UploadProgress } from '../api/upload';
import { canWrite } from '../lib/workspace';
import { errorMessage } from './ErrorAlert';

type Phase =
  | { state: 'idle' }
  | { state: 'sending'; progress: UploadProgress }
  | { state: 'checking' }
  | { state: 'done'; result: HistoryImportResult }
  | { state: 'failed'; error: unknown };

export function HistorySettings({ workspace }: { workspace: Workspace }) {
  const { importHistory, stop } = useImportHistory(workspace.slug);
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [phase, setPhase] = useState<Phase>({ state: 'idle' });
  const [fileError, setFileError] = useState<string | null>(null);
  const busy = phase.state === 'sending' || phase.state === 'checking';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFileError(null);
    if (!file) {
      setFileError('Choose a history file (.jsonl.gz) made by a Download.');
      document.getElementById('history-file')?.focus();
      return;
    }
    const form = new FormData();
    form.append('file', file);
    setPhase({ state: 'sending', progress: { loaded: 0, total: file.size } });
    try {
      const result = await importHistory.mutateAsync({
        form,
        onProgress: (progress) => setPhase((p) => (p.state === 'sending' ? { state: 'sending', progress } : p)),
        onSent: () => setPhase({ state: 'checking' }),
      });
      setPhase({ state: 'done', result });
      setFile(null);
      setInputKey((k) => k + 1);
    } catch (error) {
      setPhase(error instanceof DOMException && error.name === 'AbortError' ? { state: 'idle' } : { state: 'failed', error });
    }
  };

  const percent = phase.state === 'sending' && phase.progress.total
    ? Math.round((100 * phase.progress.loaded) / phase.progress.total) : undefined;
  const serverErrors = phase.state === 'failed' && phase.error instanceof ApiError && phase.error.errors
    ? Object.entries(phase.error.errors).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : v}`) : [];

  return (
    <section className="run-section" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <p>
        <a className="button" href={historyExportUrl(workspace.slug)} download data-testid="history-export">
          Download history
        </a>{' '}
        <span className="hint">The finished runs of {workspace.name}: configs, statuses, summaries, full series, and descriptions of their models and datasets (gzipped JSON Lines).</span>
      </p>
      {canWrite(workspace) && (
        <form onSubmit={onSubmit} aria-label="Import history" data-testid="history-import" data-state={phase.state}>
          <h3>Import history</h3>
          <p className="hint">Recreates the runs of a downloaded history here, all or nothing. Imported models and datasets are descriptions only: no weights or data, so they cannot be trained with.</p>
          <div className={fileError ? 'field field-invalid' : 'field'}>
            <label htmlFor="history-file">History file</label>
            <input id="history-file" key={inputKey} type="file" accept=".gz,.jsonl.gz,application/gzip" aria-required="true"
              aria-describedby={fileError ? 'history-file-error' : undefined} aria-invalid={fileError ? true : undefined}
              disabled={busy} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setFileError(null); }} />
            {fileError && <ul id="history-file-error" className="field-errors"><li>{fileError}</li></ul>}
          </div>
          <div className="form-actions form-actions-tight">
            <button type="submit" className="button-primary" disabled={busy}>Import history</button>
            {phase.state === 'sending' && <button type="button" onClick={stop}>Stop import</button>}
          </div>
          {phase.state === 'sending' && (
            <div className="upload-progress" data-testid="history-import-progress" data-percent={percent}>
              <label htmlFor="history-import-bar">Uploading</label>{' '}
              <progress id="history-import-bar" max={phase.progress.total ?? undefined} value={phase.progress.loaded} />
              {percent !== undefined && ` ${percent}%`}
            </div>
          )}
          {phase.state === 'checking' && <p role="status">Importing the runs…</p>}
          {phase.state === 'done' && (
            <p role="status" className="alert alert-success" data-testid="history-import-result">
              Imported {phase.result.runs} runs, {phase.result.models} models, {phase.result.datasets} datasets and{' '}
              {phase.result.points.toLocaleString()} metric points.
            </p>
          )}
          {phase.state === 'failed' && (
            <div role="alert" className="alert alert-error" data-testid="history-import-error">
              <strong>Nothing was imported: </strong>{errorMessage(phase.error)}
              {serverErrors.length > 0 && <ul>{serverErrors.map((m) => <li key={m}>{m}</li>)}</ul>}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
