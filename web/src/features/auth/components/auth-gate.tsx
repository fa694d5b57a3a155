// Guards every page but the sign-in page: asks /me (with the session's credentials, if any). A
// server without --auth answers 200 and the app shows at once; 401 sends the user to /sign-in,
// remembering where they were going. It also settles the workspace before any page asks for data.
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, LoadingState } from '@/components/states';
import { useMe } from '@/features/auth/api/get-me';
import { useSignOut } from '@/features/auth/utils/use-sign-out';
import { selectWorkspace, useSession } from '@/features/auth/utils/session-store';
import { pickWorkspace } from '@/features/auth/utils/pick-workspace';
import { ApiError } from '@/lib/api';

function NoWorkspace({ user }: { user: string }) {
  const signOut = useSignOut();
  return (
    <div className="page">
      <div className="state state--error" role="alert">
        <strong>No workspace</strong>
        <div>{user} is not a member of any workspace. Ask a workspace admin to add you.</div>
        <button type="button" onClick={() => signOut()}>Sign out</button>
      </div>
    </div>
  );
}

export function AuthGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const me = useMe(session.generation);
  const location = useLocation();
  const chosen = me.data ? pickWorkspace(me.data.workspaces, session.workspace) : null;
  const settling = me.data !== undefined && chosen !== session.workspace;

  useEffect(() => {
    if (settling) selectWorkspace(chosen);
  }, [settling, chosen]);

  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      const from = `${location.pathname}${location.search}${location.hash}`;
      return <Navigate to="/sign-in" replace state={{ from }} />;
    }
    return <ErrorState error={me.error} title="Cannot check sign-in" onRetry={() => void me.refetch()} />;
  }
  if (!me.data || settling) return <LoadingState label="Checking sign-in…" />;
  if (me.data.auth_enabled && me.data.workspaces.length === 0) return <NoWorkspace user={me.data.user.name} />;
  return children;
}
