// A virtualised table on CSS grid rows: fixed row height, sticky header, optional sortable column
// headers (the parent decides what sorting means; runs are sorted by the server).
import type { CSSProperties, ReactNode } from 'react';
import { VirtualList } from '@/components/virtual-list';

export interface Column<T> {
  id: string;
  header: ReactNode;
  /** Tooltip and accessible name when header is not plain text. */
  title?: string;
  width: number;
  render: (row: T, index: number) => ReactNode;
  sortable?: boolean;
  align?: 'left' | 'right';
}

export interface SortState {
  columnId: string;
  ascending: boolean;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  rowHeight?: number;
  sort?: SortState | null;
  onSort?: (columnId: string) => void;
  onEndReached?: () => void;
  isRowSelected?: (row: T) => boolean;
  ariaLabel: string;
  /** Total number of rows when only some are loaded (aria-rowcount). */
  totalRows?: number;
  className?: string;
}

const HEADER_HEIGHT = 34;

function ariaSort(column: { id: string }, sort?: SortState | null) {
  if (!sort || sort.columnId !== column.id) return 'none' as const;
  return sort.ascending ? 'ascending' as const : 'descending' as const;
}

function HeaderCell<T>({ column, sort, onSort }: {
  column: Column<T>; sort?: SortState | null; onSort?: (columnId: string) => void;
}) {
  const direction = ariaSort(column, sort);
  const arrow = direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : '';
  const className = `data-table__cell data-table__cell--head${column.align === 'right' ? ' is-right' : ''}`;
  if (!column.sortable || !onSort) {
    return <div role="columnheader" className={className} title={column.title}>{column.header}</div>;
  }
  return (
    <div role="columnheader" aria-sort={direction} className={className}>
      <button type="button" className="data-table__sort" title={column.title}
        onClick={() => onSort(column.id)}>
        {column.header}{arrow}
      </button>
    </div>
  );
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, rowHeight = 32, sort, onSort, onEndReached, isRowSelected,
    ariaLabel, totalRows, className } = props;
  const template = columns.map((column) => `${column.width}px`).join(' ');
  const width = columns.reduce((sum, column) => sum + column.width, 0);
  const gridStyle: CSSProperties = { gridTemplateColumns: template };

  const header = (
    <div role="row" className="data-table__row data-table__row--head" style={gridStyle}
      aria-rowindex={1}>
      {columns.map((column) => (
        <HeaderCell key={column.id} column={column} sort={sort} onSort={onSort} />
      ))}
    </div>
  );

  const renderRow = (index: number, style: CSSProperties) => {
    const row = rows[index] as T;
    const selected = isRowSelected?.(row) ?? false;
    return (
      <div key={rowKey(row, index)} role="row" aria-rowindex={index + 2} aria-selected={selected}
        className={`data-table__row${selected ? ' is-selected' : ''}${index % 2 ? ' is-odd' : ''}`}
        style={{ ...style, ...gridStyle }}>
        {columns.map((column) => (
          <div key={column.id} role="cell"
            className={`data-table__cell${column.align === 'right' ? ' is-right' : ''}`}>
            {column.render(row, index)}
          </div>
        ))}
      </div>
    );
  };

  return (
    <VirtualList className={`data-table ${className ?? ''}`} role="table" ariaLabel={ariaLabel}
      ariaRowCount={(totalRows ?? rows.length) + 1} count={rows.length} rowHeight={rowHeight}
      header={header} headerHeight={HEADER_HEIGHT} width={Math.max(width, 0)}
      renderRow={renderRow} onEndReached={onEndReached} />
  );
}
