import { describe, expect, it } from 'vitest';
import { readCookie } from './cookies';

describe('readCookie', () => {
  it('finds a cookie among others', () => {
    expect(readCookie('csrftoken', 'sessionid=abc; csrftoken=XYZ123; theme=dark')).toBe('XYZ123');
  });

  it('returns null when the cookie is missing', () => {
    expect(readCookie('csrftoken', 'sessionid=abc')).toBeNull();
    expect(readCookie('csrftoken', '')).toBeNull();
  });

  it('does not match a cookie whose name only ends with the wanted name', () => {
    expect(readCookie('csrftoken', 'xcsrftoken=nope; csrftoken=yes')).toBe('yes');
  });

  it('decodes percent-encoded values', () => {
    expect(readCookie('next', 'next=%2Fruns%2F1')).toBe('/runs/1');
  });
});
