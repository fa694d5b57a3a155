// A download link for any artifact. A presigned URL may have expired while the page sat open, so a
// click on a stale one first fetches a new URL and then starts the download. A URL on this server
// (source "server") needs the session's Authorization and workspace headers, which a plain link
// cannot send: a click fetches the bytes through apiFetch and saves them from a blob: URL.
import { useState } from 'react';
import type { MouseEvent } from 'react';
import { freshFor, useDownloadUrl } from '@/features/artifacts/api/get-download-url';
import {
  errorForNetworkFailure,
  errorForStatus,
  type ArtifactSource,
} from '@/features/artifacts/utils/artifact-errors';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { ApiError, apiFetch, errorMessage } from '@/lib/api';

// Revoking at once can cancel a download that has not started yet in some browsers.
const REVOKE_AFTER_MS = 60_000;

/** The server's own error (its error_code and message, e.g. a 401 or 403), else one by status. */
async function responseError(response: Response, source: ArtifactSource): Promise<Error> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string') {
      const message = typeof body.message === 'string' && body.message !== '' ? body.message : body.error_code;
      return new ApiError(response.status, body.error_code, message);
    }
  } catch {
    // Not MLflow's error JSON: describe the status instead.
  }
  return errorForStatus(response.status, source);
}

/** The whole artifact, with the session's headers when the URL is this server's. */
export async function fetchArtifactBlob(url: string, source: ArtifactSource, signal?: AbortSignal)
  : Promise<Blob> {
  let response: Response;
  try {
    response = await apiFetch(url, { signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw errorForNetworkFailure(source);
  }
  if (!response.ok) throw await responseError(response, source);
  return response.blob();
}

function startDownload(url: string, fileName: string) {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
}

function saveBlob(blob: Blob, fileName: string) {
  const objectUrl = URL.createObjectURL(blob);
  startDownload(objectUrl, fileName);
  setTimeout(() => URL.revokeObjectURL(objectUrl), REVOKE_AFTER_MS);
}

export function DownloadLink({ runId, path }: { runId: string; path: string }) {
  const link = useDownloadUrl(runId, path);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const fileName = baseName(path);
  if (link.isError) {
    return <span className="inline-error" role="alert">Download unavailable: {errorMessage(link.error)}</span>;
  }
  if (!link.data) return <span className="muted">Preparing download…</span>;
  const { url, source } = link.data;

  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (source === 'bucket' && freshFor(link.data) > 0) return;
    event.preventDefault();
    if (busy) return;
    setFailure(null);
    if (source === 'bucket') {
      link.ensureFresh().then((fresh) => startDownload(fresh.url, fileName)).catch(setFailure);
      return;
    }
    setBusy(true);
    fetchArtifactBlob(url, source)
      .then((blob) => saveBlob(blob, fileName))
      .catch(setFailure)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <a className="artifact-download" href={url} download={fileName} onClick={onClick}
        data-source={source} aria-busy={busy}>
        Download {fileName}
      </a>
      {busy && <span className="muted">Downloading…</span>}
      {failure !== null && (
        <span className="inline-error" role="alert">Download failed: {errorMessage(failure)}</span>
      )}
    </>
  );
}
