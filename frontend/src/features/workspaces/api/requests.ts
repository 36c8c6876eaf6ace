// Requests of this feature, one function per endpoint: Workspaces, their members, audit log, notifications, history, invitations; API tokens.

import { apiRequest, apiUrl } from '../../../api/client';
import type { ApiToken, AuditEvent, CreatedApiToken, Delivery, HistoryImportResult, InvitationAccepted, NotificationChannel, NotificationChannelCreateRequest, Paginated, Workspace, WorkspaceDetail, WorkspaceMember, WorkspaceRole } from '../../../api/types';
import { uploadForm, type UploadOptions } from '../../../api/upload';

export const listWorkspaces = () => apiRequest<Workspace[]>('/workspaces/');

export const getWorkspace = (slug: string) => apiRequest<WorkspaceDetail>(`/workspaces/${encodeURIComponent(slug)}/`);

const memberPath = (slug: string, username: string) =>
  `/workspaces/${encodeURIComponent(slug)}/members/${encodeURIComponent(username)}/`;

export const changeMemberRole = (slug: string, username: string, role: WorkspaceRole) =>
  apiRequest<WorkspaceMember>(memberPath(slug, username), { method: 'PATCH', body: { role } });

/** Removes a member; with your own username, leaves the workspace. */
export const removeMember = (slug: string, username: string) =>
  apiRequest<void>(memberPath(slug, username), { method: 'DELETE' });

/** A page of the workspace's audit log, newest first. */
export const listAuditEvents = (slug: string, page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<AuditEvent>>(`/workspaces/${encodeURIComponent(slug)}/audit/`, { query: { page }, signal });

export const listTokens = () => apiRequest<ApiToken[]>('/tokens/');

export const createToken = (name: string) => apiRequest<CreatedApiToken>('/tokens/', { method: 'POST', body: { name } });

export const revokeToken = (id: number) => apiRequest<void>(`/tokens/${id}/`, { method: 'DELETE' });

const workspacePath = (slug: string, rest: string) => `/workspaces/${encodeURIComponent(slug)}/${rest}`;

export const listNotificationChannels = (slug: string) =>
  apiRequest<NotificationChannel[]>(workspacePath(slug, 'notifications/'));

export const createNotificationChannel = (slug: string, body: NotificationChannelCreateRequest) =>
  apiRequest<NotificationChannel>(workspacePath(slug, 'notifications/'), { method: 'POST', body });

export const deleteNotificationChannel = (id: number) => apiRequest<void>(`/notifications/${id}/`, { method: 'DELETE' });

export const listDeliveries = (slug: string, page: number, signal?: AbortSignal) =>
  apiRequest<Paginated<Delivery>>(workspacePath(slug, 'deliveries/'), { query: { page }, signal });

/** The address of the workspace's history download (a gzipped JSON Lines file). */
export const historyExportUrl = (slug: string) => apiUrl(workspacePath(slug, 'export/'));

/** Path (under /api/v1) that a history file is uploaded to with XMLHttpRequest. */
export const historyImportPath = (slug: string) => workspacePath(slug, 'import/');

/** Imports a downloaded history file into the workspace, all or nothing (multipart, with progress). */
export const importHistory = (slug: string, form: FormData, options: UploadOptions) =>
  uploadForm<HistoryImportResult>(historyImportPath(slug), form, options);

/** A visitor without an account makes one with the invitation's address, joins and is signed in. */
export const signUpWithInvitation = (token: string, body: { username: string; password: string }) =>
  apiRequest<InvitationAccepted>(`/invitations/${encodeURIComponent(token)}/accept/`, { method: 'POST', body });
