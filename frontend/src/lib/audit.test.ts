import { describe, expect, it } from 'vitest';
import { auditActionText, auditDetailText, auditTarget } from './audit';

describe('audit events', () => {
  it('names known actions and passes others through', () => {
    expect(auditActionText('run.resume')).toBe('resumed a run');
    expect(auditActionText('model.register')).toBe('model.register');
  });

  it('links runs and names users and share links', () => {
    expect(auditTarget({ target_type: 'run', target_id: '12', detail: { name: 'kd-1', method: 'kd_forward_kl' } }))
      .toEqual({ text: 'kd-1 (#12)', href: '/runs/12' });
    expect(auditTarget({ target_type: 'run', target_id: '12', detail: {} })).toEqual({ text: 'run #12', href: '/runs/12' });
    expect(auditTarget({ target_type: 'user', target_id: '3', detail: { username: 'grace' } })).toEqual({ text: 'grace' });
    expect(auditTarget({ target_type: 'sharelink', target_id: '5', detail: { title: 'a vs b', runs: [1, 2] } }).text)
      .toBe('link “a vs b” (#5)');
    expect(auditTarget({ target_type: 'sharelink', target_id: '5', detail: null }).text).toBe('share link #5');
    expect(auditTarget({ target_type: 'model', target_id: '9', detail: {} }).text).toBe('model #9');
  });

  it('says what changed in a few words', () => {
    expect(auditDetailText({ action: 'member.role', detail: { username: 'grace', old: 'member', new: 'admin' } })).toBe('member → admin');
    expect(auditDetailText({ action: 'run.create', detail: { method: 'kd_forward_kl', name: 'kd-1', parent: 4 } }))
      .toBe('from run #4 · method: kd_forward_kl');
    expect(auditDetailText({ action: 'run.create', detail: { method: 'lm_train', name: 'x', parent: null } })).toBe('method: lm_train');
    expect(auditDetailText({ action: 'share.create', detail: { runs: [1, 2], title: 't' } })).toBe('runs #1, #2');
    expect(auditDetailText({ action: 'run.resume', detail: { step: 40 } })).toBe('step: 40');
    expect(auditDetailText({ action: 'share.revoke', detail: {} })).toBe('');
  });
});

describe('newer audit actions', () => {
  it('names sweeps, notifications and history, and links a sweep', () => {
    expect(auditActionText('sweep.create')).toBe('launched a sweep');
    expect(auditActionText('history.import')).toBe('imported a history');
    expect(auditTarget({ target_type: 'sweep', target_id: '4', detail: {} })).toEqual({ text: 'sweep #4', href: '/sweeps/4' });
  });
});

describe('invitation events', () => {
  it('names invitations by whom they were for, and what happened to them', () => {
    expect(auditActionText('member.invite')).toBe('invited someone');
    expect(auditActionText('member.decline')).toBe('declined an invitation');
    expect(auditTarget({ target_type: 'invitation', target_id: '7', detail: { email: 'ada@example.org', username: null, role: 'viewer' } }))
      .toEqual({ text: 'invitation to ada@example.org' });
    expect(auditTarget({ target_type: 'invitation', target_id: '7', detail: { email: '', username: 'grace' } }).text)
      .toBe('invitation to grace');
    expect(auditDetailText({ action: 'member.invite', detail: { email: 'ada@example.org', username: null, role: 'viewer' } }))
      .toBe('role: viewer');
  });
});
