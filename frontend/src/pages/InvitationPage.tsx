// An invitation link e-mailed by the server (/invitations/:token). Behind the sign-in gate, so a
// signed-out visitor signs in and comes back here; "Join workspace" accepts it, then the app
// switches to that workspace.

import { Link, useParams } from 'react-router';
import { useAcceptInvitation } from '../features/workspaces/api/mutations';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function InvitationPage() {
  useDocumentTitle('Invitation');
  const { token = '' } = useParams();
  const { select } = useWorkspace();
  const accept = useAcceptInvitation(token, (result) => select(result.workspace));
  const state = accept.isSuccess ? 'joined' : accept.isError ? 'error' : accept.isPending ? 'sending' : 'idle';
  return (
    <main className="page page-narrow" data-testid="invitation-page" data-state={state}>
      <h1>Invitation</h1>
      {accept.isSuccess ? (
        <div role="status" className="alert alert-success">
          <p>
            You joined <strong>{accept.data.workspace}</strong> as {accept.data.role}.
          </p>
          <p><Link to="/runs">Go to its runs</Link></p>
        </div>
      ) : (
        <>
          <p>You have been invited to a workspace. Join it to see its runs, models and datasets.</p>
          {accept.isError && <ErrorAlert error={accept.error} title="Cannot join" />}
          <button type="button" onClick={() => accept.mutate()} disabled={accept.isPending}>
            {accept.isPending ? 'Joining…' : 'Join workspace'}
          </button>
        </>
      )}
    </main>
  );
}
