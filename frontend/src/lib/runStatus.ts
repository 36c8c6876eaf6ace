// Which run statuses are still moving; everything else is final.

import type { Run, RunStatus } from '../api/types';

export function isActiveStatus(status: RunStatus | string | undefined): boolean {
  return status === 'queued' || status === 'running';
}

/** Metric names of a run: the keys of its `summaries`. */
export function runMetricNames(run: Pick<Run, 'summaries'> | undefined): string[] {
  return run ? Object.keys(run.summaries) : [];
}

/** Latest value of a metric from the run's summaries, if the server sent them. */
export function lastMetricValue(run: Partial<Pick<Run, 'summaries'>>, name: string): number | null {
  return run.summaries?.[name]?.last ?? null;
}

/** The `count` runs that finished last (by finished_at, newest first; runs without one last). */
export function recentFinished<T extends Pick<Run, 'status' | 'finished_at' | 'created_at' | 'id'>>(runs: readonly T[], count: number): T[] {
  const time = (run: T) => Date.parse(run.finished_at ?? '') || 0;
  return runs
    .filter((run) => !isActiveStatus(run.status))
    .sort((a, b) => time(b) - time(a) || b.id - a.id)
    .slice(0, count);
}
