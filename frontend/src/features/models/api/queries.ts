// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { getModel, listModels } from './requests';

export function useModels(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.models(workspace ?? ''),
    queryFn: () => listModels(workspace!),
    enabled: Boolean(workspace),
  });
}

export function useModel(id: number) {
  return useQuery({
    queryKey: queryKeys.model(id),
    queryFn: ({ signal }) => getModel(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}
