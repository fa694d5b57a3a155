// bucketflow/me: who the caller is, whether the server wants sign-in, and their workspaces with
// roles. Without --auth everyone is an anonymous admin, and every workspace is listed.
import { useQuery } from '@tanstack/react-query';
import { ApiError, BUCKETFLOW_API, request } from '@/lib/api';
import type { Credentials } from '@/lib/api';

export type WorkspaceRole = 'reader' | 'editor' | 'admin';

export interface WorkspaceMembership {
  name: string;
  role: WorkspaceRole;
}

export interface MeResponse {
  user: { name: string; is_admin: boolean };
  auth_enabled: boolean;
  workspaces: WorkspaceMembership[];
}

export const ME_QUERY_ROOT = 'auth';

function normalise(body: Partial<MeResponse>): MeResponse {
  return {
    user: { name: body.user?.name ?? '', is_admin: body.user?.is_admin === true },
    auth_enabled: body.auth_enabled === true,
    workspaces: Array.isArray(body.workspaces) ? body.workspaces : [],
  };
}

/** `credentials` given: a sign-in attempt with them; omitted: the session's. */
export async function getMe(credentials?: Credentials | null, signal?: AbortSignal): Promise<MeResponse> {
  try {
    const options = credentials === undefined ? { signal } : { signal, credentials };
    return normalise(await request<Partial<MeResponse>>(`${BUCKETFLOW_API}/me`, options));
  } catch (error) {
    // A server that predates workspaces has no /me: it has no sign-in either.
    if (error instanceof ApiError && error.status === 404) {
      return { user: { name: '', is_admin: true }, auth_enabled: false, workspaces: [] };
    }
    throw error;
  }
}

export function meQueryKey(generation: number) {
  return [ME_QUERY_ROOT, 'me', generation] as const;
}

/** `generation` comes from the session store: new credentials, new answer. */
export function useMe(generation: number) {
  return useQuery({
    queryKey: meQueryKey(generation),
    queryFn: ({ signal }) => getMe(undefined, signal),
    staleTime: 60_000,
    retry: false,
  });
}
