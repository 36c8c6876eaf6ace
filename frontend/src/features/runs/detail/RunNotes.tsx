// The run page's annotations: notes and tags, editable by those who may write, read-only otherwise.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import type { Run } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { FormField } from '../../../components/FormField';
import { parseTags, tagsText } from '../../../lib/clone';
import { useSaveRunNotes } from '../api/mutations';

type SaveState = 'idle' | 'saving' | 'saved' | 'error';

/** Notes and tags, saved together with PATCH; what someone else saves meanwhile shows unless you are editing. */
export function RunNotes({ run }: { run: Run }) {
  const [notes, setNotes] = useState(run.notes ?? '');
  const [tags, setTags] = useState(tagsText(run.tags));
  // What the fields were last filled from, to pick up the server's values while they are untouched.
  const [base, setBase] = useState({ notes: run.notes ?? '', tags: tagsText(run.tags) });
  const serverNotes = run.notes ?? '';
  const serverTags = tagsText(run.tags);
  const dirty = notes !== base.notes || tags !== base.tags;
  if ((serverNotes !== base.notes || serverTags !== base.tags) && !dirty) {
    setBase({ notes: serverNotes, tags: serverTags });
    setNotes(serverNotes);
    setTags(serverTags);
  }
  const save = useSaveRunNotes(run.id, (updated) => {
    const saved = { notes: updated.notes, tags: tagsText(updated.tags) };
    setBase(saved);
    setNotes(saved.notes);
    setTags(saved.tags);
  });
  const state: SaveState = save.isPending ? 'saving' : save.isError ? 'error' : save.isSuccess && !dirty ? 'saved' : 'idle';
  const fieldErrors = save.error instanceof ApiError ? save.error.errors ?? {} : {};
  const messages = (field: string) =>
    Object.entries(fieldErrors).filter(([key]) => key === field || key.startsWith(`${field}.`)).flatMap(([, v]) => (Array.isArray(v) ? v : [v]));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ notes, tags: parseTags(tags) });
  };
  return (
    <form className="run-notes" onSubmit={onSubmit}>
      <FormField id="run-notes-edit" label="Notes" errors={messages('notes')}>
        {(control) => (
          <textarea {...control} rows={3} value={notes} onChange={(e) => { setNotes(e.target.value); save.reset(); }}
            placeholder="What this run is for, what you saw" />
        )}
      </FormField>
      <FormField id="run-tags-edit" label="Tags" errors={messages('tags')} hint="Separated by commas.">
        {(control) => (
          <input {...control} value={tags} onChange={(e) => { setTags(e.target.value); save.reset(); }} autoComplete="off" />
        )}
      </FormField>
      <div className="inline-form">
        <button type="submit" className="button-primary" disabled={save.isPending || !dirty}>
          {save.isPending ? 'Saving…' : 'Save notes'}
        </button>
        <span className={`save-state save-state-${state}`} role="status" data-testid="run-notes-state" data-state={state}>
          {state === 'saving' && 'Saving…'}
          {state === 'saved' && 'Saved.'}
          {state === 'idle' && dirty && 'Unsaved changes.'}
        </span>
      </div>
      {save.isError && <ErrorAlert error={save.error} title="The notes were not saved" />}
    </form>
  );
}

export function ReadOnlyNotes({ run }: { run: Run }) {
  return (
    <dl className="details">
      <dt>Notes</dt><dd className="pre-wrap">{run.notes || '—'}</dd>
      <dt>Tags</dt><dd>{run.tags?.length ? run.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
    </dl>
  );
}
