// Which method-specific panels a run page shows, from the run's method (its family) and the
// metrics it has reported.

import type { Method, Run } from '../api/types';

/** Preference optimisation (DPO, IPO, ...): implicit rewards of the chosen and rejected answers. */
export const PREFERENCE_TRAIN_METRICS = ['align/reward_chosen', 'align/reward_rejected', 'align/margin', 'align/accuracy'];
export const PREFERENCE_EVAL_METRICS = ['eval/accuracy', 'eval/margin'];
/** Reinforcement learning on sampled completions (GRPO, KDRL). */
export const RL_TRAIN_METRICS = ['rl/reward_mean', 'rl/reward_std', 'rl/kl'];
export const RL_EVAL_METRICS = ['eval/reward_mean', 'eval/correct_share'];
export const RL_METHODS = ['grpo', 'kdrl'];

export type AlignmentKind = 'preference' | 'rl';

export interface RunPanels {
  teacherGap: boolean;
  alignment: AlignmentKind | null;
  continual: boolean;
  calibration: boolean;
}

export function runPanels(run: Pick<Run, 'method' | 'teacher'>, method: Method | undefined, metricNames: Iterable<string>): RunPanels {
  const names = new Set(metricNames);
  const family = method?.family;
  const rl = RL_METHODS.includes(run.method) || [...names].some((n) => n.startsWith('rl/'));
  return {
    teacherGap: family === 'distillation' && run.teacher !== null && run.teacher !== undefined,
    alignment: family === 'alignment' || RL_METHODS.includes(run.method) ? (rl ? 'rl' : 'preference') : null,
    continual: family === 'continual' || Boolean(method?.requires.tasks),
    calibration: names.has('eval/ece'),
  };
}

/** The panel's metrics, train first then eval. */
export function alignmentMetrics(kind: AlignmentKind): { train: string[]; eval: string[] } {
  return kind === 'rl'
    ? { train: RL_TRAIN_METRICS, eval: RL_EVAL_METRICS }
    : { train: PREFERENCE_TRAIN_METRICS, eval: PREFERENCE_EVAL_METRICS };
}
