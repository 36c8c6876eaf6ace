// One model: its facts, its lineage (the runs and models it came from, and the models made from
// it, from GET /models/{id}/lineage/), the runs that used it (GET /models/{id}/runs/), and its config.

import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useDeleteModel } from '../features/models/api/mutations';
import { useModel, useModelLineage } from '../features/models/api/queries';
import type { Model, ModelRef } from '../api/types';
import { DeleteButton } from '../components/DeleteButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { ModelRuns } from '../components/RunsUsing';
import { StatusBadge } from '../components/StatusBadge';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatCount, formatDateTime } from '../lib/format';
import { lineageChain, type ChainItem, type DescendantNode, type LineageModel } from '../lib/lineage';
import { NotFoundPage } from './NotFoundPage';

export function ModelDetailPage() {
  const { modelId } = useParams();
  const id = Number(modelId);
  const model = useModel(id);
  if (!Number.isInteger(id) || id <= 0) return <NotFoundPage />;
  if (model.isPending) return <p role="status">Loading model…</p>;
  if (model.isError) {
    if (model.error instanceof ApiError && model.error.status === 404) {
      return (
        <div className="empty">
          <h1>Model not found</h1>
          <p>{model.error.detail} <Link to="/models">Back to the models</Link>.</p>
        </div>
      );
    }
    return <ErrorAlert error={model.error} title="Cannot load the model" />;
  }
  return <ModelView key={model.data.id} model={model.data} />;
}

