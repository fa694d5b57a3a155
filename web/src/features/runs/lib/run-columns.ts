// Which columns the runs table can show, and how a column maps to the server's order_by.
import type { Run } from '@/types/mlflow';

export type ColumnKind = 'metrics' | 'params' | 'tags';

/** A run flattened for display: key -> value lookups instead of lists. */
export interface RunRow {
  run: Run;
  metrics: Map<string, number | string>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

export interface AvailableKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

export function toRunRow(run: Run): RunRow {
  return {
    run,
    metrics: new Map((run.data.metrics ?? []).map((m) => [m.key, m.value])),
    params: new Map((run.data.params ?? []).map((p) => [p.key, p.value])),
    tags: new Map((run.data.tags ?? []).map((t) => [t.key, t.value])),
  };
}

/** Every metric, param and tag key present in `rows`, sorted. */
export function collectKeys(rows: readonly RunRow[]): AvailableKeys {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const row of rows) {
    for (const key of row.metrics.keys()) metrics.add(key);
    for (const key of row.params.keys()) params.add(key);
    for (const key of row.tags.keys()) tags.add(key);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) };
}

/** Column ids are "metrics.KEY", "params.KEY", "tags.KEY" or "attributes.NAME". */
export function parseColumnId(id: string): { kind: ColumnKind | 'attributes'; key: string } | null {
  const dot = id.indexOf('.');
  if (dot <= 0) return null;
  const kind = id.slice(0, dot);
  const key = id.slice(dot + 1);
  if (key === '') return null;
  if (kind === 'metrics' || kind === 'params' || kind === 'tags' || kind === 'attributes') {
    return { kind, key };
  }
  return null;
}

/** The order_by clause for a column, quoting keys that are not plain identifiers. */
export function orderByClause(columnId: string, ascending: boolean): string | null {
  const parsed = parseColumnId(columnId);
  if (!parsed) return null;
  const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(parsed.key) ? parsed.key : `\`${parsed.key}\``;
  return `${parsed.kind}.${key} ${ascending ? 'ASC' : 'DESC'}`;
}

/** What the table shows when the URL names no columns: a handful of each kind. */
export function defaultColumns(keys: AvailableKeys, perKind = 6): string[] {
  return [
    ...keys.metrics.slice(0, perKind).map((key) => `metrics.${key}`),
    ...keys.params.slice(0, perKind).map((key) => `params.${key}`),
  ];
}
