// The workspace the screens show, chosen in the top bar and remembered in localStorage.

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useWorkspaces } from '../features/workspaces/api/queries';
import type { Workspace } from '../api/types';
import { chooseWorkspace, WORKSPACE_STORAGE_KEY } from '../lib/workspace';

interface WorkspaceState {
  workspaces: Workspace[];
  /** null while loading, or when the user belongs to no workspace. */
  current: Workspace | null;
  select: (slug: string) => void;
  isPending: boolean;
  error: Error | null;
}

const WorkspaceContext = createContext<WorkspaceState | null>(null);

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const query = useWorkspaces();
  const [remembered, setRemembered] = useState<string | null>(readRemembered);
  const select = useCallback((slug: string) => {
    setRemembered(slug);
    try {
      localStorage.setItem(WORKSPACE_STORAGE_KEY, slug);
    } catch {
      // Storage can be unavailable (private browsing); the choice then lasts for this page only.
    }
  }, []);
  const value = useMemo<WorkspaceState>(() => {
    const workspaces = query.data ?? [];
    return {
      workspaces,
      current: chooseWorkspace(workspaces, remembered),
      select,
      isPending: query.isPending,
      error: query.error,
    };
  }, [query.data, query.isPending, query.error, remembered, select]);
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceState {
  const state = useContext(WorkspaceContext);
  if (!state) throw new Error('useWorkspace must be used inside <WorkspaceProvider>.');
  return state;
}

function readRemembered(): string | null {
  try {
    return localStorage.getItem(WORKSPACE_STORAGE_KEY);
  } catch {
    return null;
  }
}
