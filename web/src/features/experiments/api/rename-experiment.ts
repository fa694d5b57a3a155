import { useMutation, useQueryClient } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import { experimentsKey } from '@/features/experiments/api/search-experiments';

export interface RenameExperiment {
  experimentId: string;
  newName: string;
}

export function renameExperiment({ experimentId, newName }: RenameExperiment): Promise<unknown> {
  return mlflowPost('experiments/update', { experiment_id: experimentId, new_name: newName });
}

export function useRenameExperiment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: renameExperiment,
    onSuccess: () => client.invalidateQueries({ queryKey: experimentsKey }),
  });
}
