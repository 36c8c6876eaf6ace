// TanStack Query mutations of the models feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { queryKeys } from '../../../api/queryKeys';
import type { Model, ModelRegisterRequest } from '../../../api/types';
import { uploadForm, type UploadProgress } from '../../../api/upload';
import { deleteModel, registerModel } from './requests';

/**
 * Registers a model: JSON for every source but an upload, which goes as multipart with its
 * progress (`progress`: bytes sent, then 'checking' while the server unpacks it) and can be
 * stopped (`stop`). The workspace's model list is refetched afterwards.
 */
export function useRegisterModel(workspace: string, onRegistered: (model: Model) => void) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | 'checking' | null>(null);
  const abort = useRef<AbortController | null>(null);
  const register = useMutation({
    mutationFn: async (body: ModelRegisterRequest | FormData) => {
      if (!(body instanceof FormData)) return registerModel(body);
      const controller = new AbortController();
      abort.current = controller;
      const file = body.get('file');
      setProgress({ loaded: 0, total: file instanceof File ? file.size : null });
      try {
        const result = await uploadForm<Model>('/models/', body, {
          signal: controller.signal,
          onProgress: setProgress,
          onSent: () => setProgress('checking'),
        });
        return result.body;
      } finally {
        abort.current = null;
        setProgress(null);
      }
    },
    onSuccess: (model) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.models(workspace) });
      onRegistered(model);
    },
  });
  return { register, progress, stop: () => abort.current?.abort() };
}

/** Registers a model from JSON (e.g. a run's final model or checkpoint); the model list refetches. */
export function useRegisterModelJson(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ModelRegisterRequest) => registerModel(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.models(workspace) }),
  });
}

/** Deletes a model (409 while a run, a soup or a playground session uses it): it leaves the cache and the list refetches. */
export function useDeleteModel(model: Pick<Model, 'id' | 'workspace'>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteModel(model.id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.model(model.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.models(model.workspace) });
    },
  });
}
