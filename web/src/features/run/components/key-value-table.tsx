// A two-column table of keys and values (params, tags), sorted by key.
import type { Tag } from '@/types/mlflow';

export interface KeyValueTableProps {
  rows: readonly Tag[];
  caption: string;
  testId?: string;
  emptyText: string;
}

export function KeyValueTable({ rows, caption, testId, emptyText }: KeyValueTableProps) {
  if (rows.length === 0) return <p className="muted">{emptyText}</p>;
  const sorted = [...rows].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="kv-table" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Value</th></tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.key}</th>
            <td>{row.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
