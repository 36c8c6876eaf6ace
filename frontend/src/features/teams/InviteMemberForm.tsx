// The invitation form of Settings → Members: an e-mail address (or the username of an account on
// this server) and a role. Nobody is added here: the invitee accepts from the e-mail's link or from
// the invitations shown to them once signed in.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { WORKSPACE_ROLES, type Workspace, type WorkspaceRole } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField } from '../../components/FormField';
import { placeFieldErrors } from '../../lib/jsonInput';
import { useInviteMember } from './api/mutations';
import type { Invitee } from './api/requests';
import { ROLE_TEXT } from './roles';

/** An address has an @; anything else names an account. */
export function inviteeOf(text: string): Invitee {
  const value = text.trim();
  return value.includes('@') ? { email: value } : { username: value };
}

export function InviteMemberForm({ workspace }: { workspace: Workspace }) {
  const [address, setAddress] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const [sentTo, setSentTo] = useState('');
  const invite = useInviteMember(workspace.slug, () => {
    setSentTo(address.trim());
    setAddress('');
  });
  const placed = placeFieldErrors(invite.error instanceof ApiError ? invite.error.errors : undefined,
    ['email', 'username', 'role'], invite.isError);
  // Only an owner can make someone an owner.
  const roles = WORKSPACE_ROLES.filter((r) => r !== 'owner' || workspace.role === 'owner');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (address.trim()) invite.mutate({ ...inviteeOf(address), role });
  };
  return (
    <form className="inline-panel" onSubmit={onSubmit} aria-labelledby="invite-member-heading">
      <h4 id="invite-member-heading" className="panel-title">Invite a member</h4>
      {placed.hasUnplaced && <ErrorAlert error={invite.error} title="The invitation was not sent" />}
      {invite.isSuccess && (
        <p role="status" className="alert alert-success" data-testid="invitation-sent">
          Invited {sentTo} as {invite.data.role}. They join {workspace.name} when they accept
          {invite.data.email ? ': an e-mail with the link is on its way.' : ' (they see the invitation when they sign in).'}
        </p>
      )}
      <div className="inline-form with-labels">
        <FormField id="invite-address" label="E-mail address or username"
          errors={[...placed.forField('email'), ...placed.forField('username')]}
          hint="An address gets an e-mail with a link (to sign in, or to make an account); a username, an invitation in the app.">
          {(control) => (
            <input {...control} value={address} onChange={(e) => setAddress(e.target.value)} required autoComplete="off"
              autoCapitalize="none" spellCheck={false} />
          )}
        </FormField>
        <FormField id="invite-role" label="Role" errors={placed.forField('role')} hint={ROLE_TEXT[role]}>
          {(control) => (
            <select {...control} value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          )}
        </FormField>
        <button type="submit" className="button-primary" disabled={invite.isPending || !address.trim()}>
          {invite.isPending ? 'Inviting…' : 'Send invitation'}
        </button>
      </div>
    </form>
  );
}