function ModelView({ model }: { model: Model }) {
  useDocumentTitle(model.name);
  const remove = useDeleteModel(model);
  return (
    <>
      <p className="breadcrumb"><Link to="/models">Models</Link> <span aria-hidden="true">/</span> #{model.id}</p>
      <div className="page-header">
        <div>
          <h1>{model.name}</h1>
          <p className="run-meta">
            {model.architecture || 'unknown architecture'} · {formatCount(model.parameter_count)} parameters · from {model.source}
          </p>
        </div>
        <div className="run-actions">
          <Link className="button" to={`/runs/new?student=${model.id}`}>Train it as a student</Link>
          <Link className="button" to={`/runs/new?method=kd_forward_kl&teacher=${model.id}`}>Distil from it</Link>
          <DeleteButton what={`model ${model.name}`}
            consequence={model.source === 'upload' || model.source === 'run' ? 'the weights stored for it' : 'its registry entry (its files stay where they are)'}
            mutation={remove} backTo="/models" />
        </div>
      </div>
      <section className="run-section" aria-labelledby="model-details-heading">
        <h2 id="model-details-heading">Details</h2>
        <dl className="details">
          <dt>Source</dt><dd>{model.source}</dd>
          <dt>Architecture</dt><dd>{model.architecture || '—'}</dd>
          <dt>Parameters</dt><dd>{model.parameter_count ? `${formatCount(model.parameter_count)} (${model.parameter_count.toLocaleString()})` : '—'}</dd>
          <dt>Vocabulary</dt><dd>{model.vocab_size?.toLocaleString() ?? '—'}</dd>
          {model.path && <><dt>Path</dt><dd><code className="path">{model.path}</code></dd></>}
          {model.tokenizer_path && <><dt>Tokenizer</dt><dd><code className="path">{model.tokenizer_path}</code></dd></>}
          <dt>Produced by</dt>
          <dd>{model.produced_by_run ? <Link to={`/runs/${model.produced_by_run}`}>run #{model.produced_by_run}</Link> : '—'}</dd>
          <dt>Created</dt><dd>{formatDateTime(model.created_at)}</dd>
        </dl>
      </section>
      <section className="run-section" aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">Lineage</h2>
        <Lineage model={model} />
      </section>
      <section className="run-section" aria-labelledby="model-runs-heading">
        <h2 id="model-runs-heading">Used by runs</h2>
        <ModelRuns modelId={model.id} />
      </section>
      {model.config && Object.keys(model.config).length > 0 && (
        <section className="run-section" aria-labelledby="model-config-heading">
          <h2 id="model-config-heading">Config</h2>
          <pre className="code-block" data-testid="model-config">{JSON.stringify(model.config, null, 2)}</pre>
        </section>
      )}
    </>
  );
}

function Lineage({ model }: { model: Model }) {
  const lineage = useModelLineage(model);
  if (lineage.isPending) return <p role="status">Tracing the lineage…</p>;
  if (lineage.isError) return <ErrorAlert error={lineage.error} title="Cannot trace the lineage" />;
  const { lineage: up, descendants } = lineage.data;
  const chain = lineageChain(model, up);
  // The lineage names them; the model itself may only list ids.
  const ingredients = lineage.data.ingredients ?? refs(model.ingredients);
  const soups = lineage.data.soups ?? refs(model.soups);
  return (
    <>
      {(model.source === 'soup' || ingredients.length > 0) && (
        <div data-testid="model-ingredients" data-count={ingredients.length}>
          <h3>Soup of</h3>
          <p className="hint">This model's weights are the uniform average of these models' weights.</p>
          {ingredients.length === 0 ? <p className="muted">The server did not list the ingredients.</p> : <ModelRefList models={ingredients} label={`Ingredients of ${model.name}`} />}
        </div>
      )}
      {soups.length > 0 && (
        <div data-testid="model-soups" data-count={soups.length}>
          <h3>In weight soups</h3>
          <ModelRefList models={soups} label={`Soups made with ${model.name}`} />
        </div>
      )}
      {up.steps.length === 0 ? (
        <div data-testid="lineage" data-steps={0}>
          <p className="muted">
            No run produced this model: it was {model.source === 'upload' ? 'uploaded' : model.source === 'soup' ? 'averaged from other models (a weight soup)' : `registered from ${model.source === 'path' ? 'a directory on the server' : 'a config'}`}, so
            its lineage starts here.
          </p>
        </div>
      ) : (
        <div data-testid="lineage" data-steps={up.steps.length}>
          <p className="hint">
            Oldest first. Each arrow is a run: it starts from the model on its left (the teacher, for distillation) and produces
            the model on its right.
          </p>
          <ol className="lineage-chain" aria-label={`Lineage of ${model.name}`}>
            {chain.map((item, index) => <ChainNode key={index} item={item} />)}
          </ol>
          {up.stopped && <p className="alert alert-warning">{up.stopped.message}</p>}
        </div>
      )}
      {descendants && (
        <div data-testid="lineage-descendants" data-count={countNodes(descendants)}>
          <h3>Made from it</h3>
          {descendants.length === 0 ? (
            <p className="muted">No run has produced a model from {model.name} yet.</p>
          ) : (
            <DescendantList nodes={descendants} label={`Models made from ${model.name}`} />
          )}
        </div>
      )}
    </>
  );
}

const countNodes = (nodes: DescendantNode[]): number => nodes.reduce((n, node) => n + 1 + countNodes(node.children), 0);

function DescendantList({ nodes, label }: { nodes: DescendantNode[]; label?: string }) {
  return (
    <ul className="lineage-descendants" aria-label={label}>
      {nodes.map((node) => (
        <li key={`${node.run.id}-${node.model.id}`} className="descendant-item" data-model-id={node.model.id} data-run-id={node.run.id}>
          <span className="muted">{`as ${node.role} in`}</span>{' '}
          <code>{node.run.method}</code> <Link to={`/runs/${node.run.id}`}>{node.run.name || `run #${node.run.id}`}</Link>
          {' → '}<Link to={`/models/${node.model.id}`}>{node.model.name}</Link>
          <span className="muted"> #{node.model.id}{node.model.parameter_count ? ` · ${formatCount(node.model.parameter_count)}` : ''}</span>
          {node.children.length > 0 && <DescendantList nodes={node.children} />}
        </li>
      ))}
    </ul>
  );
}

function ModelNode({ model, current }: { model: LineageModel; current: boolean }) {
  return (
    <div className={current ? 'lineage-model current' : 'lineage-model'} aria-current={current ? 'page' : undefined}>
      {current ? <strong>{model.name}</strong> : <Link to={`/models/${model.id}`}>{model.name}</Link>}
      <span className="muted"> #{model.id}{model.source ? ` · ${model.source}` : ''}</span>
    </div>
  );
}

function ChainNode({ item }: { item: ChainItem }) {
  if (item.type === 'model') {
    return (
      <li className="lineage-item" data-kind="model" data-model-id={item.model.id}>
        <ModelNode model={item.model} current={item.current} />
      </li>
    );
  }
  const { run } = item.step;
  return (
    <li className="lineage-item lineage-run" data-kind="run" data-run-id={run.id}>
      <span className="lineage-arrow" aria-hidden="true">→</span>
      <div className="lineage-run-body">
        <code>{run.method}</code>{' '}
        <Link to={`/runs/${run.id}`}>{run.name || `run #${run.id}`}</Link>{run.status && <> <StatusBadge status={run.status} /></>}
        <div className="muted lineage-via">
          {item.via === 'teacher' ? 'teacher on the left' : 'trained from the model on the left'}
          {item.sideInput && (
            <>; student started from <Link to={`/models/${item.sideInput.id}`}>{item.sideInput.name}</Link></>
          )}
        </div>
      </div>
      <span className="lineage-arrow" aria-hidden="true">→</span>
    </li>
  );
}

function refs(items: (number | ModelRef)[] | undefined): ModelRef[] {
  return (items ?? []).map((item) => (typeof item === 'number' ? { id: item, name: `model #${item}` } : item));
}

function ModelRefList({ models, label }: { models: ModelRef[]; label: string }) {
  return (
    <ul className="inline-list" aria-label={label}>
      {models.map((m) => (
        <li key={m.id} data-model-id={m.id}><Link to={`/models/${m.id}`}>{m.name}</Link> <span className="muted">#{m.id}</span></li>
      ))}
    </ul>
  );
}
