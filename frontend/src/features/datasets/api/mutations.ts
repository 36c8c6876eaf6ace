// TanStack Query mutations of the datasets feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { queryKeys } from '../../../api/queryKeys';
import type { Dataset, TaskSequenceCreateRequest } from '../../../api/types';
import type { UploadVariables } from '../../../api/upload';
import { createTaskSequence, deleteDataset, uploadDataset } from './requests';

/**
 * Uploads a dataset file with its progress (the variables' onProgress, then onSent while the
 * server checks every row); `stop` aborts the upload in flight (the mutation then fails with an
 * AbortError). `created` is false when nothing new was stored. The dataset list refetches.
 */
export function useUploadDataset(workspace: string) {
  const queryClient = useQueryClient();
  const abort = useRef<AbortController | null>(null);
  const upload = useMutation({
    mutationFn: async ({ form, ...options }: UploadVariables): Promise<{ dataset: Dataset; created: boolean }> => {
      const controller = new AbortController();
      abort.current = controller;
      try {
        const result = await uploadDataset(form, { ...options, signal: controller.signal });
        return { dataset: result.body, created: result.status === 201 };
      } finally {
        abort.current = null;
      }
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.datasets(workspace) }),
  });
  const stop = useCallback(() => abort.current?.abort(), []);
  return { upload, stop };
}

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

/** Deletes one dataset version (409 while a run or a task sequence uses it): it leaves the cache and the list refetches. */
export function useDeleteDataset(dataset: Pick<Dataset, 'id' | 'workspace'>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteDataset(dataset.id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.dataset(dataset.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasets(dataset.workspace) });
    },
  });
}
