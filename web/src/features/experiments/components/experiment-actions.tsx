// Per-row actions: rename in place, delete (soft) or restore. Errors show on the row's tooltip line.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { useDeleteExperiment } from '@/features/experiments/api/delete-experiment';
import { useRenameExperiment } from '@/features/experiments/api/rename-experiment';
import { useRestoreExperiment } from '@/features/experiments/api/restore-experiment';
import { errorMessage } from '@/lib/api';
import type { Experiment } from '@/types/mlflow';

export function ExperimentNameCell({ experiment }: { experiment: Experiment }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(experiment.name);
  const rename = useRenameExperiment();

  if (!editing) {
    return (
      <span className="experiment-name">
        <Link to={`/experiments/${experiment.experiment_id}`} title={experiment.name}>
          {experiment.name}
        </Link>
        <button type="button" className="link" aria-label={`Rename ${experiment.name}`}
          onClick={() => { setName(experiment.name); setEditing(true); }}>✎</button>
      </span>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || trimmed === experiment.name) { setEditing(false); return; }
    rename.mutate({ experimentId: experiment.experiment_id, newName: trimmed },
      { onSuccess: () => setEditing(false) });
  };
  return (
    <form className="experiment-name" onSubmit={onSubmit}>
      <input type="text" aria-label="Experiment name" value={name} autoFocus
        className={rename.isError ? 'is-invalid' : undefined}
        title={rename.isError ? errorMessage(rename.error) : undefined}
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => { if (event.key === 'Escape') setEditing(false); }} />
      <button type="submit" disabled={rename.isPending}>Save</button>
      {rename.isError && <span className="inline-error" role="alert">{errorMessage(rename.error)}</span>}
    </form>
  );
}

export function ExperimentActions({ experiment }: { experiment: Experiment }) {
  const remove = useDeleteExperiment();
  const restore = useRestoreExperiment();
  const failed = remove.error ?? restore.error;
  const deleted = experiment.lifecycle_stage === 'deleted';
  return (
    <span className="row-actions">
      {deleted ? (
        <button type="button" onClick={() => restore.mutate(experiment.experiment_id)}
          disabled={restore.isPending} aria-label={`Restore ${experiment.name}`}>Restore</button>
      ) : (
        <button type="button" className="danger" disabled={remove.isPending}
          aria-label={`Delete ${experiment.name}`}
          onClick={() => {
            if (window.confirm(`Delete experiment "${experiment.name}"? It can be restored later.`)) {
              remove.mutate(experiment.experiment_id);
            }
          }}>Delete</button>
      )}
      {failed && <span className="inline-error" role="alert">{errorMessage(failed)}</span>}
    </span>
  );
}
