// CSV/TSV as a table of the first rows: only the first 64 KB is read (a Range request), and a
// record cut off by that limit is dropped rather than shown half.
import { useArtifactContent } from '@/features/artifacts/api/get-artifact-content';
import { PreviewError } from '@/features/artifacts/components/text-preview';
import { CSV_PREVIEW_BYTES, decodePrefix, formatBytes } from '@/features/artifacts/utils/fetch-range';
import { delimiterFor, parseDelimited } from '@/features/artifacts/utils/parse-delimited';
import { LoadingState } from '@/components/states';

export const CSV_PREVIEW_ROWS = 500;

export function CsvPreview({ runId, path, size }: { runId: string; path: string; size: number | undefined }) {
  const content = useArtifactContent({ runId, path, maxBytes: CSV_PREVIEW_BYTES, knownSize: size });
  if (content.isPending) return <LoadingState label="Loading table…" />;
  if (content.isError) return <PreviewError error={content.error} />;
  const { bytes, truncated } = content.data;
  const table = parseDelimited(decodePrefix(bytes, truncated), {
    delimiter: delimiterFor(path), truncated, maxRows: CSV_PREVIEW_ROWS + 1,
  });
  const [header, ...rows] = table.rows;
  if (!header) return <p className="muted">This file is empty.</p>;
  const width = Math.max(header.length, ...rows.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => header[i] ?? `column ${i + 1}`);
  return (
    <>
      {(truncated || table.cut) && (
        <p className="artifact-preview__note" role="note">
          Showing the first {rows.length} rows
          {truncated ? ` (from the first ${formatBytes(bytes.length)} of ${size === undefined ? 'a larger file' : formatBytes(size)})` : ''}.
          Download the file to see all of it.
        </p>
      )}
      <div className="csv-scroll" tabIndex={0}>
        <table className="csv-table" data-testid="csv-table">
          <thead>
            <tr>{columns.map((name, i) => <th key={i} scope="col">{name}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                {columns.map((_, c) => <td key={c}>{row[c] ?? ''}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
