// Workspace settings (its members, and adding one) and the signed-in user's API tokens (create,
// shown once with a copy button; revoke).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import * as api from '../api/endpoints';
import { queryKeys, useTokens, useWorkspaceDetail } from '../api/queries';
import { WORKSPACE_ROLES, type ApiToken, type CreatedApiToken, type Workspace, type WorkspaceRole } from '../api/types';
import { useWorkspace } from '../app/workspace';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { NoWorkspace } from '../components/NoWorkspace';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { formatDateTime } from '../lib/format';
import { placeFieldErrors } from '../lib/jsonInput';

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

const ROLE_TEXT: Record<WorkspaceRole, string> = {
  owner: 'Owner: everything, including adding owners',
  admin: 'Admin: add members, launch and manage runs',
  member: 'Member: launch runs, upload data, register models',
  viewer: 'Viewer: look only',
};

function WorkspaceSettings({ workspace }: { workspace: Workspace }) {
  const detail = useWorkspaceDetail(workspace.slug);
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';
  return (
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
              </tr>
            </thead>
            <tbody>
              {detail.data.members.map((member) => (
                <tr key={member.username} data-username={member.username}>
                  <th scope="row">{member.username}</th>
                  <td>{member.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? (
        <AddMemberForm workspace={workspace} />
      ) : (
        <p className="muted">Only the workspace's owners and admins can add members.</p>
      )}
    </section>
  );
}

function AddMemberForm({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const add = useMutation({
    mutationFn: () => api.addMember(workspace.slug, { username: username.trim(), role }),
    onSuccess: () => {
      setUsername('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(workspace.slug) });
    },
  });
  const placed = placeFieldErrors(add.error instanceof ApiError ? add.error.errors : undefined, ['username', 'role'], add.isError);
  // Only an owner can make someone an owner.
  const roles = WORKSPACE_ROLES.filter((r) => r !== 'owner' || workspace.role === 'owner');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (username.trim()) add.mutate();
  };
  return (
    <form className="inline-panel" onSubmit={onSubmit} aria-labelledby="add-member-heading">
      <h4 id="add-member-heading" className="panel-title">Add a member</h4>
      {placed.hasUnplaced && <ErrorAlert error={add.error} title="The member was not added" />}
      {add.isSuccess && (
        <p role="status" className="alert alert-success">Added {add.data.username} as {add.data.role}.</p>
      )}
      <div className="inline-form with-labels">
        <FormField id="member-username" label="Member's username" errors={placed.forField('username')}
          hint="They need an account on this server already.">
          {(control) => (
            <input {...control} value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off"
              autoCapitalize="none" spellCheck={false} />
          )}
        </FormField>
        <FormField id="member-role" label="Role" errors={placed.forField('role')} hint={ROLE_TEXT[role]}>
          {(control) => (
            <select {...control} value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          )}
        </FormField>
        <button type="submit" className="button-primary" disabled={add.isPending || !username.trim()}>
          {add.isPending ? 'Adding…' : 'Add member'}
        </button>
      </div>
    </form>
  );
}

function Tokens() {
  const queryClient = useQueryClient();
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useMutation({
    mutationFn: () => api.createToken(name.trim()),
    onSuccess: (token) => {
      setCreated(token);
      setName('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
  const placed = placeFieldErrors(create.error instanceof ApiError ? create.error.errors : undefined, ['name'], create.isError);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
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
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<number | null>(null);
  const revoke = useMutation({
    mutationFn: (id: number) => api.revokeToken(id),
    onSuccess: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
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
