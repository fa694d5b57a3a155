// Images from a bucket load straight from the presigned URL (another origin: it gets no headers).
// An <img> cannot say why it failed, so on error that URL is probed with a 1-byte ranged fetch,
// which does report 403 / 404 / CORS distinctly. Images this server serves need the session's
// Authorization and workspace headers, which an <img> cannot send: their bytes are fetched through
// apiFetch and shown from a blob: URL, so a refused fetch shows the server's own error.
import { useEffect, useState } from 'react';
import { freshFor, useDownloadUrl } from '@/features/artifacts/api/get-download-url';
import { fetchArtifactBlob } from '@/features/artifacts/components/download-link';
import { PreviewError } from '@/features/artifacts/components/text-preview';
import { fetchRange } from '@/features/artifacts/utils/fetch-range';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { LoadingState } from '@/components/states';

type ServerImage = { url: string; src: string } | { url: string; error: unknown };

/** A blob: URL holding the bytes at `url` (null: nothing to fetch); revoked when `url` changes. */
function useServerImage(url: string | null): ServerImage | null {
  const [image, setImage] = useState<ServerImage | null>(null);
  useEffect(() => {
    if (url === null) return undefined;
    const controller = new AbortController();
    let objectUrl: string | null = null;
    fetchArtifactBlob(url, 'server', controller.signal).then(
      (blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setImage({ url, src: objectUrl });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setImage({ url, error });
      },
    );
    return () => {
      controller.abort();
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return image !== null && image.url === url ? image : null;
}

const NOT_AN_IMAGE = 'The file was read but the browser cannot display it as an image.';

export function ImagePreview({ runId, path }: { runId: string; path: string }) {
  const link = useDownloadUrl(runId, path);
  const serverImage = useServerImage(link.data?.source === 'server' ? link.data.url : null);
  const [failure, setFailure] = useState<unknown>(null);
  if (link.isError) return <PreviewError error={link.error} />;
  // A cached URL past its expiry is being replaced (the query refetches stale data on mount).
  if (!link.data || freshFor(link.data) === 0) return <LoadingState label="Loading image…" />;
  const { url, source } = link.data;
  if (failure !== null) return <PreviewError error={failure} />;

  if (source === 'server') {
    if (serverImage === null) return <LoadingState label="Loading image…" />;
    if ('error' in serverImage) return <PreviewError error={serverImage.error} />;
    // The bytes arrived, so a failure here really is a file the browser cannot decode.
    return (
      <div className="artifact-image">
        <img src={serverImage.src} alt={baseName(path)} onError={() => setFailure(new Error(NOT_AN_IMAGE))} />
      </div>
    );
  }
  const onError = () => {
    fetchRange({ url, source, maxBytes: 1 })
      .then(() => setFailure(new Error(NOT_AN_IMAGE)))
      .catch((error: unknown) => setFailure(error));
  };
  return (
    <div className="artifact-image">
      <img src={url} alt={baseName(path)} onError={onError} />
    </div>
  );
}
