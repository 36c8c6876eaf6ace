// Requests of this feature, one function per endpoint: The method catalog.

import { apiRequest } from '../../../api/client';
import type { Method } from '../../../api/types';

export const listMethods = () => apiRequest<Method[]>('/methods/');
