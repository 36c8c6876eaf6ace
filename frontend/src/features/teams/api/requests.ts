// Requests of the teams feature, one function per endpoint: a workspace's invitations (made with
// POST /workspaces/{slug}/members/, listed, sent again, revoked) and the invitee's side (their open
// invitations, accept, decline).

import { apiRequest } from '../../../api/client';
import type { InvitationAccepted, MyInvitation, WorkspaceInvitation, WorkspaceRole } from '../../../api/types';

const workspacePath = (slug: string, rest: string) => `/workspaces/${encodeURIComponent(slug)}/${rest}`;

/** Whom to invite: an e-mail address, or the username of an account on this server. */
export type Invitee = { email: string } | { username: string };

export const inviteMember = (slug: string, body: Invitee & { role: WorkspaceRole }) =>
  apiRequest<WorkspaceInvitation>(workspacePath(slug, 'members/'), { method: 'POST', body });

export const listWorkspaceInvitations = (slug: string) =>
  apiRequest<WorkspaceInvitation[]>(workspacePath(slug, 'invitations/'));

export const resendInvitation = (slug: string, id: number) =>
  apiRequest<WorkspaceInvitation>(workspacePath(slug, `invitations/${id}/resend/`), { method: 'POST' });

export const revokeInvitation = (slug: string, id: number) =>
  apiRequest<void>(workspacePath(slug, `invitations/${id}/`), { method: 'DELETE' });

export const listMyInvitations = () => apiRequest<MyInvitation[]>('/invitations/');

export const acceptInvitation = (token: string) =>
  apiRequest<InvitationAccepted>(`/invitations/${encodeURIComponent(token)}/accept/`, { method: 'POST' });

export const declineInvitation = (token: string) =>
  apiRequest<void>(`/invitations/${encodeURIComponent(token)}/decline/`, { method: 'POST' });
