// A download link for any artifact. A presigned URL may have expired while the page sat open, so a
// click on a stale one first fetches a new URL and then starts the download.
import type { MouseEvent } from 'react';
import { freshFor, useDownloadUrl } from '@/features/artifacts/api/get-download-url';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { errorMessage } from '@/lib/api';

function startDownload(url: string, fileName: string) {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
}

export function DownloadLink({ runId, path }: { runId: string; path: string }) {
  const link = useDownloadUrl(runId, path);
  const fileName = baseName(path);
  if (link.isError) {
    return <span className="inline-error" role="alert">Download unavailable: {errorMessage(link.error)}</span>;
  }
  if (!link.data) return <span className="muted">Preparing download…</span>;

  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (freshFor(link.data) > 0) return;
    event.preventDefault();
    void link.ensureFresh().then((fresh) => startDownload(fresh.url, fileName));
  };
  return (
    <a className="artifact-download" href={link.data.url} download={fileName} onClick={onClick}
      data-source={link.data.source}>
      Download {fileName}
    </a>
  );
}
