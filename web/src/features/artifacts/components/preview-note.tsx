// The line under a preview that says it shows only the start of a large file.
import { formatBytes } from '@/features/artifacts/utils/fetch-range';

export function TruncationNote({ shownBytes, size }: { shownBytes: number; size: number | undefined }) {
  const total = size === undefined ? 'a larger file' : formatBytes(size);
  return (
    <p className="artifact-preview__note" role="note">
      Showing first {formatBytes(shownBytes)} of {total}. Download the file to see all of it.
    </p>
  );
}
