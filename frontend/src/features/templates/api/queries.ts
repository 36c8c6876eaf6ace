// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { listTemplates } from './requests';

export function useTemplates(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.templates(workspace ?? ''),
    queryFn: () => listTemplates(workspace!),
    enabled: Boolean(workspace),
  });
}
