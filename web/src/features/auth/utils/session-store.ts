// The signed-in session: credentials and the selected workspace, kept in sessionStorage (this tab
// only, gone when it closes; never localStorage or the URL) and pushed into lib/api.ts, which sends
// them. A 401 for the session's credentials ends the session with a notice for the sign-in page.
import { useSyncExternalStore } from 'react';
import { setApiSession, setUnauthorizedHandler } from '@/lib/api';
import type { Credentials } from '@/lib/api';

const CREDENTIALS_KEY = 'bucketflow.credentials';
const WORKSPACE_KEY = 'bucketflow.workspace';

export interface SessionState {
  credentials: Credentials | null;
  workspace: string | null;
  /** Shown on the sign-in page: why the user is there again. */
  notice: string | null;
  /** Changes whenever the credentials do, so queries keyed on it ask the server again. */
  generation: number;
}

function isCredentials(value: unknown): value is Credentials {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.kind === 'token' && typeof v.token === 'string') ||
    (v.kind === 'password' && typeof v.user === 'string' && typeof v.password === 'string');
}

function readCredentials(): Credentials | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) ?? 'null');
    return isCredentials(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

let state: SessionState | null = null;
const listeners = new Set<() => void>();

function update(next: Partial<SessionState>): void {
  const current = getSession();
  state = { ...current, ...next };
  if (next.credentials !== undefined) {
    if (next.credentials) sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(next.credentials));
    else sessionStorage.removeItem(CREDENTIALS_KEY);
    state.generation = current.generation + 1;
  }
  if (next.workspace !== undefined) {
    if (next.workspace) sessionStorage.setItem(WORKSPACE_KEY, next.workspace);
    else sessionStorage.removeItem(WORKSPACE_KEY);
  }
  setApiSession({ credentials: state.credentials, workspace: state.workspace });
  for (const listener of listeners) listener();
}

/** (Re)reads the session from sessionStorage and hands it to the API client. */
export function loadSessionFromStorage(): SessionState {
  state = {
    credentials: readCredentials(),
    workspace: sessionStorage.getItem(WORKSPACE_KEY),
    notice: null,
    generation: (state?.generation ?? 0) + 1,
  };
  setApiSession({ credentials: state.credentials, workspace: state.workspace });
  setUnauthorizedHandler((error) => {
    update({ credentials: null, notice: `Your sign-in is no longer valid (${error.message}). Sign in again.` });
  });
  return state;
}

export function getSession(): SessionState {
  return state ?? loadSessionFromStorage();
}

export function signIn(credentials: Credentials): SessionState {
  update({ credentials, notice: null });
  return getSession();
}

/** Forgets the credentials and the workspace; `notice` is shown on the sign-in page. */
export function signOut(notice: string | null = null): void {
  update({ credentials: null, workspace: null, notice });
}

export function selectWorkspace(name: string | null): void {
  update({ workspace: name });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, getSession);
}
