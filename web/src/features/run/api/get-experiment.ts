// experiments/get: the run page shows its experiment's name as a link.
import { useQuery } from '@tanstack/react-query';
import { mlflowGet } from '@/lib/api';
import type { Experiment } from '@/types/mlflow';

export async function getExperiment(experimentId: string, signal?: AbortSignal): Promise<Experiment> {
  const body = await mlflowGet<{ experiment?: Experiment }>(
    'experiments/get', { experiment_id: experimentId }, signal);
  if (!body.experiment) throw new Error(`The server sent no experiment for ${experimentId}.`);
  return body.experiment;
}

export function useExperiment(experimentId: string | undefined) {
  return useQuery({
    queryKey: ['experiment', experimentId],
    queryFn: ({ signal }) => getExperiment(experimentId ?? '', signal),
    enabled: experimentId !== undefined,
    staleTime: 60_000,
  });
}
