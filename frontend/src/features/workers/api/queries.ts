// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { listWorkers } from './requests';

/** Workers are polled: a worker that stops sending heartbeats must turn stale on screen. */
export function useWorkers() {
  return useQuery({ queryKey: queryKeys.workers, queryFn: listWorkers, refetchInterval: 5000 });
}
