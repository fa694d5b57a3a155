// artifacts/list: one directory of a run, listed only when the tree opens it. The answer is the
// whole directory (the tree shows it a page at a time); a missing directory lists as empty.
import { useQuery } from '@tanstack/react-query';
import { mlflowGet } from '@/lib/api';
import type { FileInfo, ListArtifactsResponse } from '@/types/mlflow';

export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  size: number | undefined;
}

function toEntry(file: FileInfo): ArtifactEntry {
  const size = file.file_size === undefined ? undefined : Number(file.file_size);
  return { path: file.path, isDir: file.is_dir, size: Number.isFinite(size) ? size : undefined };
}

export async function listArtifacts(runId: string, path: string, signal?: AbortSignal)
  : Promise<ArtifactEntry[]> {
  const files: FileInfo[] = [];
  const seenTokens = new Set<string>();
  let pageToken: string | undefined;
  // The server answers in one page today; following next_page_token keeps this right if it pages
  // (and a token that comes back twice ends the loop instead of spinning).
  do {
    const body: ListArtifactsResponse = await mlflowGet<ListArtifactsResponse>(
      'artifacts/list', { run_id: runId, path: path || undefined, page_token: pageToken }, signal);
    files.push(...(body.files ?? []));
    pageToken = body.next_page_token || undefined;
    if (pageToken !== undefined) {
      if (seenTokens.has(pageToken)) break;
      seenTokens.add(pageToken);
    }
  } while (pageToken);
  return files.map(toEntry);
}

export function artifactListKey(runId: string, path: string) {
  return ['artifacts-list', runId, path] as const;
}

export function useArtifactList(runId: string, path: string, enabled = true) {
  return useQuery({
    queryKey: artifactListKey(runId, path),
    queryFn: ({ signal }) => listArtifacts(runId, path, signal),
    enabled,
    staleTime: 30_000,
  });
}
