// Requests of this feature, one function per endpoint: Datasets: list, upload, task sequences, delete, token statistics, runs.

import { apiRequest, listAll } from '../../../api/client';
import type { Dataset, DatasetDetail, DatasetRun, DatasetRunRole, Paginated, TaskSequenceCreateRequest, TokenStats } from '../../../api/types';
import { RUN_USAGE_PAGE_SIZE } from '../../../lib/runUsage';
import { uploadForm, type UploadOptions } from '../../../api/upload';

export const listDatasets = (workspace: string) => listAll<Dataset>('/datasets/', { workspace });

export const getDataset = (id: number, signal?: AbortSignal) => apiRequest<DatasetDetail>(`/datasets/${id}/`, { signal });

/**
 * Uploads a dataset file (multipart, with progress: fetch reports none). 201: a new version;
 * 200: the newest version of that name already has exactly this content.
 */
export const uploadDataset = (form: FormData, options: UploadOptions) => uploadForm<Dataset>('/datasets/', form, options);

/** A task sequence is made of datasets already registered, so it is plain JSON, not an upload. */
export const createTaskSequence = (body: TaskSequenceCreateRequest) =>
  apiRequest<DatasetDetail>('/datasets/', { method: 'POST', body });

/** Deletes one dataset version (409 while a run or a task sequence uses it). */
export const deleteDataset = (id: number) => apiRequest<void>(`/datasets/${id}/`, { method: 'DELETE' });

export const getTokenStats = (datasetId: number, modelId: number, signal?: AbortSignal) =>
  apiRequest<TokenStats>(`/datasets/${datasetId}/token-stats/`, { query: { model: modelId }, signal });

/** A page of the runs that used the dataset ('' for every role), newest first. */
export const listDatasetRuns = (id: number, role: DatasetRunRole | '', page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<DatasetRun>>(`/datasets/${id}/runs/`, { query: { role: role || undefined, page, page_size: RUN_USAGE_PAGE_SIZE }, signal });
