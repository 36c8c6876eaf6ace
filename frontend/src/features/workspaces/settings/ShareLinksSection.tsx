// Settings → the workspace's share links: copy their address, see their runs, revoke them.

import { useState } from 'react';
import { Link } from 'react-router';
import type { ShareLink, Workspace } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { absoluteUrl, compareUrl } from '../../../lib/compare';
import { formatDateTime } from '../../../lib/format';
import { canWrite } from '../../../lib/workspace';
import { useRevokeShareLink } from '../../sharing/api/mutations';
import { useShareLinks } from '../../sharing/api/queries';

/** The workspace's live share links: their address to copy, the runs they show, and Revoke. */
export function ShareLinksSection({ workspace }: { workspace: Workspace }) {
  const links = useShareLinks(workspace.slug);
  return (
    <section className="run-section" aria-labelledby="share-links-heading">
      <h2 id="share-links-heading">Share links</h2>
      <p className="hint">
        Read-only pages of some runs that anyone with the address can open, without an account. Make one with Share on the
        compare page.
      </p>
      {links.isPending && <p role="status">Loading share links…</p>}
      {links.isError && <ErrorAlert error={links.error} title="Cannot load the share links" />}
      {links.data && (
        <div data-testid="settings-share-links" data-count={links.data.length}>
          {links.data.length === 0 ? <p className="muted">No share links in {workspace.name}.</p> : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Share links of {workspace.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Runs</th>
                    <th scope="col">Made by</th>
                    <th scope="col">Link</th>
                    <th scope="col"><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {links.data.map((link) => (
                    <ShareLinkRow key={link.id} link={link} workspace={workspace} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function shareLinkName(link: ShareLink): string {
  return link.title || `link #${link.id}`;
}

function ShareLinkRow({ link, workspace }: { link: ShareLink; workspace: Workspace }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useRevokeShareLink(workspace.slug, link.id);
  const name = shareLinkName(link);
  return (
    <tr data-share-link-id={link.id}>
      <th scope="row">{name}</th>
      <td><Link to={compareUrl(link.runs)}>{link.runs.map((id) => `#${id}`).join(', ')}</Link></td>
      <td>{link.created_by ?? '—'}<br /><span className="muted">{formatDateTime(link.created_at)}</span></td>
      <td>
        {/* A plain link (copy it from the browser's menu): a Copy button per row would share its name with the token's. */}
        <a href={link.url} className="path" target="_blank" rel="noreferrer">{absoluteUrl(link.url, window.location.origin)}</a>
      </td>
      <td className="cell-actions">
        {canWrite(workspace) && !confirming && (
          <button type="button" className="button-danger" onClick={() => { revoke.reset(); setConfirming(true); }}
            aria-label={`Revoke share link ${name}`}>
            Revoke
          </button>
        )}
        {confirming && (
          <span className="confirm">
            <span>Revoke “{name}”? Its page stops working for everyone.</span>
            <button type="button" className="button-danger" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
              {revoke.isPending ? 'Revoking…' : 'Yes, revoke the link'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={revoke.isPending}>Keep the link</button>
          </span>
        )}
        {revoke.isError && <ErrorAlert error={revoke.error} title="The link was not revoked" />}
      </td>
    </tr>
  );
}
