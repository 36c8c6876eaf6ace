// What a page shows instead of its content when there is no workspace to show it for.

import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from './ErrorAlert';

export function NoWorkspace() {
  const { isPending, error } = useWorkspace();
  if (isPending) return <p role="status">Loading workspaces…</p>;
  if (error) return <ErrorAlert error={error} title="Cannot load your workspaces" />;
  return (
    <div className="empty">
      <h2>No workspace yet</h2>
      <p>
        Runs, models and datasets live in a workspace, and you are not a member of any. Ask a workspace owner to invite you (their invitation shows above),
        or create one with <code>POST /api/v1/workspaces/</code>.
      </p>
    </div>
  );
}
