import { describe, expect, it } from 'vitest';
import type { Workspace } from '../api/types';
import { canWrite, chooseWorkspace } from './workspace';

const demo: Workspace = { id: 1, name: 'Demo', slug: 'demo', role: 'owner' };
const lab: Workspace = { id: 2, name: 'Lab', slug: 'lab', role: 'viewer' };

describe('chooseWorkspace', () => {
  it('keeps the remembered workspace when the user still belongs to it', () => {
    expect(chooseWorkspace([demo, lab], 'lab')).toBe(lab);
  });

  it('falls back to the first workspace', () => {
    expect(chooseWorkspace([demo, lab], 'gone')).toBe(demo);
    expect(chooseWorkspace([demo, lab], null)).toBe(demo);
  });

  it('is null without workspaces', () => {
    expect(chooseWorkspace([], 'demo')).toBeNull();
  });
});

describe('canWrite', () => {
  it('refuses viewers', () => {
    expect(canWrite(demo)).toBe(true);
    expect(canWrite(lab)).toBe(false);
    expect(canWrite(null)).toBe(false);
  });
});
