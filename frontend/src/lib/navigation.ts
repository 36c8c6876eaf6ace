// URL helpers: where to go after signing in, and how to carry the server's pagination links in
// the page's own query string.

const DEFAULT_AFTER_LOGIN = '/runs';

/** Only same-site paths are followed after sign-in ("//evil.example" and "https://..." are not). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return DEFAULT_AFTER_LOGIN;
  if (next === '/login' || next.startsWith('/login?')) return DEFAULT_AFTER_LOGIN;
  return next;
}

/**
 * The query parameters of a DRF `next`/`previous` link, minus the ones the page sets itself, so
 * that page-number, limit/offset and cursor pagination all work the same way.
 */
export function paramsFromPageLink(link: string, omit: readonly string[] = ['workspace']): Record<string, string> {
  const url = new URL(link, 'http://placeholder.invalid');
  const params: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    if (!omit.includes(key)) params[key] = value;
  });
  return params;
}

/**
 * Where to go after switching workspace: the new workspace's list instead of an object (or a
 * filtered list, or a comparison) of the old one; null to stay on the page.
 */
export function pageAfterWorkspaceSwitch(pathname: string): string | null {
  if (pathname === '/runs' || /^\/runs\/\d+/.test(pathname) || pathname === '/compare') return '/runs';
  if (/^\/datasets\/\d+/.test(pathname)) return '/datasets';
  if (/^\/models\/\d+/.test(pathname)) return '/models';
  return null;
}
