// Gate for every signed-in screen: asks GET /auth/me/ and sends a signed-out visitor to /login,
// remembering where they were going.

import { Navigate, Outlet, useLocation } from 'react-router';
import { ApiError } from '../api/client';
import { useMe } from '../features/auth/api/queries';
import { ErrorAlert } from '../components/ErrorAlert';

export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isError && me.error instanceof ApiError && me.error.isAuthError) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.isError) {
    return (
      <main className="page page-narrow">
        <ErrorAlert error={me.error} title="Cannot check your session" />
        <button type="button" onClick={() => void me.refetch()}>Try again</button>
      </main>
    );
  }
  if (me.isPending) return <p className="page-loading" role="status">Loading…</p>;
  return <Outlet />;
}
