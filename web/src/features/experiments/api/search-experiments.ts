import { useInfiniteQuery } from '@tanstack/react-query';
import { mlflowPost } from '@/lib/api';
import type { Experiment, SearchExperimentsResponse, ViewType } from '@/types/mlflow';

export interface ExperimentSearch {
  nameContains: string;
  viewType: ViewType;
}

const PAGE_SIZE = 500;

/** A filter string for "name contains TEXT", quoted so that quotes in TEXT stay literal. */
export function nameFilter(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const quote = trimmed.includes("'") ? '"' : "'";
  const safe = trimmed.split(quote).join('');
  return `name ILIKE ${quote}%${safe}%${quote}`;
}

export function searchExperiments(search: ExperimentSearch, pageToken?: string,
  signal?: AbortSignal): Promise<SearchExperimentsResponse> {
  return mlflowPost<SearchExperimentsResponse>('experiments/search', {
    max_results: PAGE_SIZE,
    page_token: pageToken,
    filter: nameFilter(search.nameContains),
    order_by: ['last_update_time DESC'],
    view_type: search.viewType,
  }, signal);
}

export const experimentsKey = ['experiments'] as const;

export function useSearchExperiments(search: ExperimentSearch) {
  return useInfiniteQuery({
    queryKey: [...experimentsKey, search],
    queryFn: ({ pageParam, signal }) => searchExperiments(search, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token || undefined,
    select: (data) => ({
      experiments: data.pages.flatMap((page) => page.experiments ?? []) as Experiment[],
    }),
  });
}
