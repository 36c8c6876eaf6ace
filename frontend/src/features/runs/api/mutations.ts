// TanStack Query mutations of the runs feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { Run, RunCloneRequest, RunCreateRequest, RunPatch } from '../../../api/types';
import { configEdits } from '../../../lib/clone';
import { cancelRun, cloneRun, createRun, deleteRun, resumeRun, retryRun, updateRun } from './requests';

/**
 * Launches a run: POST /runs/, or for a clone of `source` POST /runs/{id}/clone/ with the config
 * fields changed since `startConfig` (the server deep-merges them) and the other fields as they
 * stand. The new run is put in the cache and the runs lists are refetched.
 */
export function useLaunchRun(options: {
  source?: Run;
  startConfig: Record<string, unknown>;
  onSuccess: (run: Run) => void;
  onError: (error: Error) => void;
}) {
  const queryClient = useQueryClient();
  const { source, startConfig } = options;
  return useMutation({
    mutationFn: (body: RunCreateRequest) => {
      if (!source) return createRun(body);
      const { workspace: _w, method: _m, config: edited, name: newName, ...rest } = body;
      const edits = configEdits(startConfig, edited ?? {});
      const clone: RunCloneRequest = {
        ...rest,
        ...(newName ? { name: newName } : {}),
        ...(edits ? { config: edits } : {}),
        teacher: body.teacher ?? null,
      };
      return cloneRun(source.id, clone);
    },
    onSuccess: (run) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      void queryClient.invalidateQueries({ queryKey: queryKeys.runsAll });
      options.onSuccess(run);
    },
    onError: options.onError,
  });
}

/** After an action that changed a run: the answer replaces the cached run; the lists refetch. */
function useRunChanged(id: number) {
  const queryClient = useQueryClient();
  return (updated: Run, refetchRun = true) => {
    queryClient.setQueryData(queryKeys.run(id), updated);
    if (refetchRun) void queryClient.invalidateQueries({ queryKey: queryKeys.run(id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.runsAll });
  };
}

export function useCancelRun(id: number) {
  const changed = useRunChanged(id);
  return useMutation({ mutationFn: () => cancelRun(id), onSuccess: (updated) => changed(updated) });
}

/** Puts a failed or cancelled run back in the queue from its last checkpoint. */
export function useResumeRun(id: number) {
  const changed = useRunChanged(id);
  return useMutation({ mutationFn: () => resumeRun(id), onSuccess: (updated) => changed(updated) });
}

export function useStarRun(id: number) {
  const changed = useRunChanged(id);
  return useMutation({ mutationFn: (starred: boolean) => updateRun(id, { starred }), onSuccess: (updated) => changed(updated, false) });
}

/** Saves notes and tags together (PATCH); `onSaved` gets the run as the server now has it. */
export function useSaveRunNotes(id: number, onSaved: (run: Run) => void) {
  const changed = useRunChanged(id);
  return useMutation({
    mutationFn: (body: Pick<RunPatch, 'notes' | 'tags'>) => updateRun(id, body),
    onSuccess: (updated) => {
      onSaved(updated);
      changed(updated, false);
    },
  });
}

/** Retries run `id` as a new run (its parent is `id`); `onCreated` gets the new run. */
export function useRetryRun(id: number, onCreated: (run: Run) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => retryRun(id),
    onSuccess: (created) => {
      queryClient.setQueryData(queryKeys.run(created.id), created);
      void queryClient.invalidateQueries({ queryKey: queryKeys.runsAll });
      onCreated(created);
    },
  });
}

/** Deletes a finished run; `onDeleted` runs once it is gone from the cache. */
export function useDeleteRun(id: number, onDeleted: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteRun(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.run(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.runsAll });
      onDeleted();
    },
  });
}
