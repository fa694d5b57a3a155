import { useQuery } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useLocation } from 'react-router';
import type { RouteObject } from 'react-router';
import { beforeEach, describe, expect, it } from 'vitest';
import { Layout } from '@/components/layout';
import type { MeResponse } from '@/features/auth/api/get-me';
import { AuthGate } from '@/features/auth/components/auth-gate';
import { SessionControls } from '@/features/auth/components/session-controls';
import { SignInPage } from '@/features/auth/components/sign-in-page';
import { loadSessionFromStorage } from '@/features/auth/utils/session-store';
import { MLFLOW_API, request } from '@/lib/api';
import { renderRoutes } from '@/test/render';
import { server } from '@/test/server';

interface Seen { authorization: string | null; workspace: string | null }

/** Shows what the server saw for one API call, the way any page's query would make it. */
function Probe() {
  const { pathname } = useLocation();
  const probe = useQuery({
    queryKey: ['probe', pathname],
    queryFn: () => request<Seen>(`${MLFLOW_API}/probe`),
  });
  if (probe.isError) return <p>probe failed</p>;
  if (!probe.data) return <p>probing</p>;
  return <p data-testid="probe">{pathname} as {probe.data.authorization ?? 'nobody'} in {probe.data.workspace ?? 'none'}</p>;
}

const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <AuthGate><Layout actions={<SessionControls />} /></AuthGate>,
    children: [
      { path: 'experiments', element: <Probe /> },
      { path: 'runs/:runId', element: <Probe /> },
    ],
  },
];

const BASIC_ALICE = `Basic ${btoa('alice:correct horse')}`;

/** A fake server: /me and /probe accept `valid` credentials when auth is on. */
function fakeServer(options: { authEnabled: boolean; workspaces: MeResponse['workspaces']; retryAfter?: number }) {
  const valid = new Set(['Bearer bft_good', BASIC_ALICE]);
  const meCalls: (string | null)[] = [];
  const refuse = (authorization: string | null) => {
    if (options.retryAfter !== undefined && authorization) {
      return HttpResponse.json({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' },
        { status: 429, headers: { 'Retry-After': String(options.retryAfter) } });
    }
    const message = authorization?.startsWith('Basic') ? 'invalid user name or password'
      : authorization ? 'invalid or expired token' : 'credentials required';
    return HttpResponse.json({ error_code: 'UNAUTHENTICATED', message }, { status: 401 });
  };
  // Rate-limited: every attempt with credentials is refused, even a good one, until the wait is over.
  const allowed = (authorization: string | null) => !options.authEnabled ||
    (valid.has(authorization ?? '') && options.retryAfter === undefined);
  server.use(
    http.get('*/ajax-api/2.0/bucketflow/me', ({ request: r }) => {
      const authorization = r.headers.get('Authorization');
      meCalls.push(authorization);
      if (!allowed(authorization)) return refuse(authorization);
      return HttpResponse.json({ user: { name: options.authEnabled ? 'alice' : 'anonymous', is_admin: !options.authEnabled },
        auth_enabled: options.authEnabled, workspaces: options.workspaces });
    }),
    http.get('*/ajax-api/2.0/mlflow/probe', ({ request: r }) => {
      const authorization = r.headers.get('Authorization');
      if (!allowed(authorization)) return refuse(authorization);
      return HttpResponse.json({ authorization, workspace: r.headers.get('X-Bucketflow-Workspace') });
    }),
  );
  return { valid, meCalls };
}

const TWO_WORKSPACES: MeResponse['workspaces'] = [{ name: 'team-a', role: 'editor' }, { name: 'team-b', role: 'reader' }];

function storeSession(credentials: object, workspace?: string) {
  sessionStorage.setItem('bucketflow.credentials', JSON.stringify(credentials));
  if (workspace) sessionStorage.setItem('bucketflow.workspace', workspace);
  loadSessionFromStorage();
}

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  loadSessionFromStorage();
});

