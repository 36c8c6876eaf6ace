// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { isActiveStatus } from '../../../lib/runStatus';
import { getSweep, listSweeps } from './requests';

/** The workspace's sweeps; not retried (the runs page shows nothing when they cannot be listed). */
export function useSweeps(workspace: string) {
  return useQuery({ queryKey: queryKeys.sweeps(workspace), queryFn: () => listSweeps(workspace), retry: false });
}

/** One sweep with its runs; polled while any of them is active. */
export function useSweep(id: number) {
  return useQuery({
    queryKey: queryKeys.sweep(id),
    queryFn: ({ signal }) => getSweep(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    refetchInterval: (query) => (query.state.data?.runs.some((r) => isActiveStatus(r.status)) ? 5000 : false),
  });
}
