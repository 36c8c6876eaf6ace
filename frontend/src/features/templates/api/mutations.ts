// TanStack Query mutations of the templates feature; the caches they touch are named by api/queryKeys.ts.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import type { Run, RunTemplate, TemplateCreateRequest } from '../../../api/types';
import { createTemplate, deleteTemplate, launchTemplate } from './requests';

/** Launches a run from a template; `onLaunched` gets the new run. */
export function useLaunchTemplate(id: number, onLaunched: (run: Run) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => launchTemplate(id),
    onSuccess: (run) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      void queryClient.invalidateQueries({ queryKey: queryKeys.runsAll });
      onLaunched(run);
    },
  });
}

export function useDeleteTemplate(template: Pick<RunTemplate, 'id' | 'workspace'>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteTemplate(template.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.templates(template.workspace) }),
  });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TemplateCreateRequest) => createTemplate(body),
    onSuccess: (template) => void queryClient.invalidateQueries({ queryKey: queryKeys.templates(template.workspace) }),
  });
}
