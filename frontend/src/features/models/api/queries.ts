// TanStack Query hooks of this feature; their cache keys come from the one factory, api/queryKeys.ts.

import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import type { Model } from '../../../api/types';
import { descendantTree, lineageFromApi, walkLineage, type LineageFetchers } from '../../../lib/lineage';
import { getRun } from '../../runs/api/requests';
import type { ModelRunRole } from '../../../api/types';
import { getModel, getModelLineage, listModelRuns, listModels } from './requests';

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

/** Fetchers that share the query cache, so a model or run seen elsewhere is not asked for again. */
function cachedFetchers(client: QueryClient): LineageFetchers {
  return {
    getModel: (id) => client.fetchQuery({ queryKey: queryKeys.model(id), queryFn: ({ signal }) => getModel(id, signal), staleTime: 30_000 }),
    getRun: (id) => client.fetchQuery({ queryKey: queryKeys.run(id), queryFn: ({ signal }) => getRun(id, signal), staleTime: 30_000 }),
  };
}

/**
 * GET /models/{id}/lineage/ answers both directions in one request. A server without it (404 or
 * 405 there while the model itself loads) gets the older walk: one model or run at a time.
 */
async function loadLineage(model: Model, client: QueryClient, signal: AbortSignal) {
  try {
    const response = await getModelLineage(model.id, signal);
    return {
      lineage: lineageFromApi(response),
      descendants: descendantTree(model.id, response.descendants),
      ingredients: response.ingredients ?? null,
      soups: response.soups ?? null,
    };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      return {
        lineage: model.produced_by_run ? await walkLineage(model, cachedFetchers(client)) : { steps: [], stopped: null },
        descendants: null,
        ingredients: null,
        soups: null,
      };
    }
    throw error;
  }
}

/** A model's lineage both ways (see loadLineage); keyed by the run that produced it. */
export function useModelLineage(model: Model) {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.modelLineage(model.id, model.produced_by_run),
    queryFn: ({ signal }) => loadLineage(model, client, signal),
  });
}

/** A page of the runs that used the model; the previous page stays shown while the next loads. */
export function useModelRuns(id: number, role: ModelRunRole | '', page: number) {
  return useQuery({
    queryKey: queryKeys.modelRuns(id, role, page),
    queryFn: ({ signal }) => listModelRuns(id, role, page, signal),
    placeholderData: keepPreviousData,
  });
}
