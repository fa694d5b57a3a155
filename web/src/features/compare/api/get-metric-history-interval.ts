// metrics/get-history-bulk-interval for several runs at once (the server takes up to 100 run ids):
// the union of their steps is downsampled to max_results, so the runs line up on the same steps.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { StepRange } from '@/components/line-chart-data';
import { mlflowGet } from '@/lib/api';
import type { MetricWithRunId } from '@/types/mlflow';

export const MAX_RUNS_PER_REQUEST = 100;

export interface RunsMetricRequest {
  runIds: readonly string[];
  metricKey: string;
  maxResults: number;
  /** A zoomed step range, fetched at full detail where it has fewer points than maxResults. */
  range?: StepRange | null;
}

export async function getRunsMetricHistory(
  request: RunsMetricRequest, signal?: AbortSignal): Promise<MetricWithRunId[]> {
  const body = await mlflowGet<{ metrics?: MetricWithRunId[] }>('metrics/get-history-bulk-interval', {
    run_ids: request.runIds.slice(0, MAX_RUNS_PER_REQUEST),
    metric_key: request.metricKey,
    max_results: request.maxResults,
    start_step: request.range?.start,
    end_step: request.range?.end,
  }, signal);
  return body.metrics ?? [];
}

export function useRunsMetricHistory(request: RunsMetricRequest, enabled: boolean) {
  const { runIds, metricKey, maxResults, range } = request;
  return useQuery({
    queryKey: ['runs-metric-history', runIds.join(','), metricKey, maxResults, range?.start, range?.end],
    queryFn: ({ signal }) => getRunsMetricHistory(request, signal),
    enabled: enabled && runIds.length > 0,
    placeholderData: keepPreviousData,
  });
}
