// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { getMe } from './requests';

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: getMe,
    staleTime: 5 * 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.isAuthError) && count < 2,
  });
}
