// Launch a run: pick a method (grouped by family), the models and datasets it needs, a name, seed
// and resources, and the method's hyperparameters (a form generated from its JSON Schema). The
// server's validation errors come back by dotted path and are shown next to their fields.
//
// `?clone=ID` fills the form from run ID (its method fixed) and sends the edits to
// POST /runs/{id}/clone/: the changed config fields only (the server deep-merges them) and the
// other fields as they stand.

import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import type { Workspace } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/NoWorkspace';
import { useRun } from '../features/runs/api/queries';
import { NewRunForm } from '../features/runs/new-run/NewRunForm';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function NewRunPage() {
  const [searchParams] = useSearchParams();
  const cloneId = Number(searchParams.get('clone'));
  useDocumentTitle(searchParams.get('clone') ? 'Clone run' : 'New run');
  const { current } = useWorkspace();
  if (!current) return <NoWorkspace />;
  if (searchParams.has('clone')) return <CloneForm key={`${current.slug}-${cloneId}`} current={current} cloneId={cloneId} />;
  // Models and datasets belong to the workspace: switching it starts the form afresh.
  return <NewRunForm key={current.slug} current={current} />;
}

/** Loads the run to clone, and moves to its workspace when another one is selected. */
function CloneForm({ current, cloneId }: { current: Workspace; cloneId: number }) {
  const run = useRun(cloneId);
  const { workspaces, select } = useWorkspace();
  const other = run.data && run.data.workspace !== current.slug && workspaces.some((w) => w.slug === run.data.workspace);
  useEffect(() => {
    if (other && run.data) select(run.data.workspace);
  }, [other, run.data, select]);
  if (!Number.isInteger(cloneId) || cloneId <= 0) {
    return <p role="alert" className="alert alert-error">“clone” must be a run id, e.g. <code>/runs/new?clone=12</code>.</p>;
  }
  if (run.isPending || other) return <p role="status">Loading run #{cloneId}…</p>;
  if (run.isError) return <ErrorAlert error={run.error} title={`Cannot load run #${cloneId} to clone`} />;
  return <NewRunForm current={current} source={run.data} />;
}
