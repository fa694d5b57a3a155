// "New experiment": a name box and a button; the server's answer (e.g. a duplicate name) shows inline.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useCreateExperiment } from '@/features/experiments/api/create-experiment';
import { errorMessage } from '@/lib/api';

export function CreateExperimentForm() {
  const [name, setName] = useState('');
  const create = useCreateExperiment();
  const navigate = useNavigate();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    create.mutate(name.trim(), {
      onSuccess: ({ experiment_id }) => navigate(`/experiments/${experiment_id}`),
    });
  };

  return (
    <form className="create-experiment" onSubmit={onSubmit} aria-label="Create experiment">
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <input type="text" aria-label="New experiment name" placeholder="New experiment name"
          value={name} onChange={(event) => { setName(event.target.value); create.reset(); }} />
        <button type="submit" className="primary" disabled={name.trim() === '' || create.isPending}>
          Create
        </button>
      </div>
      {create.isError && <div className="inline-error" role="alert">{errorMessage(create.error)}</div>}
    </form>
  );
}
