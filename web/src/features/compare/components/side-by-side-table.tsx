// Values of several runs side by side; rows whose values differ are marked (and can be shown alone).
import type { SideBySideRow } from '@/features/compare/utils/compare-data';

export interface SideBySideTableProps {
  rows: readonly SideBySideRow[];
  runNames: readonly string[];
  onlyDiffering: boolean;
  testId: string;
  caption: string;
  emptyText: string;
}

export function SideBySideTable({ rows, runNames, onlyDiffering, testId, caption, emptyText }: SideBySideTableProps) {
  const shown = onlyDiffering ? rows.filter((r) => r.differs) : rows;
  if (rows.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <div className="compare-table-scroll">
      <table className="compare-table" data-testid={testId}>
        <caption className="compare-table__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {runNames.map((name, i) => <th key={i} scope="col">{name}</th>)}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key} className={row.differs ? 'is-different' : undefined}
              data-differs={row.differs ? 'true' : 'false'}>
              <th scope="row">
                {row.differs && <span className="compare-table__mark" title="Values differ" aria-label="differs">≠ </span>}
                {row.key}
              </th>
              {row.values.map((value, i) => (
                <td key={i} className={value === undefined ? 'muted' : undefined}>{value ?? '—'}</td>
              ))}
            </tr>
          ))}
          {shown.length === 0 && (
            <tr><td colSpan={runNames.length + 1} className="muted">All values are the same.</td></tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
