import { describe, expect, it } from 'vitest';
import type { Method } from '../../../api/types';
import { makeDataset, makeRun, methods } from '../../../test/fixtures';
import { buildRunBody, initialNewRunState, newRunReducer } from './useNewRunForm';

const kd = methods.find((m) => m.name === 'kd_forward_kl')!;
const lm = methods.find((m) => m.name === 'lm_train')!;
const continual: Method = { ...lm, name: 'cl_replay', requires: { ...lm.requires, tasks: true, dataset_kinds: ['task-sequence'] } };
const datasets = [makeDataset({ id: 1, name: 'corpus', kind: 'text' }), makeDataset({ id: 9, name: 'seq', kind: 'task-sequence' })];

describe('initialNewRunState', () => {
  it('takes ?method, ?student and ?teacher for a new run', () => {
    const state = initialNewRunState(undefined, new URLSearchParams('method=kd_forward_kl&student=3&teacher=2'));
    expect(state).toMatchObject({ methodName: 'kd_forward_kl', student: '3', teacher: '2', seed: '0', device: 'cpu', gpus: '1', nodes: '1' });
  });

  it('fills a clone from its run', () => {
    const run = makeRun({ id: 4, name: 'base', seed: 5, resources: { gpus: 2, nodes: 3 }, tags: ['a', 'b'] });
    const state = initialNewRunState(run, new URLSearchParams('method=other'));
    expect(state).toMatchObject({ methodName: 'kd_forward_kl', name: 'base-clone', student: '3', teacher: '2', trainDataset: '1',
      seed: '5', device: 'gpu', gpus: '2', nodes: '3', tags: 'a, b' });
  });
});

describe('newRunReducer', () => {
  const start = { ...initialNewRunState(undefined, new URLSearchParams()), teacher: '2', trainDataset: '1', validationDataset: '1', replayDataset: '' };

  it('clears what a newly chosen method cannot use', () => {
    const toLm = newRunReducer(start, { type: 'method', method: lm, datasets });
    expect(toLm).toMatchObject({ methodName: 'lm_train', teacher: '', trainDataset: '1', validationDataset: '1' });
    const toTasks = newRunReducer(start, { type: 'method', method: continual, datasets });
    expect(toTasks).toMatchObject({ trainDataset: '', validationDataset: '' });
  });

  it('starts the config from a method once, and keeps where it started', () => {
    const state = newRunReducer(start, { type: 'configStarted', method: 'kd_forward_kl', start: { alpha: 0.5 } });
    const edited = newRunReducer(state, { type: 'config', config: { alpha: 0.7 } });
    expect(edited).toMatchObject({ configFor: 'kd_forward_kl', config: { alpha: 0.7 }, startConfig: { alpha: 0.5 } });
  });
});

describe('buildRunBody', () => {
  it('sends the fields the method reads, and no blank name', () => {
    const state = { ...initialNewRunState(undefined, new URLSearchParams()), student: '3', teacher: '2', trainDataset: '1',
      reference: '2', tags: 'x, y', device: 'gpu' as const, gpus: '2' };
    const body = buildRunBody(state, kd, 'demo');
    expect(body).toEqual({
      workspace: 'demo', method: 'kd_forward_kl', student: 3, teacher: 2, train_dataset: 1, validation_dataset: null,
      config: {}, seed: 0, resources: { gpus: 2, nodes: 1 }, tags: ['x', 'y'], notes: '',
    });
    expect(buildRunBody(state, lm, 'demo').teacher).toBeNull();
  });
});
