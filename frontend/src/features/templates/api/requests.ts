// Requests of this feature, one function per endpoint: Run templates.

import { apiRequest } from '../../../api/client';
import type { Run, RunTemplate } from '../../../api/types';

export const listTemplates = (workspace: string) =>
  apiRequest<RunTemplate[]>('/templates/', { query: { workspace } });

export const launchTemplate = (id: number) => apiRequest<Run>(`/templates/${id}/launch/`, { method: 'POST' });
