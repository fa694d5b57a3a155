import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import type { Run, SearchRunsResponse, ViewType } from '@/types/mlflow';

export interface RunSearch {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  viewType: ViewType;
}

/** Runs per request: small enough for a fast first paint, large enough to page 10k runs quickly. */
export const RUNS_PAGE_SIZE = 1000;

export function searchRuns(search: RunSearch, pageToken?: string,
  signal?: AbortSignal): Promise<SearchRunsResponse> {
  return mlflowPost<SearchRunsResponse>('runs/search', {
    experiment_ids: search.experimentIds,
    filter: search.filter.trim() || undefined,
    order_by: search.orderBy,
    run_view_type: search.viewType,
    max_results: RUNS_PAGE_SIZE,
    page_token: pageToken,
  }, signal);
}

export function useSearchRuns(search: RunSearch) {
  return useInfiniteQuery({
    queryKey: ['runs', 'search', search],
    queryFn: ({ pageParam, signal }) => searchRuns(search, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token || undefined,
    placeholderData: keepPreviousData,
    select: (data) => ({ runs: data.pages.flatMap((page) => page.runs ?? []) as Run[] }),
  });
}
