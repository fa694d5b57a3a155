// The experiments list: search by name, show deleted, create, rename, delete/restore, and open the
// runs of one experiment or of several selected ones together.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DataTable } from '@/components/data-table';
import type { Column } from '@/components/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useSearchExperiments } from '@/features/experiments/api/search-experiments';
import { CreateExperimentForm } from '@/features/experiments/components/create-experiment-form';
import { ExperimentActions, ExperimentNameCell } from '@/features/experiments/components/experiment-actions';
import { formatTime } from '@/lib/format';
import { useDebouncedValue } from '@/lib/use-debounced-value';
import type { Experiment } from '@/types/mlflow';

function useExperimentColumns(selected: Set<string>, toggle: (id: string) => void): Column<Experiment>[] {
  return [
    {
      id: 'select', header: '', title: 'Select', width: 36,
      render: (e) => (
        <input type="checkbox" aria-label={`Select ${e.name}`} checked={selected.has(e.experiment_id)}
          onChange={() => toggle(e.experiment_id)} />
      ),
    },
    { id: 'name', header: 'Name', width: 380, render: (e) => <ExperimentNameCell experiment={e} /> },
    { id: 'id', header: 'ID', width: 90, render: (e) => e.experiment_id },
    { id: 'created', header: 'Created', width: 170, render: (e) => formatTime(e.creation_time) },
    { id: 'updated', header: 'Last updated', width: 170, render: (e) => formatTime(e.last_update_time) },
    {
      id: 'state', header: 'State', width: 80,
      render: (e) => (e.lifecycle_stage === 'deleted' ? <span className="badge">deleted</span> : ''),
    },
    { id: 'actions', header: '', title: 'Actions', width: 240, render: (e) => <ExperimentActions experiment={e} /> },
  ];
}

export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const showDeleted = params.get('deleted') === '1';
  const query = useDebouncedValue(text, 250);
  const [selected, setSelected] = useState<Set<string>>(new Set());

  useEffect(() => {
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      if (query) next.set('q', query); else next.delete('q');
      return next;
    }, { replace: true });
  }, [query, setParams]);

  const search = useSearchExperiments({ nameContains: query, viewType: showDeleted ? 'ALL' : 'ACTIVE_ONLY' });
  const toggle = (id: string) => setSelected((previous) => {
    const next = new Set(previous);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  });
  const columns = useExperimentColumns(selected, toggle);
  const experiments = search.data?.experiments ?? [];

  return (
    <div className="page">
      <h1>Experiments</h1>
      <div className="toolbar">
        <input type="search" aria-label="Search experiments by name" placeholder="Search by name"
          value={text} onChange={(event) => setText(event.target.value)} />
        <label className="nowrap">
          <input type="checkbox" checked={showDeleted} onChange={(event) => setParams((previous) => {
            const next = new URLSearchParams(previous);
            if (event.target.checked) next.set('deleted', '1'); else next.delete('deleted');
            return next;
          })} /> Show deleted
        </label>
        {selected.size > 0 && (
          <Link to={`/experiments/${[...selected].join(',')}`} className="nowrap">
            View runs of {selected.size} selected
          </Link>
        )}
        <span className="toolbar__spacer" />
        <CreateExperimentForm />
      </div>
      {search.isPending && <LoadingState label="Loading experiments…" />}
      {search.isError && <ErrorState error={search.error} title="Could not load experiments"
        onRetry={() => void search.refetch()} />}
      {search.isSuccess && experiments.length === 0 && (
        <EmptyState title={query ? `No experiment name contains "${query}".` : 'No experiments yet.'}>
          {!query && 'Create one above, or log a run with the mlflow client.'}
        </EmptyState>
      )}
      {experiments.length > 0 && (
        <DataTable className="experiments-table" ariaLabel="Experiments" columns={columns}
          rows={experiments} rowKey={(e) => e.experiment_id} rowHeight={38}
          isRowSelected={(e) => selected.has(e.experiment_id)}
          onEndReached={search.hasNextPage && !search.isFetchingNextPage
            ? () => void search.fetchNextPage() : undefined} />
      )}
    </div>
  );
}
