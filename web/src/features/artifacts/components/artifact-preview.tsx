// The preview pane for one file: a header with its size and a download link, then the preview its
// extension calls for (text, JSON, YAML/MLmodel, CSV/TSV table, image, sandboxed HTML) or none.
import type { ArtifactEntry } from '@/features/artifacts/api/list-artifacts';
import { CsvPreview } from '@/features/artifacts/components/csv-preview';
import { DownloadLink } from '@/features/artifacts/components/download-link';
import { HtmlPreview } from '@/features/artifacts/components/html-preview';
import { ImagePreview } from '@/features/artifacts/components/image-preview';
import { TextPreview } from '@/features/artifacts/components/text-preview';
import { formatBytes } from '@/features/artifacts/utils/fetch-range';
import { baseName, previewKindFor } from '@/features/artifacts/utils/preview-kind';

function PreviewBody({ runId, entry }: { runId: string; entry: ArtifactEntry }) {
  const { path, size } = entry;
  const kind = previewKindFor(path);
  switch (kind) {
    case 'text':
    case 'json':
    case 'yaml':
      return <TextPreview runId={runId} path={path} size={size} format={kind} />;
    case 'csv':
      return <CsvPreview runId={runId} path={path} size={size} />;
    case 'image':
      return <ImagePreview runId={runId} path={path} />;
    case 'html':
      return <HtmlPreview runId={runId} path={path} size={size} />;
    case 'none':
      return <p className="muted">No preview for this file type; use the download link.</p>;
  }
}

export function ArtifactPreview({ runId, entry }: { runId: string; entry: ArtifactEntry }) {
  const kind = previewKindFor(entry.path);
  return (
    <section className="artifact-preview" data-testid="artifact-preview" data-kind={kind}
      aria-label={`Preview of ${entry.path}`}>
      <header className="artifact-preview__header">
        <h3 title={entry.path}>{baseName(entry.path)}</h3>
        {entry.size !== undefined && <span className="muted">{formatBytes(entry.size)}</span>}
        <span className="toolbar__spacer" />
        <DownloadLink runId={runId} path={entry.path} />
      </header>
      <div className="artifact-preview__body">
        <PreviewBody key={entry.path} runId={runId} entry={entry} />
      </div>
    </section>
  );
}
