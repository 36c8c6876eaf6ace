// "Used by runs" on a model's and a dataset's page: the runs that used it, the roles it played in
// each, their status and key metric; a role filter and pages of RUN_USAGE_PAGE_SIZE.

import { useState } from 'react';
import { Link } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import {
  DATASET_RUN_ROLES, MODEL_RUN_ROLES, type DatasetRun, type DatasetRunRole, type ModelRun, type ModelRunRole,
  type Paginated,
} from '../api/types';
import { useDatasetRuns } from '../features/datasets/api/queries';
import { useModelRuns } from '../features/models/api/queries';
import { formatDateTime } from '../lib/format';
import { formatKeyMetric, RUN_ROLE_LABELS } from '../lib/runUsage';
import { ErrorAlert } from './ErrorAlert';
import { StatusBadge } from './StatusBadge';

type Role = ModelRunRole | DatasetRunRole;

/** The role filter and page; another role starts again at page 1. */
function useRoleAndPage<R extends Role>() {
  const [role, setRoleState] = useState<R | ''>('');
  const [page, setPage] = useState(1);
  const setRole = (next: R | '') => {
    setRoleState(next);
    setPage(1);
  };
  return { role, setRole, page, setPage };
}

export function ModelRuns({ modelId }: { modelId: number }) {
  const filter = useRoleAndPage<ModelRunRole>();
  const runs = useModelRuns(modelId, filter.role, filter.page);
  return <RunsUsing what="model" roles={MODEL_RUN_ROLES} runs={runs} {...filter} />;
}

export function DatasetRuns({ datasetId }: { datasetId: number }) {
  const filter = useRoleAndPage<DatasetRunRole>();
  const runs = useDatasetRuns(datasetId, filter.role, filter.page);
  return <RunsUsing what="dataset" roles={DATASET_RUN_ROLES} runs={runs} {...filter} />;
}

interface RunsUsingProps<R extends Role> {
  what: 'model' | 'dataset';
  roles: readonly R[];
  runs: UseQueryResult<Paginated<ModelRun | DatasetRun>>;
  role: R | '';
  setRole: (role: R | '') => void;
  page: number;
  setPage: (update: (page: number) => number) => void;
}

function RunsUsing<R extends Role>({ what, roles, runs, role, setRole, page, setPage }: RunsUsingProps<R>) {
  const data = runs.data;
  return (
    <>
      <div className="field field-inline">
        <label htmlFor={`${what}-runs-role`}>Role</label>
        <select id={`${what}-runs-role`} value={role} onChange={(event) => setRole(event.target.value as R | '')}>
          <option value="">Every role</option>
          {roles.map((r) => <option key={r} value={r}>as {RUN_ROLE_LABELS[r]}</option>)}
        </select>
      </div>
      {runs.isPending && <p role="status">Loading the runs…</p>}
      {runs.isError && <ErrorAlert error={runs.error} title="Cannot load the runs" />}
      {data && (
        <>
          <p className="muted">
            {data.count} {data.count === 1 ? 'run' : 'runs'}{role && ` used it as ${RUN_ROLE_LABELS[role]}`}
            {page > 1 && `, page ${page}`}
          </p>
          <div className="table-wrap">
            <table className="table" data-testid={`${what}-runs`} data-page={page}>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Method</th>
                  <th scope="col">Used as</th>
                  <th scope="col">Status</th>
                  <th scope="col">Key metric</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.results.length === 0 && (
                  <tr><td colSpan={6} className="muted">
                    {role ? `No run used this ${what} as ${RUN_ROLE_LABELS[role]}.` : `No run has used this ${what} yet.`}
                  </td></tr>
                )}
                {data.results.map((run) => (
                  <tr key={run.id} data-testid="used-by-run" data-run-id={run.id}>
                    <td><Link to={`/runs/${run.id}`}>{run.name}</Link></td>
                    <td>{run.method}</td>
                    <td>{run.roles.map((r) => RUN_ROLE_LABELS[r]).join(', ')}</td>
                    <td><StatusBadge status={run.status} /></td>
                    <td className="numeric" data-testid="key-metric">{formatKeyMetric(run.key_metric)}</td>
                    <td><time dateTime={run.created_at}>{formatDateTime(run.created_at)}</time></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {(data.next || data.previous) && (
            <nav className="pagination" aria-label={`Pages of the runs that used this ${what}`}>
              <button type="button" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={!data.previous || runs.isFetching}>
                Newer runs
              </button>
              <button type="button" onClick={() => setPage((p) => p + 1)} disabled={!data.next || runs.isFetching}>
                Older runs
              </button>
            </nav>
          )}
        </>
      )}
    </>
  );
}
