// Workspace settings: its members (invite one, change a role, remove one, leave), its share links
// (copy, revoke), its notifications and their delivery log, its history (download, import) and
// its audit log; and the signed-in user's API tokens (create, shown once with a
// copy button; revoke).

import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useMe } from '../features/auth/api/queries';
import { useShareLinks } from '../features/sharing/api/queries';
import { useRevokeShareLink } from '../features/sharing/api/mutations';
import { useAuditLog, useTokens, useWorkspaceDetail } from '../features/workspaces/api/queries';
import {
  useChangeMemberRole, useCreateToken, useRemoveMember, useRevokeToken,
} from '../features/workspaces/api/mutations';
import {
  WORKSPACE_ROLES, type ApiToken, type CreatedApiToken, type ShareLink, type Workspace, type WorkspaceMember, type WorkspaceRole,
} from '../api/types';
import { useWorkspace } from '../app/workspace';
import { WorkspaceInvitations } from '../features/teams/WorkspaceInvitations';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { HistorySettings } from '../components/HistorySettings';
import { NotificationSettings } from '../components/NotificationSettings';
import { NoWorkspace } from '../components/NoWorkspace';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { auditActionText, auditDetailText, auditTarget } from '../lib/audit';
import { absoluteUrl, compareUrl } from '../lib/compare';
import { formatDateTime } from '../lib/format';
import { placeFieldErrors } from '../lib/jsonInput';
import { canWrite } from '../lib/workspace';

export function SettingsPage() {
  useDocumentTitle('Settings');
  const { current } = useWorkspace();
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      {current ? <WorkspaceSettings key={current.slug} workspace={current} /> : <NoWorkspace />}
      <Tokens />
    </>
  );
}

