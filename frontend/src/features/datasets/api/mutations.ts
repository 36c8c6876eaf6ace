// TanStack Query mutations of the datasets feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { TaskSequenceCreateRequest } from '../../../api/types';
import { createTaskSequence } from './requests';

/** Makes a task sequence out of datasets of the workspace; the dataset list refetches. */
export function useCreateTaskSequence(workspace: string, options: { onSuccess: () => void; onError: (error: Error) => void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<TaskSequenceCreateRequest, 'workspace' | 'kind'>) =>
      createTaskSequence({ workspace, kind: 'task-sequence', ...body }),
    onSuccess: () => {
      options.onSuccess();
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasets(workspace) });
    },
    onError: options.onError,
  });
}
