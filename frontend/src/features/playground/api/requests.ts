// Requests of this feature, one function per endpoint: Playground sessions.

import { apiRequest, apiUrl } from '../../../api/client';
import type { PlaygroundRequest, PlaygroundSession } from '../../../api/types';

export const startPlayground = (body: PlaygroundRequest) =>
  apiRequest<PlaygroundSession>('/playground/', { method: 'POST', body });

export const getPlayground = (id: number, signal?: AbortSignal) =>
  apiRequest<PlaygroundSession>(`/playground/${id}/`, { signal });

/** URL of a playground session's Server-Sent Events stream (`session`, `outputs`, `status`). */
export const playgroundEventsUrl = (id: number) => apiUrl(`/playground/${id}/events/`);
