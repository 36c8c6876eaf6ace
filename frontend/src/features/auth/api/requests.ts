// Requests of this feature, one function per endpoint: Signing in and out, and who is signed in.

import { apiRequest } from '../../../api/client';
import type { LoginRequest, User } from '../../../api/types';

export const login = (body: LoginRequest) => apiRequest<User>('/auth/login/', { method: 'POST', body });

export const logout = () => apiRequest<void>('/auth/logout/', { method: 'POST' });

export const getMe = () => apiRequest<User>('/auth/me/');
