// The runs that used a model or a dataset (GET /models/{id}/runs/, /datasets/{id}/runs/): how their
// roles and key metric read on the model's and the dataset's pages.

import type { DatasetRunRole, ModelRun, ModelRunRole } from '../api/types';
import { formatMetricValue } from './format';

export const RUN_USAGE_PAGE_SIZE = 20;

export const RUN_ROLE_LABELS: Record<ModelRunRole | DatasetRunRole, string> = {
  student: 'student',
  teacher: 'teacher',
  reference: 'reference',
  train: 'training data',
  validation: 'validation data',
  replay: 'replay data',
};

/** "eval/loss 2.25 (step 20) ↓": the key metric, its last value and step, and which way is better. */
export function formatKeyMetric(metric: ModelRun['key_metric']): string {
  if (!metric) return '—';
  return `${metric.name} ${formatMetricValue(metric.value)} (step ${metric.step}) ${metric.higher_is_better ? '↑' : '↓'}`;
}
