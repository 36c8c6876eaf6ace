// The workspace's open invitations, for its owners and admins: whom, as what, by whom, until when,
// with Resend (a new link and expiry; the old link stops working) and Revoke.

import { useState } from 'react';
import type { Workspace, WorkspaceInvitation } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { useResendInvitation, useRevokeInvitation } from './api/mutations';
import { useWorkspaceInvitations } from './api/queries';

export function inviteeName(invitation: WorkspaceInvitation): string {
  return invitation.username ?? invitation.email;
}

export function PendingInvitations({ workspace }: { workspace: Workspace }) {
  const invitations = useWorkspaceInvitations(workspace.slug, true);
  return (
    <div className="inline-panel" data-testid="pending-invitations" data-count={invitations.data?.length}>
      <h4 id="pending-invitations-heading" className="panel-title">Pending invitations</h4>
      {invitations.isPending && <p role="status">Loading invitations…</p>}
      {invitations.isError && <ErrorAlert error={invitations.error} title="Cannot load the invitations" />}
      {invitations.data && invitations.data.length === 0 && <p className="muted">No invitation is waiting for an answer.</p>}
      {invitations.data && invitations.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-labelledby="pending-invitations-heading">
            <thead>
              <tr>
                <th scope="col">Invited</th>
                <th scope="col">Role</th>
                <th scope="col">By</th>
                <th scope="col">Expires</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((invitation) => (
                <InvitationRow key={invitation.id} workspace={workspace} invitation={invitation} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function InvitationRow({ workspace, invitation }: { workspace: Workspace; invitation: WorkspaceInvitation }) {
  const [confirming, setConfirming] = useState(false);
  const resend = useResendInvitation(workspace.slug, invitation.id);
  const revoke = useRevokeInvitation(workspace.slug, invitation.id);
  const name = inviteeName(invitation);
  return (
    <tr data-invitation-id={invitation.id} data-invitee={name}>
      <th scope="row">
        {name}
        {invitation.username && invitation.email && <span className="muted"> ({invitation.email})</span>}
      </th>
      <td>{invitation.role}</td>
      <td>{invitation.invited_by ?? '—'}</td>
      <td>{invitation.expired ? <strong>expired</strong> : formatDateTime(invitation.expires_at)}</td>
      <td className="cell-actions">
        {!confirming && (
          <>
            <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}
              aria-label={`Resend the invitation to ${name}`}>
              {resend.isPending ? 'Sending…' : 'Resend'}
            </button>
            <button type="button" className="button-danger" onClick={() => { revoke.reset(); setConfirming(true); }}
              aria-label={`Revoke the invitation to ${name}`}>
              Revoke
            </button>
          </>
        )}
        {confirming && (
          <span className="confirm" role="group" aria-label={`Revoke the invitation to ${name}`}>
            <span>Revoke the invitation to {name}? Its link stops working.</span>
            <button type="button" className="button-danger" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
              {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={revoke.isPending}>Keep it</button>
          </span>
        )}
        {resend.isError && <ErrorAlert error={resend.error} title={`The invitation to ${name} was not sent again`} />}
        {revoke.isError && <ErrorAlert error={revoke.error} title={`The invitation to ${name} was not revoked`} />}
      </td>
    </tr>
  );
}
