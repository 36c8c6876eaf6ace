// Settings → the workspace's members: their roles (changed in place), removing one, leaving, and
// inviting one (features/teams).

import { useState } from 'react';
import { WORKSPACE_ROLES, type Workspace, type WorkspaceMember, type WorkspaceRole } from '../../../api/types';
import { useWorkspace } from '../../../app/workspace';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useMe } from '../../auth/api/queries';
import { useChangeMemberRole, useRemoveMember } from '../api/mutations';
import { useWorkspaceDetail } from '../api/queries';
import { WorkspaceInvitations } from '../../teams/WorkspaceInvitations';

/** The members table (a row per member, with its role and actions) and the invitations (features/teams). */
export function Members({ workspace }: { workspace: Workspace }) {
  const detail = useWorkspaceDetail(workspace.slug);
  const me = useMe();
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';
  return (
    <>
      <h3 id="members-heading">Members</h3>
      {detail.isPending && <p role="status">Loading members…</p>}
      {detail.isError && <ErrorAlert error={detail.error} title="Cannot load the members" />}
      {detail.data && (
        <div className="table-wrap">
          <table className="table" data-testid="settings-members" aria-labelledby="members-heading">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {detail.data.members.map((member) => (
                <MemberRow key={member.username} workspace={workspace} member={member} me={me.data?.username}
                  canManage={canManage} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <WorkspaceInvitations workspace={workspace} />
    </>
  );
}

/**
 * One member: their role (a select for owners and admins, saved on change) and Remove, or Leave
 * on your own row. Only an owner can make or change an owner, and the last owner can neither
 * leave nor lose the role: the server says so, and its message is shown on the row.
 */
function MemberRow({ workspace, member, me, canManage }: {
  workspace: Workspace;
  member: WorkspaceMember;
  me: string | undefined;
  canManage: boolean;
}) {
  const { workspaces, select } = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const isMe = member.username === me;
  const isOwner = workspace.role === 'owner';
  const changeRole = useChangeMemberRole(workspace.slug, member.username, isMe);
  const remove = useRemoveMember(workspace.slug, member.username, isMe, () => {
    setConfirming(false);
    if (isMe) {
      // Out of this workspace: the switcher moves to another one, if any.
      const other = workspaces.find((w) => w.slug !== workspace.slug);
      if (other) select(other.slug);
    }
  });
  // Owner rows and the owner role are an owner's business.
  const canEditRole = canManage && (isOwner || member.role !== 'owner');
  const canRemove = isMe || (canManage && (isOwner || member.role !== 'owner'));
  const roles = WORKSPACE_ROLES.filter((r) => r !== 'owner' || isOwner || member.role === 'owner');
  const selectId = `member-role-${member.username}`;
  const action = isMe ? 'Leave the workspace' : `Remove ${member.username}`;
  return (
    <tr data-username={member.username}>
      <th scope="row">{member.username}{isMe && <span className="muted"> (you)</span>}</th>
      <td>
        {canEditRole ? (
          <span className="inline-form">
            <label htmlFor={selectId} className="visually-hidden">Role for {member.username}</label>
            <select id={selectId} value={changeRole.isPending ? changeRole.variables : member.role}
              onChange={(e) => changeRole.mutate(e.target.value as WorkspaceRole)} disabled={changeRole.isPending}
              aria-describedby={`${selectId}-state`}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
            <span id={`${selectId}-state`} role="status" className="muted">
              {changeRole.isPending && 'Saving…'}
              {changeRole.isSuccess && 'Saved.'}
            </span>
          </span>
        ) : member.role}
        {changeRole.isError && <ErrorAlert error={changeRole.error} title={`The role of ${member.username} was not changed`} />}
      </td>
      <td className="cell-actions">
        {canRemove && !confirming && (
          <button type="button" className="button-danger" onClick={() => { remove.reset(); setConfirming(true); }}>
            {isMe ? 'Leave workspace' : `Remove ${member.username}`}
          </button>
        )}
        {confirming && (
          <span className="confirm" role="group" aria-label={action}>
            <span>{isMe ? `Leave ${workspace.name}? You lose access to its runs, models and data.` : `Remove ${member.username} from ${workspace.name}?`}</span>
            <button type="button" className="button-danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              {remove.isPending ? (isMe ? 'Leaving…' : 'Removing…') : isMe ? 'Yes, leave' : 'Yes, remove'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={remove.isPending}>{isMe ? 'Stay' : 'Keep'}</button>
          </span>
        )}
        {remove.isError && <ErrorAlert error={remove.error} title={isMe ? 'You did not leave' : `${member.username} was not removed`} />}
      </td>
    </tr>
  );
}
