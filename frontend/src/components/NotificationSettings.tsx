// A workspace's notification channels (webhook or e-mail, for chosen run events): list, add,
// delete; and the delivery log, a page at a time, refreshed while the page is open.

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useDeliveries, useNotificationChannels } from '../features/workspaces/api/queries';
import { useCreateNotificationChannel, useDeleteNotificationChannel } from '../features/workspaces/api/mutations';
import type { NotificationChannel, NotificationEvent, Workspace } from '../api/types';
import { formatDateTime } from '../lib/format';
import { placeFieldErrors } from '../lib/jsonInput';
import { canWrite } from '../lib/workspace';
import { ErrorAlert } from './ErrorAlert';
import { FormField } from './FormField';

export const NOTIFICATION_EVENTS: { value: NotificationEvent; text: string }[] = [
  { value: 'run.succeeded', text: 'a run succeeded' },
  { value: 'run.failed', text: 'a run failed' },
  { value: 'run.cancelled', text: 'a run was cancelled' },
  { value: 'run.lost', text: 'a run was lost (its worker went away)' },
];

export function NotificationSettings({ workspace }: { workspace: Workspace }) {
  const channels = useNotificationChannels(workspace.slug);
  const writable = canWrite(workspace);
  return (
    <section className="run-section" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p className="hint">Where to say so when a run of {workspace.name} ends: a webhook gets a JSON POST, an e-mail address a short message.</p>
      {channels.isPending && <p role="status">Loading notifications…</p>}
      {channels.isError && <ErrorAlert error={channels.error} title="Cannot load the notifications" />}
      {channels.data && (
        <div className="table-wrap">
          <table className="table" data-testid="notifications" data-count={channels.data.length}>
            <caption className="visually-hidden">Notification channels of {workspace.name}</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Target</th>
                <th scope="col">Events</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {channels.data.length === 0 && (
                <tr><td colSpan={4} className="muted">No notifications yet.</td></tr>
              )}
              {channels.data.map((channel) => (
                <ChannelRow key={channel.id} channel={channel} workspace={workspace} writable={writable} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {writable && <AddChannelForm workspace={workspace} />}
      <Deliveries workspace={workspace} />
    </section>
  );
}

function ChannelRow({ channel, workspace, writable }: { channel: NotificationChannel; workspace: Workspace; writable: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteNotificationChannel(workspace.slug, channel.id);
  return (
    <tr data-channel-id={channel.id} data-kind={channel.kind}>
      <td>{channel.kind === 'email' ? 'E-mail' : 'Webhook'}</td>
      <td><code className="path">{channel.target}</code></td>
      <td>{channel.events.join(', ')}</td>
      <td>
        {writable && !confirming && (
          <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete notification ${channel.target}`}>Delete</button>
        )}
        {confirming && (
          <span className="confirm">
            <button type="button" className="button-danger" onClick={() => remove.mutate()} disabled={remove.isPending}>Yes, delete it</button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>Keep the notification</button>
          </span>
        )}
        {remove.isError && <ErrorAlert error={remove.error} />}
      </td>
    </tr>
  );
}

function AddChannelForm({ workspace }: { workspace: Workspace }) {
  const [kind, setKind] = useState<'webhook' | 'email'>('webhook');
  const [target, setTarget] = useState('');
  const [events, setEvents] = useState<NotificationEvent[]>(['run.succeeded', 'run.failed']);
  const [eventsError, setEventsError] = useState<string | null>(null);
  const add = useCreateNotificationChannel(workspace.slug, () => setTarget(''));
  const placed = placeFieldErrors(add.error instanceof ApiError ? add.error.errors : undefined, ['kind', 'target', 'events'], add.isError);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setEventsError(null);
    add.reset();
    if (events.length === 0) {
      setEventsError('Tick at least one event.');
      return;
    }
    add.mutate({ kind, target: target.trim(), events });
  };
  const eventErrors = [...(eventsError ? [eventsError] : []), ...placed.forField('events')];
  return (
    <form onSubmit={onSubmit} aria-label="Add a notification" className="notification-form">
      <h3>Add a notification</h3>
      {placed.hasUnplaced && <ErrorAlert error={add.error} title="The notification was not added" />}
      {add.isSuccess && <p role="status" className="alert alert-success">Added: {add.data.target}.</p>}
      <fieldset className="source-picker">
        <legend>Kind</legend>
        <label className="radio">
          <input type="radio" name="notification-kind" checked={kind === 'webhook'} onChange={() => setKind('webhook')} /> Webhook
        </label>
        <label className="radio">
          <input type="radio" name="notification-kind" checked={kind === 'email'} onChange={() => setKind('email')} /> E-mail
        </label>
      </fieldset>
      <div className="form-grid">
        <FormField id="notification-target" label={kind === 'email' ? 'E-mail address' : 'Webhook URL'} errors={placed.forField('target')}
          hint={kind === 'email' ? undefined : 'An https:// address that accepts a JSON POST.'}>
          {(control) => (
            <input {...control} type={kind === 'email' ? 'email' : 'url'} value={target} onChange={(e) => setTarget(e.target.value)}
              required maxLength={500} autoComplete="off" placeholder={kind === 'email' ? 'team@example.com' : 'https://hooks.example.com/distillery'} />
          )}
        </FormField>
      </div>
      <fieldset className="notification-events" aria-describedby={eventErrors.length ? 'notification-events-error' : undefined}>
        <legend>Events</legend>
        {NOTIFICATION_EVENTS.map((e) => (
          <label key={e.value} className="checkbox">
            <input type="checkbox" checked={events.includes(e.value)}
              onChange={(ev) => setEvents((cur) => (ev.target.checked ? [...cur, e.value] : cur.filter((x) => x !== e.value)))} />
            {' '}{e.value} <span className="muted">({e.text})</span>
          </label>
        ))}
        {eventErrors.length > 0 && (
          <ul id="notification-events-error" className="field-errors" data-testid="notification-events-errors">
            {eventErrors.map((m) => <li key={m}>{m}</li>)}
          </ul>
        )}
      </fieldset>
      <div className="form-actions form-actions-tight">
        <button type="submit" className="button-primary" disabled={add.isPending}>{add.isPending ? 'Adding…' : 'Add notification'}</button>
      </div>
    </form>
  );
}

function Deliveries({ workspace }: { workspace: Workspace }) {
  const [page, setPage] = useState(1);
  const log = useDeliveries(workspace.slug, page);
  return (
    <>
      <h3 id="deliveries-heading">Delivery log</h3>
      {log.isPending && <p role="status">Loading the delivery log…</p>}
      {log.isError && <ErrorAlert error={log.error} title="Cannot load the delivery log" />}
      {log.data && (
        <>
          <p className="muted">{log.data.count} {log.data.count === 1 ? 'delivery' : 'deliveries'}{page > 1 && `, page ${page}`}</p>
          <div className="table-wrap">
            <table className="table" data-testid="deliveries" data-page={page} aria-labelledby="deliveries-heading">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="numeric">Attempts</th>
                  <th scope="col" className="numeric">Response</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {log.data.results.length === 0 && (
                  <tr><td colSpan={7} className="muted">Nothing sent yet: deliveries appear here when a run ends.</td></tr>
                )}
                {log.data.results.map((d) => (
                  <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
                    <td><time dateTime={d.created_at}>{formatDateTime(d.created_at)}</time></td>
                    <td>{d.event}</td>
                    <td><Link to={`/runs/${d.run}`}>run #{d.run}</Link></td>
                    <td>{d.status}</td>
                    <td className="numeric">{d.attempts}</td>
                    <td className="numeric">{d.response_code ?? '—'}</td>
                    <td className="cell-text">{d.last_error || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {(log.data.next || log.data.previous) && (
            <nav className="pagination" aria-label="Pages of the delivery log">
              <button type="button" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={!log.data.previous || log.isFetching}>
                Newer deliveries
              </button>
              <button type="button" onClick={() => setPage((p) => p + 1)} disabled={!log.data.next || log.isFetching}>
                Older deliveries
              </button>
            </nav>
          )}
        </>
      )}
    </>
  );
}
