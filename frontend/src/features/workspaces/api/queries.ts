// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { getWorkspace, listAuditEvents, listDeliveries, listNotificationChannels, listTokens, listWorkspaces } from './requests';

export function useWorkspaces() {
  return useQuery({ queryKey: queryKeys.workspaces, queryFn: listWorkspaces, staleTime: 60_000 });
}

export function useWorkspaceDetail(slug: string | undefined) {
  return useQuery({
    queryKey: queryKeys.workspace(slug ?? ''),
    queryFn: () => getWorkspace(slug!),
    enabled: Boolean(slug),
  });
}

export function useAuditLog(workspace: string, page: number) {
  return useQuery({
    queryKey: queryKeys.audit(workspace, page),
    queryFn: ({ signal }) => listAuditEvents(workspace, page, signal),
    placeholderData: keepPreviousData,
  });
}

export function useTokens() {
  return useQuery({ queryKey: queryKeys.tokens, queryFn: listTokens });
}

export function useNotificationChannels(workspace: string) {
  return useQuery({ queryKey: queryKeys.notifications(workspace), queryFn: () => listNotificationChannels(workspace) });
}

/** A page of the workspace's notification deliveries, refreshed every 15 s. */
export function useDeliveries(workspace: string, page: number) {
  return useQuery({
    queryKey: queryKeys.deliveries(workspace, page),
    queryFn: ({ signal }) => listDeliveries(workspace, page, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}
