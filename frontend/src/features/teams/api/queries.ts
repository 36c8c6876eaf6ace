// TanStack Query hooks of the teams feature; their cache keys come from api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { listMyInvitations, listWorkspaceInvitations } from './requests';

/** The workspace's open invitations (owners and admins only: pass enabled=false for others). */
export function useWorkspaceInvitations(workspace: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.invitations(workspace),
    queryFn: () => listWorkspaceInvitations(workspace),
    enabled,
  });
}

/** The signed-in user's open invitations, checked again every minute. */
export function useMyInvitations() {
  return useQuery({ queryKey: queryKeys.myInvitations, queryFn: listMyInvitations, staleTime: 60_000 });
}
