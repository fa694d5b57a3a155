import { useMutation, useQueryClient } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import { experimentsKey } from '@/features/experiments/api/search-experiments';

export function createExperiment(name: string): Promise<{ experiment_id: string }> {
  return mlflowPost<{ experiment_id: string }>('experiments/create', { name });
}

export function useCreateExperiment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: createExperiment,
    onSuccess: () => client.invalidateQueries({ queryKey: experimentsKey }),
  });
}
