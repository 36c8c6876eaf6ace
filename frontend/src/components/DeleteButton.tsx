// A Delete button for a registry object (a model or a dataset version): asks first, then sends the
// DELETE, drops the object from the cache and goes back to its list. A 409 (a run, a soup or a task
// sequence still uses it) is shown with the server's message, which names what holds it.

import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ErrorAlert } from './ErrorAlert';

export function DeleteButton(props: {
  /** What the confirmation and the error name: "model student-7", "dataset corpus v2". */
  what: string;
  /** Also gone with it, for the confirmation: "its uploaded files". */
  consequence: string;
  remove: () => Promise<void>;
  /** Removed from the cache (the object) and invalidated (its lists). */
  removes: QueryKey;
  invalidates: QueryKey;
  backTo: string;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mutation = useMutation({
    mutationFn: props.remove,
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: props.removes });
      void queryClient.invalidateQueries({ queryKey: props.invalidates });
      void navigate(props.backTo);
    },
  });
  return (
    <>
      <button type="button" className="button-danger" disabled={mutation.isPending}
        onClick={() => {
          if (window.confirm(`Delete ${props.what} and ${props.consequence}? This cannot be undone.`)) mutation.mutate();
        }}>
        {mutation.isPending ? 'Deleting…' : 'Delete'}
      </button>
      {mutation.isError && <ErrorAlert error={mutation.error} title={`The ${props.what} was not deleted`} />}
    </>
  );
}
