// TanStack Query mutations of the workspaces feature (notifications, API tokens); the caches they
// touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { CreatedApiToken, InvitationAccepted, NotificationChannelCreateRequest } from '../../../api/types';
import { acceptInvitation, createNotificationChannel, createToken, deleteNotificationChannel, revokeToken } from './requests';

export function useCreateNotificationChannel(workspace: string, onCreated: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationChannelCreateRequest) => createNotificationChannel(workspace, body),
    onSuccess: () => {
      onCreated();
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications(workspace) });
    },
  });
}

export function useDeleteNotificationChannel(workspace: string, id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteNotificationChannel(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications(workspace) }),
  });
}

/** Creates an API token; `onCreated` gets it with its secret, shown this once. */
export function useCreateToken(onCreated: (token: CreatedApiToken) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => createToken(name),
    onSuccess: (token) => {
      onCreated(token);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
}

export function useRevokeToken(onRevoked: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => revokeToken(id),
    onSuccess: () => {
      onRevoked();
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
}

/** Accepts an invitation (signed in); the workspace list refetches before `onJoined` gets the answer. */
export function useAcceptInvitation(token: string, onJoined: (accepted: InvitationAccepted) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => acceptInvitation(token),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      onJoined(result);
    },
  });
}
