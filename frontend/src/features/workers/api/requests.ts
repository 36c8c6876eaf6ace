// Requests of this feature, one function per endpoint: Workers.

import { apiRequest } from '../../../api/client';
import type { Worker } from '../../../api/types';

// `all=1`: stopped and long-silent workers too (the server deletes rows older than a week), so the
// dashboard can show them behind its toggle.
export const listWorkers = () =>
  apiRequest<Worker[]>('/workers/', { query: { all: '1' } });
