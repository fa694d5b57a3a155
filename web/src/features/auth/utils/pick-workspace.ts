// Which workspace the UI works in when the user has not chosen (or chose one they lost).
import type { WorkspaceMembership } from '@/features/auth/api/get-me';

export const DEFAULT_WORKSPACE = 'default';

/** The stored choice if still listed, else "default" if listed, else the first; null for none. */
export function pickWorkspace(workspaces: readonly WorkspaceMembership[], stored: string | null): string | null {
  if (stored !== null && workspaces.some((w) => w.name === stored)) return stored;
  if (workspaces.some((w) => w.name === DEFAULT_WORKSPACE)) return DEFAULT_WORKSPACE;
  return workspaces[0]?.name ?? null;
}
