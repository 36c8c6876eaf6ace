// How the dashboard describes a worker: busy, idle, stale (no heartbeat for a while) or stopped.
// The server says whether a worker is stale (`stale`, against its own heartbeat timeout) and
// whether it is busy (`busy`: also when its run is in a workspace the user cannot see, whose id
// `current_run` leaves out).

import type { Worker, WorkerGpu } from '../api/types';
import { toDate } from './format';

export type WorkerState = 'busy' | 'idle' | 'stale' | 'stopped';

/** Seconds since the last heartbeat, or null when there was none (or its time is unreadable). */
export function heartbeatAge(worker: Pick<Worker, 'last_heartbeat'>, nowMs: number): number | null {
  const date = toDate(worker.last_heartbeat);
  return date ? Math.max(0, (nowMs - date.getTime()) / 1000) : null;
}

type WorkerFields = Pick<Worker, 'last_heartbeat' | 'stopped_at' | 'busy' | 'stale'>;

export function workerState(worker: WorkerFields): WorkerState {
  if (worker.stopped_at) return 'stopped';
  if (worker.stale) return 'stale';
  return worker.busy ? 'busy' : 'idle';
}

/** "0: NVIDIA H100 80GB HBM3 (80 GB)"; memory in GB with one decimal below 10. */
export function formatGpu(gpu: WorkerGpu): string {
  const gb = gpu.memory_mb / 1024;
  const memory = Number.isFinite(gb) && gb > 0 ? ` (${gb < 10 ? gb.toFixed(1) : Math.round(gb)} GB)` : '';
  return `${gpu.index}: ${gpu.name}${memory}`;
}

/** Workers that can take work first, then stale, then stopped; by hostname within each. */
export function sortWorkers<T extends WorkerFields & Pick<Worker, 'hostname'>>(workers: readonly T[]): T[] {
  const rank: Record<WorkerState, number> = { busy: 0, idle: 0, stale: 1, stopped: 2 };
  return [...workers].sort((a, b) =>
    rank[workerState(a)] - rank[workerState(b)] || a.hostname.localeCompare(b.hostname));
}
