// The run page's details: the models and data it uses (by name, linked), its seed, resources,
// nodes and times.

import { Link } from 'react-router';
import type { Method, Run } from '../../../api/types';
import { formatDateTime, formatResources } from '../../../lib/format';
import { useDatasets } from '../../datasets/api/queries';
import { useModels } from '../../models/api/queries';

export function RunInputs({ run, method }: { run: Run; method: Method | undefined }) {
  const models = useModels(run.workspace);
  const datasets = useDatasets(run.workspace);
  const modelLink = (id: number | null) => (
    <Described id={id} name={models.data?.find((m) => m.id === id)?.name} to={`/models/${id}`} />
  );
  const datasetLink = (id: number | null) => (
    <Described id={id} name={datasets.data?.find((d) => d.id === id)?.name} to={`/datasets/${id}`} />
  );
  return (
    <dl className="details">
      <dt>Student</dt><dd>{modelLink(run.student)}</dd>
      {run.teacher !== null && <><dt>Teacher</dt><dd>{modelLink(run.teacher)}</dd></>}
      {(method?.requires.reference || (run.reference !== null && run.reference !== undefined)) && (
        <>
          <dt>Reference model</dt>
          <dd data-testid="run-reference">
            {run.reference !== null && run.reference !== undefined
              ? modelLink(run.reference)
              : <span title="The frozen copy of the student as it started">initial policy</span>}
          </dd>
        </>
      )}
      <dt>Training dataset</dt><dd>{datasetLink(run.train_dataset)}</dd>
      {!method?.requires.tasks && <><dt>Validation dataset</dt><dd>{datasetLink(run.validation_dataset)}</dd></>}
      {(method?.requires.tasks || (run.replay_dataset !== null && run.replay_dataset !== undefined)) && (
        <><dt>Replay dataset</dt><dd data-testid="run-replay-dataset">{run.replay_dataset ? datasetLink(run.replay_dataset) : 'none'}</dd></>
      )}
      <dt>Seed</dt><dd>{run.seed}</dd>
      <dt>Resources</dt><dd>{formatResources(run.resources)}</dd>
      {(run.nodes?.length ?? 0) > 0 && (
        <>
          <dt>Nodes</dt>
          <dd>
            <ul className="plain-list" data-testid="run-nodes">
              {run.nodes!.map((node) => (
                <li key={node.node_rank}>
                  node {node.node_rank}: {node.worker} ({node.address}) — {node.status}
                  {node.exit_code !== null && node.exit_code !== 0 ? `, exit code ${node.exit_code}` : ''}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {run.register_model_as && <><dt>Registers its model as</dt><dd>{run.register_model_as}</dd></>}
      {run.parent !== null && run.parent !== undefined && (
        <><dt>Parent run</dt><dd><Link to={`/runs/${run.parent}`}>#{run.parent}</Link></dd></>
      )}
      <dt>Started</dt><dd>{formatDateTime(run.started_at)}</dd>
      <dt>Finished</dt><dd>{formatDateTime(run.finished_at)}</dd>
    </dl>
  );
}

function Described({ id, name, to }: { id: number | null; name: string | undefined; to: string }) {
  if (id === null || id === undefined) return <>—</>;
  return <Link to={to}>{name ? `${name} (#${id})` : `#${id}`}</Link>;
}
