// The runs view's state lives in the query string so that every view is a shareable link:
// ?filter=...&sort=metrics.loss&dir=asc&col=metrics.loss&col=params.lr&deleted=1
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export const DEFAULT_SORT = 'attributes.start_time';

export interface RunsUrlState {
  filter: string;
  sort: string;
  ascending: boolean;
  /** null: the user never chose, show the defaults. */
  columns: string[] | null;
  showDeleted: boolean;
}

export interface RunsUrlUpdate {
  filter?: string;
  sort?: string;
  ascending?: boolean;
  columns?: string[];
  showDeleted?: boolean;
}

export function parseRunsUrlState(params: URLSearchParams): RunsUrlState {
  const columns = params.getAll('col');
  return {
    filter: params.get('filter') ?? '',
    sort: params.get('sort') || DEFAULT_SORT,
    ascending: params.get('dir') === 'asc',
    columns: params.has('col') || params.has('cols') ? columns.filter((c) => c !== '') : null,
    showDeleted: params.get('deleted') === '1',
  };
}

export function applyRunsUrlUpdate(previous: URLSearchParams, update: RunsUrlUpdate): URLSearchParams {
  const next = new URLSearchParams(previous);
  const setOrDelete = (key: string, value: string | undefined) => {
    if (value) next.set(key, value); else next.delete(key);
  };
  if (update.filter !== undefined) setOrDelete('filter', update.filter.trim());
  if (update.sort !== undefined) setOrDelete('sort', update.sort === DEFAULT_SORT ? '' : update.sort);
  if (update.ascending !== undefined) setOrDelete('dir', update.ascending ? 'asc' : '');
  if (update.showDeleted !== undefined) setOrDelete('deleted', update.showDeleted ? '1' : '');
  if (update.columns !== undefined) {
    next.delete('col');
    next.delete('cols');
    // An explicit empty choice is kept as "cols=" so that it is not mistaken for "defaults".
    if (update.columns.length === 0) next.set('cols', '');
    for (const column of update.columns) next.append('col', column);
  }
  return next;
}

export function useRunsUrlState(): [RunsUrlState, (update: RunsUrlUpdate) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseRunsUrlState(params), [params]);
  const update = useCallback((change: RunsUrlUpdate) => {
    setParams((previous) => applyRunsUrlUpdate(previous, change), { replace: change.filter === undefined });
  }, [setParams]);
  return [state, update];
}
