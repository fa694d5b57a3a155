// Images load straight from the download URL. An <img> cannot say why it failed, so on error the
// URL is probed with a 1-byte ranged fetch, which does report 403 / 404 / CORS distinctly.
import { useState } from 'react';
import { freshFor, useDownloadUrl } from '@/features/artifacts/api/get-download-url';
import { PreviewError } from '@/features/artifacts/components/text-preview';
import { fetchRange } from '@/features/artifacts/utils/fetch-range';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { LoadingState } from '@/components/states';

export function ImagePreview({ runId, path }: { runId: string; path: string }) {
  const link = useDownloadUrl(runId, path);
  const [failure, setFailure] = useState<unknown>(null);
  if (link.isError) return <PreviewError error={link.error} />;
  // A cached URL past its expiry is being replaced (the query refetches stale data on mount).
  if (!link.data || freshFor(link.data) === 0) return <LoadingState label="Loading image…" />;
  const { url, source } = link.data;
  if (failure !== null) return <PreviewError error={failure} />;

  const onError = () => {
    fetchRange({ url, source, maxBytes: 1 })
      .then(() => setFailure(new Error('The file was read but the browser cannot display it as an image.')))
      .catch((error: unknown) => setFailure(error));
  };
  return (
    <div className="artifact-image">
      <img src={url} alt={baseName(path)} onError={onError} />
    </div>
  );
}
