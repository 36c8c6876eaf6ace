import { describe, expect, it } from 'vitest';
import { pageAfterWorkspaceSwitch, paramsFromPageLink, safeNextPath } from './navigation';

describe('safeNextPath', () => {
  it('follows local paths', () => {
    expect(safeNextPath('/runs/42')).toBe('/runs/42');
    expect(safeNextPath('/runs?status=running')).toBe('/runs?status=running');
  });

  it('refuses other sites, missing values and the login page itself', () => {
    expect(safeNextPath(null)).toBe('/runs');
    expect(safeNextPath('https://evil.example/')).toBe('/runs');
    expect(safeNextPath('//evil.example/')).toBe('/runs');
    expect(safeNextPath('/\\evil.example')).toBe('/runs');
    expect(safeNextPath('/login?next=/runs')).toBe('/runs');
  });
});

describe('paramsFromPageLink', () => {
  it('keeps pagination and filter parameters and drops the workspace', () => {
    expect(paramsFromPageLink('http://localhost:8000/api/v1/runs/?page=3&status=running&workspace=demo')).toEqual({
      page: '3',
      status: 'running',
    });
  });

  it('works with cursor and offset links and with relative links', () => {
    expect(paramsFromPageLink('/api/v1/runs/?cursor=cD0yMDI0&workspace=demo')).toEqual({ cursor: 'cD0yMDI0' });
    expect(paramsFromPageLink('/api/v1/runs/?limit=20&offset=40')).toEqual({ limit: '20', offset: '40' });
  });
});

describe('pageAfterWorkspaceSwitch', () => {
  it('leaves objects and comparisons of the old workspace for the new one\'s lists', () => {
    expect(pageAfterWorkspaceSwitch('/runs')).toBe('/runs');
    expect(pageAfterWorkspaceSwitch('/runs/12')).toBe('/runs');
    expect(pageAfterWorkspaceSwitch('/compare')).toBe('/runs');
    expect(pageAfterWorkspaceSwitch('/datasets/3')).toBe('/datasets');
    expect(pageAfterWorkspaceSwitch('/models/4')).toBe('/models');
  });

  it('stays on pages that follow the workspace by themselves', () => {
    expect(pageAfterWorkspaceSwitch('/')).toBeNull();
    expect(pageAfterWorkspaceSwitch('/runs/new')).toBeNull();
    expect(pageAfterWorkspaceSwitch('/datasets')).toBeNull();
    expect(pageAfterWorkspaceSwitch('/settings')).toBeNull();
  });
});
