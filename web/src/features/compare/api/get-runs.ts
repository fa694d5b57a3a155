// runs/get for every compared run, in parallel; each run loads (or fails) on its own.
import { useQueries } from '@tanstack/react-query';
import { mlflowGet } from '@/lib/api';
import type { Run } from '@/types/mlflow';

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  const body = await mlflowGet<{ run?: Run }>('runs/get', { run_id: runId }, signal);
  if (!body.run) throw new Error(`The server sent no run for ${runId}.`);
  return body.run;
}

export function useRuns(runIds: readonly string[]) {
  return useQueries({
    queries: runIds.map((runId) => ({
      queryKey: ['run', runId],
      queryFn: ({ signal }: { signal: AbortSignal }) => getRun(runId, signal),
    })),
  });
}
