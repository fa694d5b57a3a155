// The header's workspace picker: each workspace with the caller's role in it. A reader is told
// up front that changes will be refused.
import type { WorkspaceMembership } from '@/features/auth/api/get-me';
import { useSwitchWorkspace } from '@/features/auth/utils/use-switch-workspace';

export function WorkspaceSwitcher({ workspaces, current }: {
  workspaces: readonly WorkspaceMembership[];
  current: string | null;
}) {
  const switchTo = useSwitchWorkspace();
  const role = workspaces.find((w) => w.name === current)?.role;
  return (
    <div className="workspace-switcher">
      {workspaces.length > 1 ? (
        <select aria-label="Workspace" value={current ?? ''}
          onChange={(event) => switchTo(event.target.value)}>
          {workspaces.map((w) => (
            <option key={w.name} value={w.name}>{w.name} ({w.role})</option>
          ))}
        </select>
      ) : (
        <span className="workspace-switcher__name" data-testid="current-workspace">
          {current}{role ? ` (${role})` : ''}
        </span>
      )}
      {role === 'reader' && (
        <span className="workspace-switcher__badge"
          title="You are a reader here: creating, renaming or deleting anything needs editor role.">
          read only
        </span>
      )}
    </div>
  );
}
