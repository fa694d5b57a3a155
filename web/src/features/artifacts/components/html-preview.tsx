// HTML renders in an iframe with an empty sandbox: no scripts, no forms, no same-origin access, so
// an artifact cannot act as the UI. The markup is fetched (first 256 KB) and given as srcdoc.
import { useArtifactContent } from '@/features/artifacts/api/get-artifact-content';
import { TruncationNote } from '@/features/artifacts/components/preview-note';
import { PreviewError } from '@/features/artifacts/components/text-preview';
import { decodePrefix, TEXT_PREVIEW_BYTES } from '@/features/artifacts/utils/fetch-range';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { LoadingState } from '@/components/states';

export function HtmlPreview({ runId, path, size }: { runId: string; path: string; size: number | undefined }) {
  const content = useArtifactContent({ runId, path, maxBytes: TEXT_PREVIEW_BYTES, knownSize: size });
  if (content.isPending) return <LoadingState label="Loading page…" />;
  if (content.isError) return <PreviewError error={content.error} />;
  const { bytes, truncated } = content.data;
  return (
    <>
      {truncated && <TruncationNote shownBytes={bytes.length} size={size} />}
      <iframe className="artifact-html" title={`Preview of ${baseName(path)}`} sandbox=""
        srcDoc={decodePrefix(bytes, truncated)} />
    </>
  );
}
