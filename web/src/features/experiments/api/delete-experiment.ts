import { useMutation, useQueryClient } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import { experimentsKey } from '@/features/experiments/api/search-experiments';

export function deleteExperiment(experimentId: string): Promise<unknown> {
  return mlflowPost('experiments/delete', { experiment_id: experimentId });
}

export function useDeleteExperiment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: deleteExperiment,
    onSuccess: () => client.invalidateQueries({ queryKey: experimentsKey }),
  });
}
