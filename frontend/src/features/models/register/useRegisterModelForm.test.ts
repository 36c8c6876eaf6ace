import { describe, expect, it } from 'vitest';
import { initialRegisterModelState, registerModelReducer, registerRequest } from './useRegisterModelForm';

const fresh = () => initialRegisterModelState(new URLSearchParams());

describe('initialRegisterModelState', () => {
  it('starts on a server path, or on the run given as ?run=', () => {
    expect(fresh()).toMatchObject({ source: 'path', runId: '' });
    expect(initialRegisterModelState(new URLSearchParams('run=12'))).toMatchObject({ source: 'run', runId: '12' });
  });
});

describe('registerModelReducer', () => {
  it('forgets the form\'s complaint when the source, the archive or the ingredients change', () => {
    const complaining = registerModelReducer(fresh(), { type: 'invalid', error: 'bad' });
    expect(registerModelReducer(complaining, { type: 'source', source: 'soup' }).formError).toBeNull();
    expect(registerModelReducer(complaining, { type: 'ingredients', ingredients: [1] }).formError).toBeNull();
    expect(registerModelReducer(complaining, { type: 'archive', archive: null }).formError).toBeNull();
  });

  it('empties the fields after a registration but keeps the source and run', () => {
    let state = registerModelReducer(fresh(), { type: 'source', source: 'run' });
    state = registerModelReducer(state, { type: 'field', field: 'runId', value: '4' });
    state = registerModelReducer(state, { type: 'field', field: 'name', value: 'distilled' });
    const after = registerModelReducer(state, { type: 'registered' });
    expect(after).toMatchObject({ source: 'run', runId: '4', name: '', archiveKey: 1 });
  });
});

describe('registerRequest', () => {
  it('builds the JSON body of each source', () => {
    const state = { ...fresh(), name: ' m ', path: ' /data/m ' };
    expect(registerRequest(state, 'demo')).toEqual({ ok: true, body: { workspace: 'demo', name: 'm', source: 'path', path: '/data/m' } });
    expect(registerRequest({ ...state, source: 'run', runId: '7' }, 'demo')).toEqual({
      ok: true, body: { workspace: 'demo', name: 'm', source: 'run', run: 7 },
    });
  });

  it('refuses bad JSON, a missing archive and fewer than two ingredients', () => {
    const state = fresh();
    expect(registerRequest({ ...state, source: 'config', configText: '{' }, 'demo').ok).toBe(false);
    expect(registerRequest({ ...state, source: 'upload' }, 'demo')).toMatchObject({ ok: false, error: 'Choose a .zip, .tar or .tar.gz archive to upload.' });
    expect(registerRequest({ ...state, source: 'soup', ingredients: [1] }, 'demo')).toMatchObject({ ok: false, error: 'Tick at least two models to average.' });
    expect(registerRequest({ ...state, source: 'soup', ingredients: [1, 2] }, 'demo')).toMatchObject({ ok: true });
  });
});
