// The runs table's chosen columns for one workspace, remembered in localStorage.

import { useCallback, useState } from 'react';
import { COLUMNS_STORAGE_PREFIX, DEFAULT_COLUMNS, parseColumns, serializeColumns, type RunColumn } from '../lib/columns';

function read(workspace: string): RunColumn[] {
  try {
    return parseColumns(localStorage.getItem(COLUMNS_STORAGE_PREFIX + workspace)) ?? [...DEFAULT_COLUMNS];
  } catch {
    return [...DEFAULT_COLUMNS];
  }
}

/** Render with `key={workspace}`: the columns are read once per workspace. */
export function useRunColumns(workspace: string): [RunColumn[], (columns: RunColumn[]) => void] {
  const [columns, setColumns] = useState(() => read(workspace));
  const save = useCallback((next: RunColumn[]) => {
    setColumns(next);
    try {
      localStorage.setItem(COLUMNS_STORAGE_PREFIX + workspace, serializeColumns(next));
    } catch {
      // Storage unavailable (private browsing, quota): the choice lasts for this page only.
    }
  }, [workspace]);
  return [columns, save];
}
