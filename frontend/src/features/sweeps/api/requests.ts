// Requests of this feature, one function per endpoint: Sweeps.

import { apiRequest } from '../../../api/client';
import type { Sweep, SweepCreateRequest, SweepDetail } from '../../../api/types';

export const createSweep = (body: SweepCreateRequest) => apiRequest<SweepDetail>('/sweeps/', { method: 'POST', body });

export const listSweeps = (workspace: string) =>
  apiRequest<Sweep[]>('/sweeps/', { query: { workspace } });

export const getSweep = (id: number, signal?: AbortSignal) => apiRequest<SweepDetail>(`/sweeps/${id}/`, { signal });