describe('sign-in and workspaces', () => {
  it('needs no sign-in when the server has no auth, and shows no switcher for one workspace', async () => {
    const { meCalls } = fakeServer({ authEnabled: false, workspaces: [{ name: 'default', role: 'admin' }] });
    renderRoutes(routes, '/experiments');
    expect(await screen.findByTestId('probe')).toHaveTextContent('/experiments as nobody in default');
    expect(meCalls).toEqual([null]);
    expect(screen.queryByRole('combobox', { name: 'Workspace' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('shows the switcher without auth when there is more than one workspace', async () => {
    fakeServer({ authEnabled: false, workspaces: [{ name: 'default', role: 'admin' }, { name: 'team-a', role: 'admin' }] });
    renderRoutes(routes, '/experiments');
    expect(await screen.findByTestId('probe')).toHaveTextContent('in default');
    expect(screen.getByRole('combobox', { name: 'Workspace' })).toHaveValue('default');
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('sends a 401 to the sign-in page, then signs in with a token and goes where the user was going', async () => {
    const { meCalls } = fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    const { router } = renderRoutes(routes, '/runs/r1?tab=metrics');
    await screen.findByRole('heading', { name: 'Sign in to Bucketflow' });
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(screen.getByText(/forgotten when\s+the tab closes/)).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('API token'), 'bft_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByTestId('probe')).toHaveTextContent('/runs/r1 as Bearer bft_good in team-a');
    expect(router.state.location.search).toBe('?tab=metrics');
    expect(meCalls).toEqual([null, 'Bearer bft_good']); // the answer to the sign-in is reused
    expect(JSON.parse(sessionStorage.getItem('bucketflow.credentials') ?? '{}')).toEqual({ kind: 'token', token: 'bft_good' });
    expect(sessionStorage.getItem('bucketflow.workspace')).toBe('team-a');
    expect(localStorage.length).toBe(0);
    expect(router.state.location.search).not.toContain('bft_');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('signs in with a user name and password (basic auth)', async () => {
    fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    renderRoutes(routes, '/experiments');
    await userEvent.click(await screen.findByRole('tab', { name: 'User name and password' }));
    await userEvent.type(screen.getByLabelText('User name'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('probe')).toHaveTextContent(`as ${BASIC_ALICE} in team-a`);
  });

  it("shows the server's refusal inline and keeps nothing", async () => {
    fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    renderRoutes(routes, '/experiments');
    await userEvent.type(await screen.findByLabelText('API token'), 'bft_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-in refused: invalid or expired token');

    await userEvent.click(screen.getByRole('tab', { name: 'User name and password' }));
    await userEvent.type(screen.getByLabelText('User name'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('invalid user name or password');
    expect(sessionStorage.getItem('bucketflow.credentials')).toBeNull();
  });

  it('says how long to wait when the server rate-limits sign-in (429)', async () => {
    fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES, retryAfter: 30 });
    renderRoutes(routes, '/experiments');
    await userEvent.type(await screen.findByLabelText('API token'), 'bft_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts; retry in 30 s.');
  });

  it('returns to sign-in with a message when the token stops working, and forgets it', async () => {
    const { valid } = fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    storeSession({ kind: 'token', token: 'bft_good' }, 'team-a');
    const { router } = renderRoutes(routes, '/experiments');
    expect(await screen.findByTestId('probe')).toHaveTextContent('as Bearer bft_good');

    valid.delete('Bearer bft_good'); // revoked on the server
    await router.navigate('/runs/r2');
    await screen.findByText('Your sign-in is no longer valid (invalid or expired token). Sign in again.');
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(sessionStorage.getItem('bucketflow.credentials')).toBeNull();

    valid.add('Bearer bft_good');
    await userEvent.type(screen.getByLabelText('API token'), 'bft_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('probe')).toHaveTextContent('/runs/r2 as Bearer bft_good');
  });

  it('switches workspace: new header on every call, stored, back to the experiments list', async () => {
    fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    storeSession({ kind: 'token', token: 'bft_good' }, 'team-a');
    const { router } = renderRoutes(routes, '/runs/r1');
    expect(await screen.findByTestId('probe')).toHaveTextContent('/runs/r1 as Bearer bft_good in team-a');
    const switcher = screen.getByRole('combobox', { name: 'Workspace' });
    expect(within(switcher).getAllByRole('option').map((o) => o.textContent)).toEqual(['team-a (editor)', 'team-b (reader)']);
    expect(screen.queryByText('read only')).toBeNull();

    await userEvent.selectOptions(switcher, 'team-b');
    await waitFor(() => expect(screen.getByTestId('probe')).toHaveTextContent('/experiments as Bearer bft_good in team-b'));
    expect(router.state.location.pathname).toBe('/experiments');
    expect(sessionStorage.getItem('bucketflow.workspace')).toBe('team-b');
    expect(screen.getByText('read only')).toHaveAttribute('title', expect.stringContaining('needs editor role'));

    // Already on the list: switching back refetches it rather than showing team-b's cached answer.
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Workspace' }), 'team-a');
    await waitFor(() => expect(screen.getByTestId('probe')).toHaveTextContent('/experiments as Bearer bft_good in team-a'));
  });

  it('forgets a stored workspace the user no longer belongs to', async () => {
    fakeServer({ authEnabled: true, workspaces: TWO_WORKSPACES });
    storeSession({ kind: 'token', token: 'bft_good' }, 'gone');
    renderRoutes(routes, '/experiments');
    expect(await screen.findByTestId('probe')).toHaveTextContent('in team-a');
    expect(sessionStorage.getItem('bucketflow.workspace')).toBe('team-a');
  });

  it('signs out: credentials and workspace forgotten, sign-in page shown', async () => {
    fakeServer({ authEnabled: true, workspaces: [{ name: 'team-a', role: 'editor' }] });
    storeSession({ kind: 'token', token: 'bft_good' }, 'team-a');
    const { router } = renderRoutes(routes, '/experiments');
    await screen.findByTestId('probe');
    expect(screen.getByTestId('current-workspace')).toHaveTextContent('team-a (editor)');
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByText('You signed out.');
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(sessionStorage.length).toBe(0);
  });
});
