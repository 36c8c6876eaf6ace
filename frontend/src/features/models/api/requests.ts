// Requests of this feature, one function per endpoint: Models: list, register, delete, lineage.

import { apiRequest, listAll } from '../../../api/client';
import type { Model, ModelLineage, ModelRegisterRequest } from '../../../api/types';

export const listModels = (workspace: string) => listAll<Model>('/models/', { workspace });

export const getModel = (id: number, signal?: AbortSignal) => apiRequest<Model>(`/models/${id}/`, { signal });

export const registerModel = (body: ModelRegisterRequest) => apiRequest<Model>('/models/', { method: 'POST', body });

/** Deletes a model (409 while a run, a soup or a playground session uses it). */
export const deleteModel = (id: number) => apiRequest<void>(`/models/${id}/`, { method: 'DELETE' });

export const getModelLineage = (id: number, signal?: AbortSignal) =>
  apiRequest<ModelLineage>(`/models/${id}/lineage/`, { signal });
