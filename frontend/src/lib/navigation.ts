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
