// Objects shaped like the server's answers, for screen tests.

import type { Artifact, Dataset, Method, Model, Paginated, Run, User, Workspace } from '../api/types';
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
    requires: { teacher: false, reference: false, dataset_kinds: ['text'], tasks: false },
    schema: { type: 'object', properties: { training: { $ref: '#/$defs/TrainingConfig' } }, $defs: kdSchema.$defs },
  },
  {
    name: 'kd_forward_kl',
    family: 'distillation',
    description: 'Knowledge distillation with soft targets.',
    paper: { title: 'Distilling the Knowledge in a Neural Network', url: 'https://arxiv.org/abs/1503.02531' },
    requires: { teacher: true, reference: false, dataset_kinds: ['text'], tasks: false },
    schema: kdSchema,
  },
];

/** A DRF page of `items`, as the paged lists (runs, models, datasets) answer. */
export function paged<T>(items: T[], next: string | null = null): Paginated<T> {
  return { count: items.length, next, previous: null, results: items };
}

/** A model as GET /models/ lists it; `overrides` set what a test cares about. */
export function makeModel(overrides: Partial<Model> & Pick<Model, 'id' | 'name' | 'source'>): Model {
  return {
    workspace: 'demo', path: '', config: null, tokenizer_path: '', hub_id: '', architecture: '',
    parameter_count: null, vocab_size: null, dtype: '', has_tokenizer: null, inspected_at: null,
    inspection_error: '', produced_by_run: null, ingredients: [], soups: [], created_at: '2025-11-23T11:00:00Z',
    ...overrides,
  };
}

/** A dataset version as GET /datasets/ lists it. */
export function makeDataset(overrides: Partial<Dataset> & Pick<Dataset, 'id' | 'name' | 'kind'>): Dataset {
  return {
    workspace: 'demo', version: 1, format: 'jsonl', sha256: '', row_count: 0, size_bytes: 0,
    created_at: '2025-11-23T11:00:00Z',
    ...overrides,
  };
}

/** A run's artifact as GET /runs/{id}/artifacts/ lists it. */
export function makeArtifact(overrides: Partial<Artifact> & Pick<Artifact, 'id' | 'name' | 'kind'>): Artifact {
  return { path: '', step: null, size_bytes: 0, created_at: '2025-11-23T12:00:00Z', ...overrides };
}

export const models: Model[] = [
  makeModel({ id: 3, name: 'student-tiny', source: 'config' }),
  makeModel({ id: 2, name: 'teacher-small', source: 'run' }),
];

export const datasets: Dataset[] = [
  makeDataset({ id: 1, name: 'corpus', kind: 'text' }),
  makeDataset({ id: 5, name: 'prefs', kind: 'preference' }),
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
    reference: null,
    train_dataset: 1,
    validation_dataset: null,
    replay_dataset: null,
    seed: 0,
    resources: { gpus: 0 },
    tags: [],
    notes: '',
    creator: 'ada',
    parent: null,
    sweep: null,
    starred: false,
    attempt: 1,
    register_model_as: '',
    nodes: [],
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
