// TanStack Query mutations of the runs feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { Run, RunCloneRequest, RunCreateRequest } from '../../../api/types';
import { configEdits } from '../../../lib/clone';
import { cloneRun, createRun } from './requests';

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
      const edits = configEdits(startConfig, edited);
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
