// Sign-in: POST /auth/login/ sets the session cookie; the server's message is shown on failure.
// Coming from an invitation link (?next=/invitations/TOKEN), a visitor without an account can make
// one with it instead: accounts are by invitation only.

import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../features/auth/api/queries';
import { useSignIn, useSignUpWithInvitation } from '../features/auth/api/mutations';
import { ErrorAlert } from '../components/ErrorAlert';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { safeNextPath } from '../lib/navigation';

export function LoginPage() {
  useDocumentTitle('Sign in');
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const navigate = useNavigate();
  const me = useMe();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const signIn = useSignIn(() => void navigate(next, { replace: true }));

  if (me.isSuccess && !signIn.isPending) return <Navigate to={next} replace />;
  const invitation = /^\/invitations\/([^/?#]+)$/.exec(next)?.[1];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    signIn.mutate({ username, password });
  };

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Distillery</h1>
        {signIn.isError && <ErrorAlert error={signIn.error} />}
        <div className="field">
          <label htmlFor="login-username">Username</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <button type="submit" className="button-primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {invitation && <SignUpWithInvitation token={decodeURIComponent(invitation)} />}
    </main>
  );
}

function SignUpWithInvitation({ token }: { token: string }) {
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signUp = useSignUpWithInvitation(token, () => void navigate('/runs', { replace: true }));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    signUp.mutate({ username: username.trim(), password });
  };
  return (
    <form className="login-card" onSubmit={onSubmit} aria-labelledby="signup-title">
      <h2 id="signup-title">New here? Make your account</h2>
      <p className="hint">Your invitation makes an account with the address it was sent to, and joins its workspace.</p>
      {signUp.isError && <ErrorAlert error={signUp.error} title="No account was made" />}
      <div className="field">
        <label htmlFor="signup-username">Choose a username</label>
        <input id="signup-username" autoComplete="username" required value={username}
          onChange={(event) => setUsername(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="signup-password">Choose a password</label>
        <input id="signup-password" type="password" autoComplete="new-password" required minLength={8} value={password}
          onChange={(event) => setPassword(event.target.value)} />
      </div>
      <button type="submit" disabled={signUp.isPending}>
        {signUp.isPending ? 'Making your account…' : 'Make account and join'}
      </button>
    </form>
  );
}
