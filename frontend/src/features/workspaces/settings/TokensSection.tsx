// Settings → the signed-in user's API tokens: create one (shown once, with a copy button), revoke one.

import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import type { ApiToken, CreatedApiToken } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { FormField } from '../../../components/FormField';
import { formatDateTime } from '../../../lib/format';
import { placeFieldErrors } from '../../../lib/jsonInput';
import { useCreateToken, useRevokeToken } from '../api/mutations';
import { useTokens } from '../api/queries';

export function TokensSection() {
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

