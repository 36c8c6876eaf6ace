// The signed-in user's open invitations, above every page: who invited them where and as what,
// with Join and Decline. Nobody joins a workspace without this (or the e-mail's link).

import type { MyInvitation } from '../../api/types';
import { useWorkspace } from '../../app/workspace';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAcceptInvitation, useDeclineInvitation } from './api/mutations';
import { useMyInvitations } from './api/queries';

export function YourInvitations() {
  const invitations = useMyInvitations();
  // A list that failed to load is not worth a banner on every page; the e-mail's link still works.
  if (!invitations.data || invitations.data.length === 0) return null;
  return (
    <section className="alert alert-info" aria-labelledby="your-invitations-heading" data-testid="your-invitations">
      <h2 id="your-invitations-heading" className="panel-title">Invitations</h2>
      <ul className="plain-list">
        {invitations.data.map((invitation) => <InvitationItem key={invitation.token} invitation={invitation} />)}
      </ul>
    </section>
  );
}

function InvitationItem({ invitation }: { invitation: MyInvitation }) {
  const { select } = useWorkspace();
  const accept = useAcceptInvitation(invitation.token, (result) => select(result.workspace));
  const decline = useDeclineInvitation(invitation.token);
  const busy = accept.isPending || decline.isPending;
  return (
    <li data-workspace={invitation.workspace}>
      <span>
        {invitation.invited_by ?? 'Someone'} invited you to <strong>{invitation.workspace_name}</strong> as {invitation.role}.
      </span>{' '}
      <button type="button" className="button-primary" onClick={() => accept.mutate()} disabled={busy}>
        {accept.isPending ? 'Joining…' : `Join ${invitation.workspace_name}`}
      </button>{' '}
      <button type="button" onClick={() => decline.mutate()} disabled={busy}
        aria-label={`Decline the invitation to ${invitation.workspace_name}`}>
        {decline.isPending ? 'Declining…' : 'Decline'}
      </button>
      {accept.isError && <ErrorAlert error={accept.error} title="Cannot join" />}
      {decline.isError && <ErrorAlert error={decline.error} title="The invitation was not declined" />}
    </li>
  );
}
