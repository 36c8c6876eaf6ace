// Settings → the workspace's audit log, a server page at a time.

import { useState } from 'react';
import { Link } from 'react-router';
import type { Workspace } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { auditActionText, auditDetailText, auditTarget } from '../../../lib/audit';
import { formatDateTime } from '../../../lib/format';
import { useAuditLog } from '../api/queries';

/** Who did what in the workspace, newest first, a server page at a time. */
export function AuditLogSection({ workspace }: { workspace: Workspace }) {
  const [page, setPage] = useState(1);
  const log = useAuditLog(workspace.slug, page);
  return (
    <section className="run-section" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      {log.isPending && <p role="status">Loading the audit log…</p>}
      {log.isError && <ErrorAlert error={log.error} title="Cannot load the audit log" />}
      {log.data && (
        <>
          <p className="muted" role="status">
            {log.data.count} {log.data.count === 1 ? 'event' : 'events'}{page > 1 && `, page ${page}`}
            {log.isFetching && ' · loading'}
          </p>
          {log.data.results.length > 0 && (
            <div className="table-wrap">
              <table className="table" data-testid="audit-log" data-page={page}>
                <caption className="visually-hidden">Audit log of {workspace.name}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">On</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.results.map((event) => {
                    const target = auditTarget(event);
                    return (
                      <tr key={event.id} data-action={event.action} data-event-id={event.id}>
                        <td><time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time></td>
                        <td>{event.actor ?? <span className="muted">system</span>}</td>
                        <td>{auditActionText(event.action)}</td>
                        <td>{target.href ? <Link to={target.href}>{target.text}</Link> : target.text}</td>
                        <td>{auditDetailText(event)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {(log.data.next || log.data.previous) && (
            <nav className="pagination" aria-label="Pages of the audit log">
              <button type="button" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={!log.data.previous || log.isFetching}>
                Newer
              </button>
              <button type="button" onClick={() => setPage((p) => p + 1)} disabled={!log.data.next || log.isFetching}>
                Older
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
