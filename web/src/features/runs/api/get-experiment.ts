import { useQueries } from '@tanstack/react-query';
import { mlflowGet } from '@/lib/api';
import type { Experiment } from '@/types/mlflow';

export function getExperiment(experimentId: string, signal?: AbortSignal) {
  return mlflowGet<{ experiment: Experiment }>('experiments/get', { experiment_id: experimentId }, signal);
}

/** The experiments whose runs are shown (for the page title and the "unknown id" error). */
export function useExperiments(experimentIds: string[]) {
  return useQueries({
    queries: experimentIds.map((id) => ({
      queryKey: ['experiments', 'get', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => getExperiment(id, signal),
    })),
  });
}
