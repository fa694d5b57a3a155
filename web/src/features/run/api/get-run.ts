// runs/get: the run's info, params, tags and latest metric values.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { mlflowGet } from '@/lib/api';
import type { Run } from '@/types/mlflow';

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  const body = await mlflowGet<{ run?: Run }>('runs/get', { run_id: runId }, signal);
  if (!body.run) throw new Error(`The server sent no run for ${runId}.`);
  return body.run;
}

export function runQueryOptions(runId: string) {
  return queryOptions({
    queryKey: ['run', runId],
    queryFn: ({ signal }) => getRun(runId, signal),
  });
}

export function useRun(runId: string) {
  return useQuery(runQueryOptions(runId));
}
