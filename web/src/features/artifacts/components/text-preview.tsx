// Text, logs, YAML/MLmodel and JSON: the first 256 KB, decoded as UTF-8. JSON is pretty-printed when
// the whole file was read and parses; otherwise it is shown as it is.
import { useArtifactContent } from '@/features/artifacts/api/get-artifact-content';
import { TruncationNote } from '@/features/artifacts/components/preview-note';
import { describeError } from '@/features/artifacts/utils/artifact-errors';
import { decodePrefix, TEXT_PREVIEW_BYTES } from '@/features/artifacts/utils/fetch-range';
import { LoadingState } from '@/components/states';

export interface TextPreviewProps {
  runId: string;
  path: string;
  size: number | undefined;
  format: 'text' | 'json' | 'yaml';
}

/** Pretty JSON, or null when the text is not (complete) JSON. */
export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

export function TextPreview({ runId, path, size, format }: TextPreviewProps) {
  const content = useArtifactContent({ runId, path, maxBytes: TEXT_PREVIEW_BYTES, knownSize: size });
  if (content.isPending) return <LoadingState label="Loading preview…" />;
  if (content.isError) return <PreviewError error={content.error} />;
  const { bytes, truncated } = content.data;
  const text = decodePrefix(bytes, truncated);
  const pretty = format === 'json' && !truncated ? prettyJson(text) : null;
  return (
    <>
      {truncated && <TruncationNote shownBytes={bytes.length} size={size} />}
      {format === 'json' && !truncated && pretty === null && (
        <p className="artifact-preview__note">This file is not valid JSON; showing it as text.</p>
      )}
      {text === '' ? (
        <p className="muted">This file is empty.</p>
      ) : (
        <pre className={`artifact-text artifact-text--${format}`} tabIndex={0}>{pretty ?? text}</pre>
      )}
    </>
  );
}

export function PreviewError({ error }: { error: unknown }) {
  return (
    <div className="state state--error" role="alert">
      <strong>Cannot show this file</strong>
      <div className="state__detail">{describeError(error)}</div>
    </div>
  );
}
