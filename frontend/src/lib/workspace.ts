// Which workspace the UI shows: the one the user picked last time (kept in localStorage) if they
// still belong to it, otherwise their first.

import type { Workspace } from '../api/types';

export const WORKSPACE_STORAGE_KEY = 'distillery.workspace';

export function chooseWorkspace(workspaces: readonly Workspace[], remembered: string | null): Workspace | null {
  return workspaces.find((w) => w.slug === remembered) ?? workspaces[0] ?? null;
}

export function canWrite(workspace: Pick<Workspace, 'role'> | null | undefined): boolean {
  return Boolean(workspace) && workspace!.role !== 'viewer';
}
