// The runs grid: fixed columns (select, status, name, start, duration) then the chosen metric,
// param and tag columns. Sorting is the server's: clicking a header asks for a new order_by.
import { useMemo } from 'react';
import { Link } from 'react-router';
import { DataTable } from '@/components/data-table';
import type { Column, SortState } from '@/components/data-table';
import { parseColumnId } from '@/features/runs/lib/run-columns';
import type { RunRow } from '@/features/runs/lib/run-columns';
import { formatDuration, formatMetric, formatTime } from '@/lib/format';

const KIND_LABEL: Record<string, string> = { metrics: 'metric', params: 'param', tags: 'tag' };

function valueColumn(id: string): Column<RunRow> | null {
  const parsed = parseColumnId(id);
  if (!parsed || parsed.kind === 'attributes') return null;
  const { kind, key } = parsed;
  return {
    id,
    title: `${KIND_LABEL[kind]} ${key}`,
    header: <><span className="muted">{KIND_LABEL[kind]} </span>{key}</>,
    width: 140,
    sortable: true,
    align: kind === 'metrics' ? 'right' : 'left',
    render: (row) => {
      const value = kind === 'metrics' ? formatMetric(row.metrics.get(key)) : row[kind].get(key) ?? '';
      return <span title={value}>{value}</span>;
    },
  };
}

export interface RunsTableProps {
  rows: RunRow[];
  columns: string[];
  sort: SortState;
  onSort: (columnId: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onToggleAll: () => void;
  experimentNames: Map<string, string> | null;
  onEndReached?: () => void;
  /** "Now" for the duration of running runs: when the rows were fetched. */
  now: number;
}

export function RunsTable(props: RunsTableProps) {
  const { rows, columns, sort, onSort, selected, onToggle, onToggleAll, experimentNames, onEndReached,
    now } = props;
  const allSelected = rows.length > 0 && selected.size === rows.length;

  const tableColumns = useMemo<Column<RunRow>[]>(() => {
    const fixed: Column<RunRow>[] = [
      {
        id: 'select', title: 'Select', width: 36,
        header: <input type="checkbox" aria-label="Select all loaded runs" checked={allSelected}
          onChange={onToggleAll} />,
        render: (row) => (
          <input type="checkbox" aria-label={`Select run ${row.run.info.run_name ?? row.run.info.run_id}`}
            checked={selected.has(row.run.info.run_id)} onChange={() => onToggle(row.run.info.run_id)} />
        ),
      },
      {
        id: 'attributes.run_name', header: 'Run', width: 220, sortable: true,
        render: (row) => (
          <Link to={`/runs/${row.run.info.run_id}`} title={row.run.info.run_id}>
            {row.run.info.run_name || row.run.info.run_id}
          </Link>
        ),
      },
      {
        id: 'attributes.status', header: 'Status', width: 100, sortable: true,
        render: (row) => <span className={`badge badge--${row.run.info.status}`}>{row.run.info.status}</span>,
      },
      {
        id: 'attributes.start_time', header: 'Started', width: 175, sortable: true,
        render: (row) => formatTime(row.run.info.start_time),
      },
      {
        id: 'duration', header: 'Duration', width: 90, align: 'right',
        render: (row) => formatDuration(row.run.info.start_time, row.run.info.end_time, now),
      },
    ];
    if (experimentNames) {
      fixed.push({
        id: 'experiment', header: 'Experiment', width: 160,
        render: (row) => experimentNames.get(row.run.info.experiment_id) ?? row.run.info.experiment_id,
      });
    }
    const chosen = columns.map(valueColumn).filter((c): c is Column<RunRow> => c !== null);
    return [...fixed, ...chosen];
  }, [columns, selected, onToggle, onToggleAll, allSelected, experimentNames, now]);

  return (
    <DataTable ariaLabel="Runs" columns={tableColumns} rows={rows} rowKey={(row) => row.run.info.run_id}
      sort={sort} onSort={onSort} onEndReached={onEndReached}
      isRowSelected={(row) => selected.has(row.run.info.run_id)} />
  );
}
