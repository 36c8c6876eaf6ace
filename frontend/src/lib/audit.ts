// How the settings page's audit log reads an event: the action in words, what it was done to
// (with a link where the UI has a page for it), and the rest of its detail.

import type { AuditEvent } from '../api/types';

const ACTIONS: Record<string, string> = {
  'run.create': 'launched a run',
  'run.cancel': 'cancelled a run',
  'run.resume': 'resumed a run',
  'share.create': 'made a share link',
  'share.revoke': 'revoked a share link',
  'member.add': 'added a member',
  'member.role': "changed a member's role",
  'member.remove': 'removed a member',
  'member.invite': 'invited someone',
  'member.invite_revoke': 'revoked an invitation',
  'member.join': 'joined with an invitation',
  'member.decline': 'declined an invitation',
  'sweep.create': 'launched a sweep',
  'notification.create': 'added a notification',
  'notification.delete': 'deleted a notification',
  'history.export': 'downloaded the history',
  'history.import': 'imported a history',
};

/** "run.create" -> "launched a run"; an action this UI does not know is shown as the server names it. */
export function auditActionText(action: string): string {
  return ACTIONS[action] ?? action;
}

export interface AuditTarget {
  text: string;
  /** A page of the app showing the target, if there is one. */
  href?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function auditTarget(event: Pick<AuditEvent, 'target_type' | 'target_id' | 'detail'>): AuditTarget {
  const detail = event.detail ?? {};
  switch (event.target_type) {
    case 'run': {
      const name = str(detail.name);
      return { text: name ? `${name} (#${event.target_id})` : `run #${event.target_id}`, href: `/runs/${event.target_id}` };
    }
    case 'sweep':
      return { text: `sweep #${event.target_id}`, href: `/sweeps/${event.target_id}` };
    case 'user':
      return { text: str(detail.username) ?? `user #${event.target_id}` };
    case 'invitation': {
      const invitee = str(detail.username) ?? str(detail.email);
      return { text: invitee ? `invitation to ${invitee}` : `invitation #${event.target_id}` };
    }
    case 'sharelink': {
      const title = str(detail.title);
      return { text: title ? `link “${title}” (#${event.target_id})` : `share link #${event.target_id}` };
    }
    default:
      return { text: `${event.target_type} #${event.target_id}` };
  }
}

/** Keys already shown as the target. */
const SHOWN = new Set(['name', 'username', 'title', 'email']);

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * The event's detail in a few words: a role change as "member → admin", a parent run as
 * "from run #4", the runs of a share link, then any other field as "key: value".
 */
export function auditDetailText(event: Pick<AuditEvent, 'action' | 'detail'>): string {
  const detail = { ...(event.detail ?? {}) };
  const parts: string[] = [];
  if (event.action === 'member.role' && ('old' in detail || 'new' in detail)) {
    parts.push(`${valueText(detail.old ?? '?')} → ${valueText(detail.new ?? '?')}`);
    delete detail.old;
    delete detail.new;
  }
  if ('parent' in detail) {
    if (detail.parent !== null && detail.parent !== undefined) parts.push(`from run #${valueText(detail.parent)}`);
    delete detail.parent;
  }
  if (Array.isArray(detail.runs)) {
    parts.push(`runs ${detail.runs.map((id) => `#${valueText(id)}`).join(', ')}`);
    delete detail.runs;
  }
  for (const [key, value] of Object.entries(detail)) {
    if (SHOWN.has(key) || value === null || value === undefined || value === '') continue;
    parts.push(`${key}: ${valueText(value)}`);
  }
  return parts.join(' · ');
}
