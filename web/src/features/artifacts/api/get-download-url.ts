// bucketflow/artifacts/download-url: where the browser reads an artifact from. With S3 it is a
// presigned bucket URL that expires (expires_at, epoch ms), so a cached URL counts as stale a
// little before it expires and is fetched again before it is used.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { BUCKETFLOW_API, request } from '@/lib/api';
import type { DownloadUrlResponse } from '@/types/mlflow';

/**
 * A URL this close to expiring is refreshed rather than used — or half its lifetime, when that
 * is shorter: URLs never outlive the role's credentials, which can be minutes or less.
 */
export const EXPIRY_MARGIN_MS = 30_000;

export async function getDownloadUrl(runId: string, path: string, signal?: AbortSignal)
  : Promise<DownloadUrlResponse> {
  const body = await request<Partial<DownloadUrlResponse>>(`${BUCKETFLOW_API}/artifacts/download-url`, {
    query: { run_id: runId, path }, signal,
  });
  if (typeof body.url !== 'string' || body.url === '') {
    throw new Error(`The server sent no download URL for ${path}.`);
  }
  return {
    url: body.url,
    source: body.source === 'bucket' ? 'bucket' : 'server',
    expires_at: body.expires_at,
    received_at: Date.now(),
  };
}

/** Milliseconds a URL stays usable; Infinity for server URLs, which do not expire. */
export function freshFor(data: DownloadUrlResponse | undefined, now = Date.now()): number {
  if (!data || data.expires_at === undefined) return Infinity;
  const lifetime = data.received_at === undefined ? Infinity : data.expires_at - data.received_at;
  const margin = Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
  return Math.max(0, data.expires_at - margin - now);
}

function downloadUrlOptions(runId: string, path: string) {
  return {
    queryKey: ['artifact-download-url', runId, path] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => getDownloadUrl(runId, path, signal),
    staleTime: (query: { state: { data: DownloadUrlResponse | undefined } }) => freshFor(query.state.data),
  };
}

/** The cached URL when it is still fresh, else a new one from the server. */
export function fetchFreshDownloadUrl(client: QueryClient, runId: string, path: string)
  : Promise<DownloadUrlResponse> {
  return client.fetchQuery(downloadUrlOptions(runId, path));
}

export function useDownloadUrl(runId: string, path: string) {
  const client = useQueryClient();
  const query = useQuery({
    ...downloadUrlOptions(runId, path),
    retry: false,
    // While shown, a presigned URL is replaced just before it expires, so links stay usable.
    refetchInterval: (q: { state: { data: DownloadUrlResponse | undefined } }) => {
      const ms = freshFor(q.state.data);
      return Number.isFinite(ms) ? Math.max(ms, 1000) : false;
    },
  });
  const ensureFresh = useCallback(
    () => fetchFreshDownloadUrl(client, runId, path), [client, runId, path]);
  return { ...query, ensureFresh };
}
