// The first bytes of an artifact, read from wherever download-url points (the bucket or the
// server). A 403 from the bucket is retried once with a new URL: that tells an expired link (fixed
// by the retry) from a role without s3:GetObject (still 403, shown with the fix).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { fetchFreshDownloadUrl } from '@/features/artifacts/api/get-download-url';
import { ArtifactFetchError } from '@/features/artifacts/utils/artifact-errors';
import type { ArtifactSource } from '@/features/artifacts/utils/artifact-errors';
import { fetchRange } from '@/features/artifacts/utils/fetch-range';

export interface ContentRequest {
  runId: string;
  path: string;
  maxBytes: number;
  /** Size from the listing, the only reliable total for a cross-origin ranged read. */
  knownSize?: number | undefined;
}

export interface ArtifactContent {
  bytes: Uint8Array;
  truncated: boolean;
  source: ArtifactSource;
}

async function readOnce(client: QueryClient, request: ContentRequest, signal?: AbortSignal)
  : Promise<ArtifactContent> {
  const link = await fetchFreshDownloadUrl(client, request.runId, request.path);
  const result = await fetchRange({
    url: link.url, source: link.source, maxBytes: request.maxBytes, knownSize: request.knownSize, signal,
  });
  return { ...result, source: link.source };
}

export async function getArtifactContent(client: QueryClient, request: ContentRequest,
  signal?: AbortSignal): Promise<ArtifactContent> {
  try {
    return await readOnce(client, request, signal);
  } catch (error) {
    if (!(error instanceof ArtifactFetchError) || error.kind !== 'forbidden') throw error;
    client.removeQueries({ queryKey: ['artifact-download-url', request.runId, request.path] });
    return readOnce(client, request, signal);
  }
}

export function useArtifactContent(request: ContentRequest) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['artifact-content', request.runId, request.path, request.maxBytes],
    queryFn: ({ signal }) => getArtifactContent(client, request, signal),
    retry: false,
    staleTime: 60_000,
  });
}
