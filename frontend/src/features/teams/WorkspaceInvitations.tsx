// Settings → Members, below the member list: for owners and admins the invitation form and the
// pending invitations; for everyone else, who can change the members.

import type { Workspace } from '../../api/types';
import { InviteMemberForm } from './InviteMemberForm';
import { PendingInvitations } from './PendingInvitations';

export function WorkspaceInvitations({ workspace }: { workspace: Workspace }) {
  if (workspace.role !== 'owner' && workspace.role !== 'admin') {
    return <p className="muted">Only the workspace's owners and admins can invite, change or remove members.</p>;
  }
  return (
    <>
      <InviteMemberForm workspace={workspace} />
      <PendingInvitations workspace={workspace} />
    </>
  );
}
