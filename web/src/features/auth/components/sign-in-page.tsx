// Sign-in with an API token or a user name and password. The credentials are checked with /me
// before they are kept; then the user goes where they were going.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { getMe, meQueryKey } from '@/features/auth/api/get-me';
import { signIn, useSession } from '@/features/auth/utils/session-store';
import { safeReturnPath, signInErrorMessage } from '@/features/auth/utils/sign-in-error';
import type { Credentials } from '@/lib/api';
import '@/features/auth/auth.css';

type Tab = 'token' | 'password';

function TabButton({ tab, current, onSelect, children }: {
  tab: Tab; current: Tab; onSelect: (tab: Tab) => void; children: string;
}) {
  return (
    <button type="button" role="tab" id={`sign-in-tab-${tab}`} aria-controls="sign-in-panel"
      aria-selected={tab === current} className={tab === current ? 'is-selected' : undefined}
      onClick={() => onSelect(tab)}>
      {children}
    </button>
  );
}

export function SignInPage() {
  const [tab, setTab] = useState<Tab>('token');
  const [token, setToken] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const session = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();

  const attempt = useMutation({
    mutationFn: (credentials: Credentials) => getMe(credentials),
    onSuccess: (me, credentials) => {
      client.removeQueries(); // nothing cached under an earlier identity survives
      const next = signIn(credentials);
      client.setQueryData(meQueryKey(next.generation), me);
      void navigate(safeReturnPath((location.state as { from?: unknown } | null)?.from), { replace: true });
    },
  });

  const credentials: Credentials | null = tab === 'token'
    ? (token.trim() ? { kind: 'token', token: token.trim() } : null)
    : (user.trim() && password ? { kind: 'password', user: user.trim(), password } : null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (credentials) attempt.mutate(credentials);
  };
  const selectTab = (next: Tab) => {
    setTab(next);
    attempt.reset();
  };

  return (
    <div className="sign-in">
      <main className="sign-in__panel">
        <h1>Sign in to Bucketflow</h1>
        {session.notice && <p className="sign-in__notice" role="status">{session.notice}</p>}
        <div role="tablist" aria-label="Sign-in method" className="sign-in__tabs">
          <TabButton tab="token" current={tab} onSelect={selectTab}>Token</TabButton>
          <TabButton tab="password" current={tab} onSelect={selectTab}>User name and password</TabButton>
        </div>
        {/* method="post": should a script ever fail, the browser must not put secrets in the URL. */}
        <form id="sign-in-panel" role="tabpanel" aria-labelledby={`sign-in-tab-${tab}`} method="post"
          onSubmit={onSubmit} className="sign-in__form">
          {tab === 'token' ? (
            <label>
              API token
              <input type="password" name="token" autoComplete="off" placeholder="bft_…" value={token}
                onChange={(event) => { setToken(event.target.value); attempt.reset(); }} />
            </label>
          ) : (
            <>
              <label>
                User name
                <input type="text" name="username" autoComplete="username" value={user}
                  onChange={(event) => { setUser(event.target.value); attempt.reset(); }} />
              </label>
              <label>
                Password
                <input type="password" name="password" autoComplete="current-password" value={password}
                  onChange={(event) => { setPassword(event.target.value); attempt.reset(); }} />
              </label>
            </>
          )}
          {attempt.isError && <div className="inline-error" role="alert">{signInErrorMessage(attempt.error)}</div>}
          <button type="submit" className="primary" disabled={!credentials || attempt.isPending}>
            {attempt.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted sign-in__note">
          Your credentials are kept in this browser tab only (session storage) and are forgotten when
          the tab closes.
          {tab === 'token' && <> An admin creates tokens with <code>bucketflow token create --user NAME</code>.</>}
        </p>
      </main>
    </div>
  );
}
