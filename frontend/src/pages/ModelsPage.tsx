// Models of the current workspace, and a form to register one: a directory on the server, a
// transformers config (a fresh model built by the engine), a succeeded run's final model, or an
// uploaded archive (.zip, .tar, .tar.gz of a model directory; multipart over XMLHttpRequest for
// its progress).

import { Link } from 'react-router';
import { useModels } from '../features/models/api/queries';
import { RegisterModelForm } from '../features/models/register/RegisterModelForm';
import type { Model, Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatCount, formatDateTime } from '../lib/format';
import { canWrite } from '../lib/workspace';

export function ModelsPage() {
  useDocumentTitle('Models');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  return <ModelsView key={current.slug} workspace={current} />;
}

function ModelsView({ workspace }: { workspace: Workspace }) {
  const models = useModels(workspace.slug);
  const sorted = [...(models.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Models</h1>
          <p className="muted page-subtitle">in {workspace.name}</p>
        </div>
      </div>
      <section className="run-section" aria-labelledby="models-heading">
        <h2 id="models-heading">Registered models</h2>
        {models.isPending && <p role="status">Loading models…</p>}
        {models.isError && <ErrorAlert error={models.error} title="Cannot load the models" />}
        {models.data && models.data.length === 0 && <p className="muted">No models in {workspace.name} yet: register one below.</p>}
        {sorted.length > 0 && <ModelsTable models={sorted} />}
      </section>
      {canWrite(workspace) ? (
        <RegisterModelForm workspace={workspace} models={models.data ?? []} />
      ) : (
        <p className="alert alert-info">You are a viewer in {workspace.name}: viewers can look at models but not register them.</p>
      )}
    </>
  );
}

function ModelsTable({ models }: { models: Model[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="models-table">
        <caption className="visually-hidden">Models</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Source</th>
            <th scope="col">Architecture</th>
            <th scope="col" className="numeric">Parameters</th>
            <th scope="col" className="numeric">Vocab</th>
            <th scope="col">Produced by</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id} data-testid="model-row" data-model-id={model.id}>
              <th scope="row"><Link to={`/models/${model.id}`}>{model.name}</Link></th>
              <td>{model.source}</td>
              <td>{model.architecture || '—'}</td>
              <td className="numeric" title={model.parameter_count ? model.parameter_count.toLocaleString() : undefined}>
                {formatCount(model.parameter_count)}
              </td>
              <td className="numeric">{model.vocab_size?.toLocaleString() ?? '—'}</td>
              <td>{model.produced_by_run ? <Link to={`/runs/${model.produced_by_run}`}>run #{model.produced_by_run}</Link> : '—'}</td>
              <td>{model.created_at ? <time dateTime={model.created_at}>{formatDateTime(model.created_at)}</time> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
