// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { listMethods } from './requests';

export function useMethods() {
  return useQuery({ queryKey: queryKeys.methods, queryFn: listMethods, staleTime: 10 * 60_000 });
}
