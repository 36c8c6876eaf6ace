// Requests of this feature, one function per endpoint: Share links and the public page they open.

import { apiRequest } from '../../../api/client';
import type { MultiSeriesResponse, ShareLink, ShareLinkCreateRequest, SharedView, StepRange } from '../../../api/types';

export const listShareLinks = (workspace: string) =>
  apiRequest<ShareLink[]>('/share-links/', { query: { workspace } });

export const createShareLink = (body: ShareLinkCreateRequest) =>
  apiRequest<ShareLink>('/share-links/', { method: 'POST', body });

export const revokeShareLink = (id: number) => apiRequest<void>(`/share-links/${id}/`, { method: 'DELETE' });

/** What a share link shows; needs no account (404 once revoked). */
export const getShared = (token: string, signal?: AbortSignal) =>
  apiRequest<SharedView>(`/shared/${encodeURIComponent(token)}/`, { signal });

export const getSharedSeries = (token: string, names: readonly string[], maxPoints = 1000, signal?: AbortSignal,
  range?: StepRange) =>
  apiRequest<MultiSeriesResponse>(`/shared/${encodeURIComponent(token)}/series/`, {
    query: { names: names.join(','), max_points: maxPoints, step_min: range?.min, step_max: range?.max },
    signal,
  });
