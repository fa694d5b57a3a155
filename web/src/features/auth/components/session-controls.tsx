// The right end of the header: the workspace switcher (with auth, or when there is more than one
// workspace), then who is signed in and a sign-out button (with auth only).
import { useMe } from '@/features/auth/api/get-me';
import { WorkspaceSwitcher } from '@/features/auth/components/workspace-switcher';
import { useSession } from '@/features/auth/utils/session-store';
import { useSignOut } from '@/features/auth/utils/use-sign-out';
import '@/features/auth/auth.css';

export function SessionControls() {
  const session = useSession();
  const me = useMe(session.generation);
  const signOut = useSignOut();
  if (!me.data) return null;
  const { auth_enabled: authEnabled, workspaces, user } = me.data;
  return (
    <div className="session-controls">
      {(authEnabled || workspaces.length > 1) && (
        <WorkspaceSwitcher workspaces={workspaces} current={session.workspace} />
      )}
      {authEnabled && (
        <>
          <span className="session-controls__user" title={user.is_admin ? 'server admin' : undefined}>
            {user.name}
          </span>
          <button type="button" className="session-controls__sign-out" onClick={signOut}>Sign out</button>
        </>
      )}
    </div>
  );
}
