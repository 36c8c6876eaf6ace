// Requests of this feature, one function per endpoint: Models: list, register, delete, lineage, runs.

import { apiRequest, listAll } from '../../../api/client';
import { RUN_USAGE_PAGE_SIZE } from '../../../lib/runUsage';
import type { Model, ModelLineage, ModelRegisterRequest, ModelRun, ModelRunRole, Paginated } from '../../../api/types';

export const listModels = (workspace: string) => listAll<Model>('/models/', { workspace });

export const getModel = (id: number, signal?: AbortSignal) => apiRequest<Model>(`/models/${id}/`, { signal });

export const registerModel = (body: ModelRegisterRequest) => apiRequest<Model>('/models/', { method: 'POST', body });

/** Deletes a model (409 while a run, a soup or a playground session uses it). */
export const deleteModel = (id: number) => apiRequest<void>(`/models/${id}/`, { method: 'DELETE' });

export const getModelLineage = (id: number, signal?: AbortSignal) =>
  apiRequest<ModelLineage>(`/models/${id}/lineage/`, { signal });

/** A page of the runs that used the model ('' for every role), newest first. */
export const listModelRuns = (id: number, role: ModelRunRole | '', page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<ModelRun>>(`/models/${id}/runs/`, { query: { role: role || undefined, page, page_size: RUN_USAGE_PAGE_SIZE }, signal });
