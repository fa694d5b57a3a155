// metrics/get-history-bulk-interval for one run: the server keeps at most max_results evenly spaced
// steps (plus the first and last), so a history of any length arrives as about one point per pixel.
// A zoomed step range asks again for just that range, at full detail where it has fewer points.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { StepRange } from '@/components/line-chart-data';
import { mlflowGet } from '@/lib/api';
import type { MetricWithRunId } from '@/types/mlflow';

export interface MetricHistoryRequest {
  runId: string;
  metricKey: string;
  maxResults: number;
  range?: StepRange | null;
}

export async function getMetricHistoryInterval(
  request: MetricHistoryRequest, signal?: AbortSignal): Promise<MetricWithRunId[]> {
  const body = await mlflowGet<{ metrics?: MetricWithRunId[] }>('metrics/get-history-bulk-interval', {
    run_ids: [request.runId],
    metric_key: request.metricKey,
    max_results: request.maxResults,
    start_step: request.range?.start,
    end_step: request.range?.end,
  }, signal);
  return body.metrics ?? [];
}

export function useMetricHistoryInterval(request: MetricHistoryRequest, enabled: boolean) {
  const { runId, metricKey, maxResults, range } = request;
  return useQuery({
    queryKey: ['metric-history-interval', runId, metricKey, maxResults, range?.start, range?.end],
    queryFn: ({ signal }) => getMetricHistoryInterval(request, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}
