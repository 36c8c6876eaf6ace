// An invitation link e-mailed by the server (/invitations/:token). Behind the sign-in gate, so a
// signed-out visitor signs in (or makes an account with it) and comes back here. The page says
// which workspace and role when the invitation is the signed-in user's; "Join workspace" accepts
// it, then the app switches to that workspace; "Decline" closes it.

import { Link, useParams } from 'react-router';
import { useAcceptInvitation, useDeclineInvitation } from '../features/teams/api/mutations';
import { useMyInvitations } from '../features/teams/api/queries';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function InvitationPage() {
  useDocumentTitle('Invitation');
  const { token = '' } = useParams();
  const { select } = useWorkspace();
  const mine = useMyInvitations().data?.find((invitation) => invitation.token === token);
  const accept = useAcceptInvitation(token, (result) => select(result.workspace));
  const decline = useDeclineInvitation(token);
  const state = accept.isSuccess ? 'joined' : decline.isSuccess ? 'declined'
    : accept.isError || decline.isError ? 'error' : accept.isPending || decline.isPending ? 'sending' : 'idle';
  const busy = accept.isPending || decline.isPending;
  return (
    <div className="page-narrow" data-testid="invitation-page" data-state={state}>
      <h1>Invitation</h1>
      {accept.isSuccess && (
        <div role="status" className="alert alert-success">
          <p>
            You joined <strong>{accept.data.workspace}</strong> as {accept.data.role}.
          </p>
          <p><Link to="/runs">Go to its runs</Link></p>
        </div>
      )}
      {decline.isSuccess && <p role="status" className="alert alert-info">You declined the invitation.</p>}
      {!accept.isSuccess && !decline.isSuccess && (
        <>
          <p>
            {mine
              ? <>{mine.invited_by ?? 'Someone'} invited you to <strong>{mine.workspace_name}</strong> as {mine.role}. </>
              : 'You have been invited to a workspace. '}
            Join it to see its runs, models and datasets.
          </p>
          {accept.isError && <ErrorAlert error={accept.error} title="Cannot join" />}
          {decline.isError && <ErrorAlert error={decline.error} title="The invitation was not declined" />}
          <button type="button" className="button-primary" onClick={() => accept.mutate()} disabled={busy}>
            {accept.isPending ? 'Joining…' : 'Join workspace'}
          </button>{' '}
          <button type="button" onClick={() => decline.mutate()} disabled={busy}>
            {decline.isPending ? 'Declining…' : 'Decline'}
          </button>
        </>
      )}
    </div>
  );
}
