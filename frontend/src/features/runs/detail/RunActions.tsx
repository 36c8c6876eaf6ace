// The run page's action bar: retry, resume, clone, delete and the star.

import { useNavigate } from 'react-router';
import type { Run } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { isActiveStatus } from '../../../lib/runStatus';
import { useDeleteRun, useResumeRun, useRetryRun, useStarRun } from '../api/mutations';

/**
 * Retry (a new run, same everything), resume (a failed or cancelled run back in the queue, from
 * its last checkpoint), clone (the new-run form filled from this run) and the star.
 */
export function RunActions({ run }: { run: Run }) {
  const navigate = useNavigate();
  const final = !isActiveStatus(run.status);
  const resumable = run.status === 'failed' || run.status === 'cancelled';
  const retry = useRetryRun(run.id, (created) => void navigate(`/runs/${created.id}`));
  const resume = useResumeRun(run.id);
  const star = useStarRun(run.id);
  const remove = useDeleteRun(run.id, () => void navigate('/runs'));
  const busy = retry.isPending || resume.isPending || remove.isPending;
  return (
    <>
      <div className="toolbar run-toolbar" role="group" aria-label="Run actions">
        <button type="button" onClick={() => star.mutate(!run.starred)} disabled={star.isPending}
          aria-describedby={star.isPending ? 'run-star-state' : undefined}>
          <span aria-hidden="true">{run.starred ? '★ ' : '☆ '}</span>{run.starred ? 'Unstar' : 'Star'}
        </button>
        {star.isPending && <span id="run-star-state" className="muted" role="status">Saving…</span>}
        {final && (
          <button type="button" onClick={() => retry.mutate()} disabled={busy}
            title="Start a new run with the same method, models, data and config">
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </button>
        )}
        {resumable && (
          <button type="button" onClick={() => resume.mutate()} disabled={busy}
            title="Put this run back in the queue; it continues from its last checkpoint">
            {resume.isPending ? 'Resuming…' : 'Resume'}
          </button>
        )}
        <button type="button" onClick={() => void navigate(`/runs/new?clone=${run.id}`)} disabled={busy}
          title="Open the new-run form filled in from this run, to change some settings first">
          Clone
        </button>
        {final && (
          <button type="button" className="button-danger" disabled={busy}
            onClick={() => {
              if (window.confirm(`Delete run ${run.name || run.id} with its metrics, logs and files? This cannot be undone.`)) remove.mutate();
            }}>
            {remove.isPending ? 'Deleting…' : 'Delete'}
          </button>
        )}
      </div>
      {star.isError && <ErrorAlert error={star.error} title={run.starred ? 'The star was not removed' : 'The run was not starred'} />}
      {retry.isError && <ErrorAlert error={retry.error} title="The run was not retried" />}
      {resume.isError && <ErrorAlert error={resume.error} title="The run was not resumed" />}
      {remove.isError && <ErrorAlert error={remove.error} title="The run was not deleted" />}
      {resume.isSuccess && !resume.isPending && isActiveStatus(run.status) && (
        <p className="alert alert-success" role="status" data-testid="run-resumed">Back in the queue: it continues from its last checkpoint.</p>
      )}
    </>
  );
}
