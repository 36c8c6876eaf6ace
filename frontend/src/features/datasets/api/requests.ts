// Requests of this feature, one function per endpoint: Datasets: list, task sequences, delete, token statistics.

import { apiRequest, listAll } from '../../../api/client';
import type { Dataset, DatasetDetail, TaskSequenceCreateRequest, TokenStats } from '../../../api/types';

export const listDatasets = (workspace: string) => listAll<Dataset>('/datasets/', { workspace });

export const getDataset = (id: number, signal?: AbortSignal) => apiRequest<DatasetDetail>(`/datasets/${id}/`, { signal });

/** A task sequence is made of datasets already registered, so it is plain JSON, not an upload. */
export const createTaskSequence = (body: TaskSequenceCreateRequest) =>
  apiRequest<DatasetDetail>('/datasets/', { method: 'POST', body });

/** Deletes one dataset version (409 while a run or a task sequence uses it). */
export const deleteDataset = (id: number) => apiRequest<void>(`/datasets/${id}/`, { method: 'DELETE' });

export const getTokenStats = (datasetId: number, modelId: number, signal?: AbortSignal) =>
  apiRequest<TokenStats>(`/datasets/${datasetId}/token-stats/`, { query: { model: modelId }, signal });
