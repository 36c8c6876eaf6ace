// TanStack Query mutations of the sweeps feature.

import { useMutation } from '@tanstack/react-query';
import type { SweepDetail } from '../../../api/types';
import { createSweep } from './requests';

/** Launches a sweep (its runs are queued by the server); `onCreated` gets the sweep. */
export function useCreateSweep(onCreated: (sweep: SweepDetail) => void) {
  return useMutation({ mutationFn: createSweep, onSuccess: onCreated });
}
