// A Delete button for a registry object (a model or a dataset version): asks first, then runs the
// feature's delete mutation (which drops the object from the cache and refetches its list) and goes
// back to the list. A 409 (a run, a soup or a task sequence still uses it) is shown with the
// server's message, which names what holds it.

import type { UseMutationResult } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ErrorAlert } from './ErrorAlert';

export function DeleteButton(props: {
  /** What the confirmation and the error name: "model student-7", "dataset corpus v2". */
  what: string;
  /** Also gone with it, for the confirmation: "its uploaded files". */
  consequence: string;
  /** The feature's delete mutation, e.g. useDeleteModel(model). */
  mutation: UseMutationResult<void, Error, void>;
  backTo: string;
}) {
  const navigate = useNavigate();
  const { mutation } = props;
  return (
    <>
      <button type="button" className="button-danger" disabled={mutation.isPending}
        onClick={() => {
          if (window.confirm(`Delete ${props.what} and ${props.consequence}? This cannot be undone.`)) {
            mutation.mutate(undefined, { onSuccess: () => void navigate(props.backTo) });
          }
        }}>
        {mutation.isPending ? 'Deleting…' : 'Delete'}
      </button>
      {mutation.isError && <ErrorAlert error={mutation.error} title={`The ${props.what} was not deleted`} />}
    </>
  );
}
