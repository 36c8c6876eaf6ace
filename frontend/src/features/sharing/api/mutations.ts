// TanStack Query mutations of the sharing feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { revokeShareLink } from './requests';

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
