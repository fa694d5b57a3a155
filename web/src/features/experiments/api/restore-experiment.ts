import { useMutation, useQueryClient } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import { experimentsKey } from '@/features/experiments/api/search-experiments';

export function restoreExperiment(experimentId: string): Promise<unknown> {
  return mlflowPost('experiments/restore', { experiment_id: experimentId });
}

export function useRestoreExperiment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: restoreExperiment,
    onSuccess: () => client.invalidateQueries({ queryKey: experimentsKey }),
  });
}
