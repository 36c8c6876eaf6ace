// The "Teacher gap" panel's arithmetic: where the distilled student's eval loss sits between the
// same student trained without a teacher (the baseline run) and the teacher itself.

import type { Run } from '../api/types';

/** The metric compared: validation loss, lower is better. */
export const GAP_METRIC = 'eval/loss';
/** The teacher's own evaluation, which the engine reports at step 0 of a distillation run. */
export const TEACHER_METRIC = 'eval/teacher/loss';
/** The method of a plain run without a teacher, the baseline's method. */
export const BASELINE_METHOD = 'lm_train';

export interface GapInputs {
  student: number | null;
  teacher: number | null;
  baseline: number | null;
  /** Whether a baseline run is chosen at all (a chosen run may still lack the metric). */
  baselineChosen: boolean;
}

export type GapResult = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Share of the gap closed = (baseline − student) / (baseline − teacher): 0 when distillation did
 * no better than training without a teacher, 1 when the student matches the teacher, above 1 when
 * it beats the teacher, below 0 when it did worse than the baseline.
 */
export function gapClosed({ student, teacher, baseline, baselineChosen }: GapInputs): GapResult {
  if (!baselineChosen) return { ok: false, reason: 'No baseline: choose a finished lm_train run of the same student.' };
  if (baseline === null || !Number.isFinite(baseline)) {
    return { ok: false, reason: `The baseline run has no ${GAP_METRIC}: it needs a validation dataset.` };
  }
  if (teacher === null || !Number.isFinite(teacher)) {
    return { ok: false, reason: `No ${TEACHER_METRIC} yet: the teacher is evaluated at step 0 when the run has validation data.` };
  }
  if (student === null || !Number.isFinite(student)) {
    return { ok: false, reason: `No ${GAP_METRIC} for this run yet.` };
  }
  if (baseline <= teacher) {
    return { ok: false, reason: 'The baseline is already as good as the teacher (its loss is not above the teacher\'s): there is no gap to close.' };
  }
  return { ok: true, value: (baseline - student) / (baseline - teacher) };
}

/** The last non-null value of a series' values, or null. */
export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined && Number.isFinite(value)) return value;
  }
  return null;
}

/** A run's last value of `name` from the summaries the server attaches to runs in lists. */
export function summaryLast(run: Pick<Run, 'summaries'> | undefined, name: string): number | null {
  const last = run?.summaries?.[name]?.last;
  return last === null || last === undefined || !Number.isFinite(last) ? null : last;
}

/**
 * The baseline offered first: the most recently created of `candidates` (finished lm_train runs)
 * with the same student model and training dataset as `run`; null when none matches.
 */
export function defaultBaseline(run: Pick<Run, 'id' | 'student' | 'train_dataset'>, candidates: readonly Run[]): Run | null {
  const matching = candidates.filter(
    (c) => c.id !== run.id && c.student === run.student && c.train_dataset === run.train_dataset,
  );
  matching.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  return matching[0] ?? null;
}

/**
 * The baseline in effect: `?baseline=ID` from the URL when it names a candidate, none with
 * `?baseline=none`, otherwise the default.
 */
export function chosenBaseline(
  param: string | null,
  run: Pick<Run, 'id' | 'student' | 'train_dataset'>,
  candidates: readonly Run[],
): Run | null {
  if (param === 'none') return null;
  if (param !== null) {
    const found = candidates.find((c) => String(c.id) === param);
    if (found) return found;
  }
  return defaultBaseline(run, candidates);
}
