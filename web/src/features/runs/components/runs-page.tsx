// Runs of one or more experiments (/experiments/1,2,3): filter, server-side sort, column chooser,
// paging with page tokens, and selection -> compare.
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useExperiments } from '@/features/runs/api/get-experiment';
import { useSearchRuns } from '@/features/runs/api/search-runs';
import { ColumnChooser } from '@/features/runs/components/column-chooser';
import { RunsFilter } from '@/features/runs/components/runs-filter';
import { RunsTable } from '@/features/runs/components/runs-table';
import { collectKeys, defaultColumns, orderByClause, toRunRow } from '@/features/runs/lib/run-columns';
import { DEFAULT_SORT, useRunsUrlState } from '@/features/runs/lib/use-runs-url-state';
import { ApiError, errorMessage } from '@/lib/api';

export function parseExperimentIds(raw: string | undefined): string[] {
  return [...new Set((raw ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''))];
}

function useSelection() {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = useCallback((id: string) => setSelected((previous) => {
    const next = new Set(previous);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  }), []);
  return { selected, setSelected, toggle };
}

function ExperimentTitle({ ids }: { ids: string[] }) {
  const experiments = useExperiments(ids);
  const names = experiments.map((q, i) => q.data?.experiment.name ?? (q.isError ? `#${ids[i]} (not found)` : `#${ids[i]}`));
  const failed = experiments.find((q) => q.isError);
  return (
    <>
      <h1><Link to="/experiments">Experiments</Link> / {names.join(', ')}</h1>
      {failed && <ErrorState error={failed.error} title="Could not load an experiment" />}
    </>
  );
}

export function RunsPage() {
  const experimentIds = parseExperimentIds(useParams().ids);
  const [state, update] = useRunsUrlState();
  const { selected, setSelected, toggle } = useSelection();
  const experiments = useExperiments(experimentIds);

  const orderBy = [orderByClause(state.sort, state.ascending) ?? 'attributes.start_time DESC'];
  if (state.sort !== DEFAULT_SORT) orderBy.push('attributes.start_time DESC');
  const search = useSearchRuns({
    experimentIds, filter: state.filter, orderBy, viewType: state.showDeleted ? 'ALL' : 'ACTIVE_ONLY',
  });
  const runs = search.data?.runs;
  const rows = useMemo(() => (runs ?? []).map(toRunRow), [runs]);
  const keys = useMemo(() => collectKeys(rows), [rows]);
  const columns = state.columns ?? defaultColumns(keys);
  const experimentNames = useMemo(() => experimentIds.length < 2 ? null : new Map(
    experiments.map((q, i) => [experimentIds[i] as string, q.data?.experiment.name ?? `#${experimentIds[i]}`]),
  ), [experiments, experimentIds]);

  const userError = search.error instanceof ApiError && search.error.isUserError;
  const onSort = useCallback((columnId: string) => {
    if (columnId === state.sort) update({ ascending: !state.ascending });
    else update({ sort: columnId, ascending: columnId !== DEFAULT_SORT });
  }, [state.sort, state.ascending, update]);
  const onToggleAll = useCallback(() => setSelected((previous) =>
    previous.size === rows.length ? new Set() : new Set(rows.map((r) => r.run.info.run_id))), [rows, setSelected]);
  const loadMore = useCallback(() => { void search.fetchNextPage(); }, [search]);
  const canLoadMore = search.hasNextPage && !search.isFetchingNextPage && !search.isError;

  if (experimentIds.length === 0) {
    return <div className="page"><EmptyState title="No experiment id in the address." /></div>;
  }
  return (
    <div className="page">
      <ExperimentTitle ids={experimentIds} />
      <div className="toolbar">
        <RunsFilter value={state.filter} error={userError ? errorMessage(search.error) : null}
          onApply={(filter) => update({ filter })} />
        <label className="nowrap">
          <input type="checkbox" checked={state.showDeleted}
            onChange={(event) => update({ showDeleted: event.target.checked })} /> Show deleted
        </label>
        <ColumnChooser keys={keys} columns={columns} onChange={(next) => update({ columns: next })} />
        {selected.size >= 1 ? (
          <Link className="nowrap" to={`/compare?runs=${[...selected].join(',')}`}
            aria-disabled={selected.size < 2}>Compare {selected.size} runs</Link>
        ) : <span className="muted nowrap">Select runs to compare</span>}
      </div>
      {search.isPending && <LoadingState label="Loading runs…" />}
      {search.isError && !userError && (
        <ErrorState error={search.error} title="Could not load runs" onRetry={() => void search.refetch()} />
      )}
      {search.isSuccess && rows.length === 0 && (
        <EmptyState title={state.filter ? 'No run matches this filter.' : 'No runs in this experiment yet.'} />
      )}
      {rows.length > 0 && !userError && (
        <RunsTable rows={rows} columns={columns} sort={{ columnId: state.sort, ascending: state.ascending }}
          onSort={onSort} selected={selected} onToggle={toggle} onToggleAll={onToggleAll}
          experimentNames={experimentNames} onEndReached={canLoadMore ? loadMore : undefined}
          now={search.dataUpdatedAt || Date.now()} />
      )}
      <div className="runs-footer" aria-live="polite" hidden={userError}>
        <span data-testid="runs-count">
          {rows.length} run{rows.length === 1 ? '' : 's'} loaded{search.hasNextPage ? ' (more available)' : ''}
        </span>
        {search.hasNextPage && (
          <button type="button" onClick={loadMore} disabled={!canLoadMore}>
            {search.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
        {search.isFetching && !search.isFetchingNextPage && !search.isPending && <span className="muted">Refreshing…</span>}
      </div>
    </div>
  );
}
