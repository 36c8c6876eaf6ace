// The new-run form's state in one reducer: every field, the config and where it started, and the
// errors of the last attempt. The section components read the state and dispatch; the rules that
// tie fields together (a method change clears what the new method does not take) live here.

import { useReducer } from 'react';
import type { Dataset, Method, Run, RunCreateRequest } from '../../../api/types';
import type { Config } from '../../../components/HyperparameterForm';
import { parseTags, tagsText } from '../../../lib/clone';
import type { ErrorPlacement, ErrorTree } from '../../../lib/formErrors';
import { datasetsForMethod } from '../../../lib/methods';

export type Device = 'cpu' | 'gpu';

/** The server's refusal of the last attempt, placed on the form. */
export interface SubmitErrors {
  error: unknown;
  placement: ErrorPlacement;
  fields: Record<string, string[]>;
  config: ErrorTree | null;
}

/** The form's text fields, as typed (ids as strings, '' for none). */
export interface RunFields {
  name: string;
  student: string;
  teacher: string;
  trainDataset: string;
  validationDataset: string;
  /** '' = the initial policy: a frozen copy of the student as it starts. */
  reference: string;
  replayDataset: string;
  seed: string;
  device: Device;
  gpus: string;
  nodes: string;
  tags: string;
  notes: string;
}

export interface NewRunState extends RunFields {
  methodName: string;
  config: Config;
  /** The method whose defaults `config` started from (null before the methods load). */
  configFor: string | null;
  /** Where the config started: a clone's edits are what changed from here. */
  startConfig: Config;
  errors: SubmitErrors | null;
  configInvalid: boolean;
}

export type NewRunAction =
  | { type: 'field'; field: keyof RunFields; value: string }
  | { type: 'method'; method: Method; datasets: readonly Dataset[] }
  | { type: 'configStarted'; method: string; start: Config }
  | { type: 'config'; config: Config }
  | { type: 'submitted' }
  | { type: 'configValidity'; valid: boolean }
  | { type: 'refused'; errors: SubmitErrors };

const idText = (id: number | null | undefined) => (id === null || id === undefined ? '' : String(id));

/** The form for a new run (`?method=`, `?student=`, `?teacher=` preselect), or filled from `source` (a clone). */
export function initialNewRunState(source: Run | undefined, params: URLSearchParams): NewRunState {
  return {
    methodName: source?.method ?? params.get('method') ?? '',
    config: {},
    configFor: null,
    startConfig: {},
    name: source ? `${source.name || `run-${source.id}`}-clone` : '',
    student: source ? idText(source.student) : (params.get('student') ?? ''),
    teacher: source ? idText(source.teacher) : (params.get('teacher') ?? ''),
    trainDataset: idText(source?.train_dataset),
    validationDataset: idText(source?.validation_dataset),
    reference: idText(source?.reference),
    replayDataset: idText(source?.replay_dataset),
    seed: String(source?.seed ?? 0),
    device: source?.resources.gpus ? 'gpu' : 'cpu',
    gpus: String(source?.resources.gpus || 1),
    nodes: String(source?.resources.nodes || 1),
    tags: tagsText(source?.tags),
    notes: '',
    errors: null,
    configInvalid: false,
  };
}

export function newRunReducer(state: NewRunState, action: NewRunAction): NewRunState {
  switch (action.type) {
    case 'field':
      return { ...state, [action.field]: action.value };
    case 'method': {
      // A new method keeps only the choices it can use.
      const { method, datasets } = action;
      const allowed = datasetsForMethod(datasets, method).map((d) => String(d.id));
      const { trainDataset, validationDataset } = state;
      return {
        ...state,
        methodName: method.name,
        errors: null,
        configInvalid: false,
        teacher: method.requires.teacher ? state.teacher : '',
        reference: method.requires.reference ? state.reference : '',
        replayDataset: method.requires.tasks ? state.replayDataset : '',
        trainDataset: trainDataset && !allowed.includes(trainDataset) ? '' : trainDataset,
        validationDataset: validationDataset && (method.requires.tasks || !allowed.includes(validationDataset)) ? '' : validationDataset,
      };
    }
    case 'configStarted':
      return { ...state, configFor: action.method, config: action.start, startConfig: action.start };
    case 'config':
      return { ...state, config: action.config };
    case 'submitted':
      return { ...state, errors: null };
    case 'configValidity':
      return { ...state, configInvalid: !action.valid };
    case 'refused':
      return { ...state, errors: action.errors };
  }
}

/** The form's state and its dispatch; `set(field)` makes an onChange for a text field. */
export function useNewRunForm(source: Run | undefined, params: URLSearchParams) {
  const [state, dispatch] = useReducer(newRunReducer, undefined, () => initialNewRunState(source, params));
  const set = (field: keyof RunFields) => (value: string) => dispatch({ type: 'field', field, value });
  return { state, dispatch, set };
}

/** POST /runs/'s body from the form as it stands. */
export function buildRunBody(state: NewRunState, method: Method, workspace: string): RunCreateRequest {
  const { name, student, teacher, reference, trainDataset, validationDataset, replayDataset } = state;
  return {
    workspace,
    // Left out when empty: the server refuses a blank name but names an unnamed run itself.
    ...(name.trim() ? { name: name.trim() } : {}),
    method: method.name,
    student: Number(student),
    teacher: method.requires.teacher && teacher ? Number(teacher) : null,
    // Sent only to methods that read them: the server refuses fields it does not know.
    ...(method.requires.reference ? { reference: reference ? Number(reference) : null } : {}),
    train_dataset: Number(trainDataset),
    validation_dataset: validationDataset && !method.requires.tasks ? Number(validationDataset) : null,
    ...(method.requires.tasks ? { replay_dataset: replayDataset ? Number(replayDataset) : null } : {}),
    config: state.config,
    seed: Number(state.seed),
    resources: { gpus: state.device === 'cpu' ? 0 : Number(state.gpus), nodes: Number(state.nodes) },
    tags: parseTags(state.tags),
    notes: state.notes,
  };
}
