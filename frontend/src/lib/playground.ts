// The playground's pure logic: prompts from a text area, the models it can run, and the grid of
// outputs (one row per prompt, one column per model) built from the server's flat `outputs`.

import type { PlaygroundOutput } from '../api/types';

/**
 * A cell's output as the event stream sends it: the REST row (PlaygroundOutputRow), whose
 * counters and error a stream row may leave out until it has them.
 */
export type PlaygroundCellOutput = Pick<PlaygroundOutput, 'model' | 'prompt_index' | 'text' | 'done'>
  & Partial<Pick<PlaygroundOutput, 'tokens' | 'tokens_per_s' | 'error'>>;

export const MAX_PLAYGROUND_MODELS = 6;

/** One prompt per line; blank lines and surrounding whitespace are dropped. */
export function splitPrompts(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Models with weights to generate from: imported ones are descriptions only. */
export function playableModels<T extends { source?: string }>(models: readonly T[]): T[] {
  return models.filter((model) => model.source !== 'imported');
}

export type CellState = 'pending' | 'running' | 'done' | 'error';

export interface PlaygroundCell {
  model: number;
  promptIndex: number;
  text: string;
  tokens: number | null;
  tokensPerS: number | null;
  done: boolean;
  error: string | null;
  state: CellState;
}

export interface PlaygroundRow {
  promptIndex: number;
  prompt: string;
  cells: PlaygroundCell[];
}

/** A cell for every (prompt, model), in the order asked for, filled from `outputs` where present. */
export function buildGrid(
  prompts: readonly string[],
  models: readonly number[],
  outputs: readonly PlaygroundCellOutput[],
): PlaygroundRow[] {
  const byKey = new Map<string, PlaygroundCellOutput>();
  for (const output of outputs) byKey.set(`${output.prompt_index}:${output.model}`, output);
  return prompts.map((prompt, promptIndex) => ({
    promptIndex,
    prompt,
    cells: models.map((model) => {
      const output = byKey.get(`${promptIndex}:${model}`);
      const error = output?.error ? output.error : null;
      const done = Boolean(output?.done) || error !== null;
      const state: CellState = error ? 'error' : done ? 'done' : output ? 'running' : 'pending';
      return {
        model,
        promptIndex,
        text: output?.text ?? '',
        tokens: typeof output?.tokens === 'number' ? output.tokens : null,
        tokensPerS: typeof output?.tokens_per_s === 'number' ? output.tokens_per_s : null,
        done,
        error,
        state,
      };
    }),
  }));
}

/** Poll while the worker has not finished. */
export function isPlaygroundActive(status: string | undefined): boolean {
  return status === 'queued' || status === 'running';
}

const cellKey = (output: PlaygroundCellOutput) => `${output.prompt_index}:${output.model}`;

/**
 * The session with the stream's changed cells in place of the ones they replace (a cell is sent
 * whole, so the newer one wins); cells the session did not have yet are appended.
 */
export function mergePlaygroundOutputs<S extends { outputs: readonly PlaygroundCellOutput[] }>(
  session: S,
  changed: readonly S['outputs'][number][],
): S {
  if (changed.length === 0) return session;
  const replacing = new Map<string, S['outputs'][number]>(changed.map((output) => [cellKey(output), output]));
  const outputs = session.outputs.map((output) => {
    const newer = replacing.get(cellKey(output));
    replacing.delete(cellKey(output));
    return newer ?? output;
  });
  return { ...session, outputs: [...outputs, ...replacing.values()] };
}
