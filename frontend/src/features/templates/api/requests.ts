// Requests of this feature, one function per endpoint: Run templates.

import { apiRequest } from '../../../api/client';
import type { Run, RunTemplate, TemplateCreateRequest } from '../../../api/types';

export const listTemplates = (workspace: string) =>
  apiRequest<RunTemplate[]>('/templates/', { query: { workspace } });

export const launchTemplate = (id: number) => apiRequest<Run>(`/templates/${id}/launch/`, { method: 'POST' });

/** POST /templates/: a run recipe under a name (TemplateListApiInputRequest). */
export const createTemplate = (body: TemplateCreateRequest) => apiRequest<RunTemplate>('/templates/', { method: 'POST', body });

export const deleteTemplate = (id: number) => apiRequest<void>(`/templates/${id}/`, { method: 'DELETE' });
