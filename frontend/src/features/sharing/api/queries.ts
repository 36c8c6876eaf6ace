// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { isActiveStatus } from '../../../lib/runStatus';
import { getShared, getSharedSeries, listShareLinks } from './requests';

export function useShareLinks(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.shareLinks(workspace ?? ''),
    queryFn: () => listShareLinks(workspace!),
    enabled: Boolean(workspace),
  });
}

/** A share link's page: public, and not retried on 404 (a revoked link stays revoked). */
export function useShared(token: string) {
  return useQuery({
    queryKey: queryKeys.shared(token),
    queryFn: ({ signal }) => getShared(token, signal),
    enabled: token !== '',
    refetchInterval: (query) => (query.state.data?.runs.some((run) => isActiveStatus(run.status)) ? 10_000 : false),
  });
}

export function useSharedSeries(token: string, names: readonly string[], live: boolean) {
  return useQuery({
    queryKey: queryKeys.sharedSeries(token, names.join(',')),
    queryFn: ({ signal }) => getSharedSeries(token, names, 1000, signal),
    enabled: token !== '' && names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: live ? 10_000 : false,
  });
}
