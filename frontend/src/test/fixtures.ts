// Objects shaped like the server's answers, for screen tests.

import type { Dataset, Method, Model, Run, User, Workspace } from '../api/types';
import kdSchema from './fixtures/kd_forward_kl.engine.schema.json';

export const user: User = { id: 1, username: 'ada', email: 'ada@example.com' };

export const workspaces: Workspace[] = [
  { id: 1, name: 'Demo', slug: 'demo', role: 'owner' },
  { id: 2, name: 'Lab', slug: 'lab', role: 'viewer' },
];

export const methods: Method[] = [
  {
    name: 'lm_train',
    family: 'distillation',
    description: 'Causal language-model training.',
    paper: { title: 'A Neural Probabilistic Language Model', url: 'https://www.jmlr.org/papers/v3/bengio03a.html' },
    requires: { teacher: false, reference: false, dataset_kinds: ['text'] },
    schema: { type: 'object', properties: { training: { $ref: '#/$defs/TrainingConfig' } }, $defs: kdSchema.$defs },
  },
  {
    name: 'kd_forward_kl',
    family: 'distillation',
    description: 'Knowledge distillation with soft targets.',
    paper: { title: 'Distilling the Knowledge in a Neural Network', url: 'https://arxiv.org/abs/1503.02531' },
    requires: { teacher: true, reference: false, dataset_kinds: ['text'] },
    schema: kdSchema,
  },
];

export const models: Model[] = [
  { id: 3, workspace: 'demo', name: 'student-tiny', source: 'config' },
  { id: 2, workspace: 'demo', name: 'teacher-small', source: 'run' },
];

export const datasets: Dataset[] = [
  { id: 1, workspace: 'demo', name: 'corpus', kind: 'text' },
  { id: 5, workspace: 'demo', name: 'prefs', kind: 'preference' },
];

export function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    id: 7,
    workspace: 'demo',
    name: 'distil-1',
    method: 'kd_forward_kl',
    status: 'running',
    config: { training: { max_steps: 10 }, alpha: 0.1, temperature: 1 },
    student: 3,
    teacher: 2,
    train_dataset: 1,
    validation_dataset: null,
    seed: 0,
    resources: { gpus: 0 },
    tags: [],
    notes: '',
    creator: 'ada',
    parent: null,
    worker: 'worker-1',
    error_message: '',
    progress: { step: 3, total: 10, eta_s: 65, tokens_per_s: 1200 },
    summaries: {
      'train/loss': { last: 2.2, last_step: 3, min: 2.2, min_step: 3, max: 3, max_step: 1, count: 3 },
    },
    created_at: '2025-11-23T12:00:00Z',
    queued_at: '2025-11-23T12:00:00Z',
    started_at: '2025-11-23T12:00:05Z',
    finished_at: null,
    ...overrides,
  };
}
