// The register-a-model form's state in one reducer: the chosen source, each source's fields, the
// archive to upload and the form's own complaint (bad JSON, no archive, too few ingredients).

import { useReducer } from 'react';
import type { ModelRegisterRequest, ModelSource } from '../../../api/types';
import { parseJsonObject } from '../../../lib/jsonInput';

export type RegisterSource = Exclude<ModelSource, 'imported'>;

export interface RegisterTextFields {
  name: string;
  path: string;
  hubId: string;
  configText: string;
  tokenizerPath: string;
  runId: string;
}

export interface RegisterModelState extends RegisterTextFields {
  source: RegisterSource;
  ingredients: number[];
  archive: File | null;
  /** Bumped to empty the file input (a file input cannot be set, only remounted). */
  archiveKey: number;
  /** What the form itself found wrong before sending. */
  formError: string | null;
}

export type RegisterModelAction =
  | { type: 'field'; field: keyof RegisterTextFields; value: string }
  | { type: 'source'; source: RegisterSource }
  | { type: 'ingredients'; ingredients: number[] }
  | { type: 'archive'; archive: File | null }
  | { type: 'invalid'; error: string | null }
  | { type: 'registered' };

/** `?run=ID` (a run page's "Register as model") starts on the run source with that run. */
export function initialRegisterModelState(params: URLSearchParams): RegisterModelState {
  return {
    source: params.get('run') ? 'run' : 'path',
    ingredients: [],
    name: '',
    path: '',
    hubId: '',
    configText: '',
    tokenizerPath: '',
    runId: params.get('run') ?? '',
    archive: null,
    archiveKey: 0,
    formError: null,
  };
}

export function registerModelReducer(state: RegisterModelState, action: RegisterModelAction): RegisterModelState {
  switch (action.type) {
    case 'field':
      return { ...state, [action.field]: action.value };
    case 'source':
      return { ...state, source: action.source, formError: null };
    case 'ingredients':
      return { ...state, ingredients: action.ingredients, formError: null };
    case 'archive':
      return { ...state, archive: action.archive, formError: null };
    case 'invalid':
      return { ...state, formError: action.error };
    case 'registered':
      // The source and the chosen run stay: registering several models from one place is common.
      return {
        ...state, archive: null, archiveKey: state.archiveKey + 1, name: '', path: '', hubId: '', configText: '',
        tokenizerPath: '', ingredients: [],
      };
  }
}

export function useRegisterModelForm(params: URLSearchParams) {
  const [state, dispatch] = useReducer(registerModelReducer, params, initialRegisterModelState);
  const set = (field: keyof RegisterTextFields) => (value: string) => dispatch({ type: 'field', field, value });
  return { state, dispatch, set };
}

/** What to send for the form as it stands, or why not and which control to focus. */
export type RegisterRequest =
  | { ok: true; body: ModelRegisterRequest | FormData }
  | { ok: false; error: string; focus: () => void };

export function registerRequest(state: RegisterModelState, workspace: string): RegisterRequest {
  const base = { workspace, name: state.name.trim() };
  switch (state.source) {
    case 'path':
      return { ok: true, body: { ...base, source: 'path', path: state.path.trim() } };
    case 'hub':
      return { ok: true, body: { ...base, source: 'hub', hub_id: state.hubId.trim() } };
    case 'config': {
      const parsed = parseJsonObject(state.configText);
      if (!parsed.ok) return { ok: false, error: parsed.error, focus: () => document.getElementById('model-config')?.focus() };
      return { ok: true, body: { ...base, source: 'config', config: parsed.value, tokenizer_path: state.tokenizerPath.trim() } };
    }
    case 'upload': {
      if (!state.archive) {
        return { ok: false, error: 'Choose a .zip, .tar or .tar.gz archive to upload.', focus: () => document.getElementById('model-file')?.focus() };
      }
      const form = new FormData();
      form.append('workspace', workspace);
      form.append('name', base.name);
      form.append('source', 'upload');
      form.append('file', state.archive);
      return { ok: true, body: form };
    }
    case 'soup':
      if (state.ingredients.length < 2) {
        return {
          ok: false,
          error: 'Tick at least two models to average.',
          focus: () => document.getElementById('model-ingredients')?.querySelector('input')?.focus(),
        };
      }
      return { ok: true, body: { ...base, source: 'soup', ingredients: state.ingredients } };
    case 'run':
      return { ok: true, body: { ...base, source: 'run', run: Number(state.runId) } };
  }
}
