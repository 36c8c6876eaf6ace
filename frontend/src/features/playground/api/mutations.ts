// TanStack Query mutations of the playground feature.

import { useMutation } from '@tanstack/react-query';
import type { PlaygroundRequest, PlaygroundSession } from '../../../api/types';
import { startPlayground } from './requests';

/** Starts a session on a worker; `onStarted` gets it and the request it answers. */
export function useStartPlayground(onStarted: (session: PlaygroundSession, request: PlaygroundRequest) => void) {
  return useMutation({
    mutationFn: (body: PlaygroundRequest) => startPlayground(body),
    onSuccess: onStarted,
  });
}
