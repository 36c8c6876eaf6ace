// TanStack Query mutations of the sharing feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { ShareLinkCreateRequest } from '../../../api/types';
import { createShareLink, revokeShareLink } from './requests';

/** Revokes a share link (its page answers 404 from now on); the audit log shows it. */
export function useRevokeShareLink(workspace: string, id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => revokeShareLink(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.shareLinks(workspace) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditAll(workspace) });
    },
  });
}

/** Makes a read-only link to these runs of `workspace`; the settings page's list refetches. */
export function useCreateShareLink(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<ShareLinkCreateRequest, 'workspace'>) => createShareLink({ workspace, ...body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.shareLinks(workspace) }),
  });
}
