// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import type { DatasetRunRole } from '../../../api/types';
import { getDataset, getTokenStats, listDatasetRuns, listDatasets } from './requests';

export function useDatasets(workspace: string | undefined) {
  return useQuery({
    queryKey: queryKeys.datasets(workspace ?? ''),
    queryFn: () => listDatasets(workspace!),
    enabled: Boolean(workspace),
  });
}

export function useDataset(id: number) {
  return useQuery({
    queryKey: queryKeys.dataset(id),
    queryFn: ({ signal }) => getDataset(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    staleTime: 60_000,
  });
}

/** Token lengths of a dataset under a model's tokenizer ('' for none chosen yet); a 4xx is not retried. */
export function useTokenStats(datasetId: number, modelId: string) {
  return useQuery({
    queryKey: queryKeys.tokenStats(datasetId, Number(modelId)),
    queryFn: ({ signal }) => getTokenStats(datasetId, Number(modelId), signal),
    enabled: modelId !== '',
    staleTime: 5 * 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

/** A page of the runs that used the dataset; the previous page stays shown while the next loads. */
export function useDatasetRuns(id: number, role: DatasetRunRole | '', page: number) {
  return useQuery({
    queryKey: queryKeys.datasetRuns(id, role, page),
    queryFn: ({ signal }) => listDatasetRuns(id, role, page, signal),
    placeholderData: keepPreviousData,
  });
}
