// TanStack Query mutations of the teams feature: inviting, sending again, revoking (a manager), and
// accepting or declining (the invitee).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { InvitationAccepted, WorkspaceRole } from '../../../api/types';
import {
  acceptInvitation, declineInvitation, inviteMember, resendInvitation, revokeInvitation, type Invitee,
} from './requests';

/** After a change to a workspace's invitations: its open invitations and audit log refetch. */
function useInvitationsChanged(workspace: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.invitations(workspace) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.auditAll(workspace) });
  };
}

export function useInviteMember(workspace: string, onInvited: () => void) {
  const changed = useInvitationsChanged(workspace);
  return useMutation({
    mutationFn: (body: Invitee & { role: WorkspaceRole }) => inviteMember(workspace, body),
    onSuccess: () => {
      onInvited();
      changed();
    },
  });
}

export function useResendInvitation(workspace: string, id: number) {
  const changed = useInvitationsChanged(workspace);
  return useMutation({ mutationFn: () => resendInvitation(workspace, id), onSuccess: changed });
}

export function useRevokeInvitation(workspace: string, id: number) {
  const changed = useInvitationsChanged(workspace);
  return useMutation({ mutationFn: () => revokeInvitation(workspace, id), onSuccess: changed });
}

/**
 * Accepts an invitation sent to you: your invitations and workspaces refetch before `onJoined` gets
 * the answer (so the workspace it names can be selected).
 */
export function useAcceptInvitation(token: string, onJoined: (accepted: InvitationAccepted) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => acceptInvitation(token),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.workspaces }),
        queryClient.invalidateQueries({ queryKey: queryKeys.myInvitations }),
      ]);
      onJoined(result);
    },
  });
}

export function useDeclineInvitation(token: string, onDeclined: () => void = () => {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => declineInvitation(token),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.myInvitations });
      onDeclined();
    },
  });
}
