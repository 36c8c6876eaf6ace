// TanStack Query mutations of the workspaces feature (notifications, API tokens, members,
// history import; invitations: features/teams); the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { queryKeys } from '../../../api/queryKeys';
import type { CreatedApiToken, NotificationChannelCreateRequest, WorkspaceRole } from '../../../api/types';
import type { UploadVariables } from '../../../api/upload';
import {
  changeMemberRole, createNotificationChannel, createToken, deleteNotificationChannel, importHistory,
  removeMember, revokeToken,
} from './requests';

/**
 * Imports a history file into the workspace with its progress (the variables' onProgress, then
 * onSent while the server imports); `stop` aborts the upload in flight (the mutation then fails
 * with an AbortError). An import can add runs, models and datasets anywhere, so every query refetches.
 */
export function useImportHistory(workspace: string) {
  const queryClient = useQueryClient();
  const abort = useRef<AbortController | null>(null);
  const importMutation = useMutation({
    mutationFn: async ({ form, ...options }: UploadVariables) => {
      const controller = new AbortController();
      abort.current = controller;
      try {
        return (await importHistory(workspace, form, { ...options, signal: controller.signal })).body;
      } finally {
        abort.current = null;
      }
    },
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const stop = useCallback(() => abort.current?.abort(), []);
  return { importHistory: importMutation, stop };
}

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

/** After a change to the members: the workspace (its member list) and its audit log refetch. */
function useMembersChanged(workspace: string) {
  const queryClient = useQueryClient();
  return (options: { ownRole?: boolean } = {}) => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(workspace) });
    // Your own role shows in the workspace switcher and decides what you may do.
    if (options.ownRole) void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
    void queryClient.invalidateQueries({ queryKey: queryKeys.auditAll(workspace) });
  };
}

/** Changes `username`'s role; `isMe`: your own, so the workspace list (your roles) refetches too. */
export function useChangeMemberRole(workspace: string, username: string, isMe: boolean) {
  const changed = useMembersChanged(workspace);
  return useMutation({
    mutationFn: (role: WorkspaceRole) => changeMemberRole(workspace, username, role),
    onSuccess: () => changed({ ownRole: isMe }),
  });
}

/**
 * Removes `username`; with `isMe`, leaves the workspace: then only the workspace list refetches
 * (the caller moves to another workspace in `onRemoved`).
 */
export function useRemoveMember(workspace: string, username: string, isMe: boolean, onRemoved: () => void) {
  const queryClient = useQueryClient();
  const changed = useMembersChanged(workspace);
  return useMutation({
    mutationFn: () => removeMember(workspace, username),
    onSuccess: () => {
      onRemoved();
      if (isMe) void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      else changed();
    },
  });
}
