// One function per REST endpoint the UI uses, so components never build URLs by hand.

import { apiRequest, apiUrl, listItems } from './client';
import type {
  Artifact, Dataset, ListResponse, LoginRequest, LogsResponse, Method, MetricSeriesResponse, Model, Paginated,
  Run, RunCreateRequest, RunListParams, User, Workspace,
} from './types';

export const login = (body: LoginRequest) => apiRequest<User>('/auth/login/', { method: 'POST', body });

export const logout = () => apiRequest<void>('/auth/logout/', { method: 'POST' });

export const getMe = () => apiRequest<User>('/auth/me/');

export const listWorkspaces = async () => listItems(await apiRequest<ListResponse<Workspace>>('/workspaces/'));

export const listMethods = async () => listItems(await apiRequest<ListResponse<Method>>('/methods/'));

export const listModels = async (workspace: string) =>
  listItems(await apiRequest<ListResponse<Model>>('/models/', { query: { workspace } }));

export const listDatasets = async (workspace: string) =>
  listItems(await apiRequest<ListResponse<Dataset>>('/datasets/', { query: { workspace } }));

export const listRuns = (params: RunListParams, signal?: AbortSignal) =>
  apiRequest<Paginated<Run>>('/runs/', { query: params, signal });

export const getRun = (id: number, signal?: AbortSignal) => apiRequest<Run>(`/runs/${id}/`, { signal });

export const createRun = (body: RunCreateRequest) => apiRequest<Run>('/runs/', { method: 'POST', body });

export const cancelRun = (id: number) => apiRequest<Run>(`/runs/${id}/cancel/`, { method: 'POST' });

export const getMetrics = (id: number, names: readonly string[], maxPoints = 1000, signal?: AbortSignal) =>
  apiRequest<MetricSeriesResponse>(`/runs/${id}/metrics/`, {
    query: { names: names.join(','), max_points: maxPoints },
    signal,
  });

export const getLogs = (id: number, after?: number, signal?: AbortSignal) =>
  apiRequest<LogsResponse>(`/runs/${id}/logs/`, { query: { after }, signal });

export const listArtifacts = async (id: number) =>
  listItems(await apiRequest<ListResponse<Artifact>>(`/runs/${id}/artifacts/`));

/** URL of the run's Server-Sent Events stream, for EventSource. */
export const runEventsUrl = (id: number) => apiUrl(`/runs/${id}/events/`);