function WorkspaceSettings({ workspace }: { workspace: Workspace }) {
  const detail = useWorkspaceDetail(workspace.slug);
  const me = useMe();
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';
  return (
    <>
      <section className="run-section" aria-labelledby="workspace-heading">
        <h2 id="workspace-heading">Workspace {workspace.name}</h2>
        <dl className="details">
          <dt>Slug</dt><dd><code>{workspace.slug}</code></dd>
          <dt>Your role</dt><dd>{workspace.role}</dd>
        </dl>
        <h3 id="members-heading">Members</h3>
        {detail.isPending && <p role="status">Loading members…</p>}
        {detail.isError && <ErrorAlert error={detail.error} title="Cannot load the members" />}
        {detail.data && (
          <div className="table-wrap">
            <table className="table" data-testid="settings-members" aria-labelledby="members-heading">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Role</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {detail.data.members.map((member) => (
                  <MemberRow key={member.username} workspace={workspace} member={member} me={me.data?.username}
                    canManage={canManage} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <WorkspaceInvitations workspace={workspace} />
      </section>
      <ShareLinks workspace={workspace} />
      <NotificationSettings workspace={workspace} />
      <HistorySettings workspace={workspace} />
      <AuditLog workspace={workspace} />
    </>
  );
}

/**
 * One member: their role (a select for owners and admins, saved on change) and Remove, or Leave
 * on your own row. Only an owner can make or change an owner, and the last owner can neither
 * leave nor lose the role: the server says so, and its message is shown on the row.
 */
function MemberRow({ workspace, member, me, canManage }: {
  workspace: Workspace;
  member: WorkspaceMember;
  me: string | undefined;
  canManage: boolean;
}) {
  const { workspaces, select } = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const isMe = member.username === me;
  const isOwner = workspace.role === 'owner';
  const changeRole = useChangeMemberRole(workspace.slug, member.username, isMe);
  const remove = useRemoveMember(workspace.slug, member.username, isMe, () => {
    setConfirming(false);
    if (isMe) {
      // Out of this workspace: the switcher moves to another one, if any.
      const other = workspaces.find((w) => w.slug !== workspace.slug);
      if (other) select(other.slug);
    }
  });
  // Owner rows and the owner role are an owner's business.
  const canEditRole = canManage && (isOwner || member.role !== 'owner');
  const canRemove = isMe || (canManage && (isOwner || member.role !== 'owner'));
  const roles = WORKSPACE_ROLES.filter((r) => r !== 'owner' || isOwner || member.role === 'owner');
  const selectId = `member-role-${member.username}`;
  const action = isMe ? 'Leave the workspace' : `Remove ${member.username}`;
  return (
    <tr data-username={member.username}>
      <th scope="row">{member.username}{isMe && <span className="muted"> (you)</span>}</th>
      <td>
        {canEditRole ? (
          <span className="inline-form">
            <label htmlFor={selectId} className="visually-hidden">Role for {member.username}</label>
            <select id={selectId} value={changeRole.isPending ? changeRole.variables : member.role}
              onChange={(e) => changeRole.mutate(e.target.value as WorkspaceRole)} disabled={changeRole.isPending}
              aria-describedby={`${selectId}-state`}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
            <span id={`${selectId}-state`} role="status" className="muted">
              {changeRole.isPending && 'Saving…'}
              {changeRole.isSuccess && 'Saved.'}
            </span>
          </span>
        ) : member.role}
        {changeRole.isError && <ErrorAlert error={changeRole.error} title={`The role of ${member.username} was not changed`} />}
      </td>
      <td className="cell-actions">
        {canRemove && !confirming && (
          <button type="button" className="button-danger" onClick={() => { remove.reset(); setConfirming(true); }}>
            {isMe ? 'Leave workspace' : `Remove ${member.username}`}
          </button>
        )}
        {confirming && (
          <span className="confirm" role="group" aria-label={action}>
            <span>{isMe ? `Leave ${workspace.name}? You lose access to its runs, models and data.` : `Remove ${member.username} from ${workspace.name}?`}</span>
            <button type="button" className="button-danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              {remove.isPending ? (isMe ? 'Leaving…' : 'Removing…') : isMe ? 'Yes, leave' : 'Yes, remove'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={remove.isPending}>{isMe ? 'Stay' : 'Keep'}</button>
          </span>
        )}
        {remove.isError && <ErrorAlert error={remove.error} title={isMe ? 'You did not leave' : `${member.username} was not removed`} />}
      </td>
    </tr>
  );
}

/** The workspace's live share links: their address to copy, the runs they show, and Revoke. */
function ShareLinks({ workspace }: { workspace: Workspace }) {
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

/** Who did what in the workspace, newest first, a server page at a time. */
function AuditLog({ workspace }: { workspace: Workspace }) {
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

function Tokens() {
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useCreateToken((token) => {
    setCreated(token);
    setName('');
  });
  const placed = placeFieldErrors(create.error instanceof ApiError ? create.error.errors : undefined, ['name'], create.isError);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  return (
    <section className="run-section" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Your API tokens</h2>
      <p className="hint">
        For scripts and the command line: send <code>Authorization: Token dst_…</code>. A token acts as you, in every
        workspace you belong to.
      </p>
      {created && <NewToken token={created} onDone={() => setCreated(null)} />}
      <form className="inline-panel" onSubmit={onSubmit} aria-labelledby="new-token-heading">
        <h3 id="new-token-heading" className="panel-title">Create a token</h3>
        {placed.hasUnplaced && <ErrorAlert error={create.error} title="The token was not created" />}
        <div className="inline-form with-labels">
          <FormField id="token-name" label="Token name" errors={placed.forField('name')} hint="What it is for, e.g. “laptop CLI”.">
            {(control) => (
              <input {...control} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoComplete="off" />
            )}
          </FormField>
          <button type="submit" className="button-primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      {tokens.isPending && <p role="status">Loading tokens…</p>}
      {tokens.isError && <ErrorAlert error={tokens.error} title="Cannot load your tokens" />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">You have no API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && <TokenTable tokens={tokens.data} />}
    </section>
  );
}

function NewToken({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const input = useRef<HTMLInputElement>(null);
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopy('copied');
    } catch {
      // No clipboard access (insecure origin, denied): select the text so Ctrl+C works.
      input.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div className="alert alert-warning new-token" role="region" aria-labelledby="new-token-title">
      <p id="new-token-title"><strong>Copy your new token “{token.name}” now.</strong> This is the only time it is shown: the
        server keeps only a hash of it. If you lose it, revoke it and create another.</p>
      <div className="inline-form">
        <label htmlFor="new-token-value" className="visually-hidden">New API token</label>
        <input id="new-token-value" ref={input} data-testid="new-token-value" readOnly value={token.token}
          className="input-mono token-value" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void onCopy()}>Copy</button>
        <button type="button" onClick={onDone}>I have stored it</button>
      </div>
      <p role="status" className="hint">
        {copy === 'copied' && 'Copied to the clipboard.'}
        {copy === 'failed' && 'The browser would not copy it: the token is selected, press Ctrl+C (⌘C).'}
      </p>
    </div>
  );
}

function TokenTable({ tokens }: { tokens: ApiToken[] }) {
  const [confirming, setConfirming] = useState<number | null>(null);
  const revoke = useRevokeToken(() => setConfirming(null));
  return (
    <>
      {revoke.isError && <ErrorAlert error={revoke.error} title="The token was not revoked" />}
      <div className="table-wrap">
        <table className="table" data-testid="settings-tokens">
          <caption className="visually-hidden">Your API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-token-id={token.id}>
                <th scope="row">{token.name}</th>
                <td><code>{token.prefix ? `${token.prefix}…` : '—'}</code></td>
                <td>{formatDateTime(token.created_at)}</td>
                <td>{token.last_used_at ? formatDateTime(token.last_used_at) : 'never'}</td>
                <td className="cell-actions">
                  {confirming === token.id ? (
                    <span className="confirm">
                      <span>Revoke “{token.name}”? Scripts using it stop working.</span>
                      <button type="button" className="button-danger" onClick={() => revoke.mutate(token.id)} disabled={revoke.isPending}>
                        {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)} disabled={revoke.isPending}>Keep it</button>
                    </span>
                  ) : (
                    <button type="button" className="button-danger" onClick={() => setConfirming(token.id)}
                      aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
