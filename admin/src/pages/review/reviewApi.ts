/**
 * The review queue's admin API (issue 15): held changes, Accept / Reject, bulk Accept. Kept beside
 * the Review page; the cache keys are under the plugin's prefix so a decision also refreshes the
 * sync log and the side panels.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getFetchClient } from '@strapi/strapi/admin';

import { keys } from '../../api/client';
import { API_PREFIX } from '../../constants';

import type { AcceptAllReviews, FindReviews, HoldReason } from '../../api/contracts';

export type ReviewItem = FindReviews.Response['data'][number];
export interface ReviewQuery {
  contentType?: string;
  producerId?: string;
  reason?: HoldReason;
  documentId?: string;
  page: number;
  pageSize: number;
}

const REVIEWS_KEY = [...keys.all, 'reviews'] as const;
const compact = (query: object) => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));

export const useReviewsQuery = (query: ReviewQuery) =>
  useQuery({
    queryKey: [...REVIEWS_KEY, query],
    queryFn: async ({ signal }) =>
      (await getFetchClient().get<FindReviews.Response>(`${API_PREFIX}/reviews`, { signal, params: compact(query) })).data,
    placeholderData: keepPreviousData,
  });

/** After a decision: the queue, the sync log and the side panels are stale. */
const useStale = () => {
  const client = useQueryClient();
  return () => {
    for (const queryKey of [REVIEWS_KEY, keys.syncLogs, keys.origins]) void client.invalidateQueries({ queryKey });
  };
};

export const useDecideMutation = () => {
  const stale = useStale();
  return useMutation({
    mutationFn: async ({ id, decision }: { id: number; decision: 'accept' | 'reject' }) =>
      (await getFetchClient().post(`${API_PREFIX}/reviews/${id}/${decision}`, {})).data,
    onSettled: stale,
  });
};

export const useAcceptAllMutation = () => {
  const stale = useStale();
  return useMutation({
    mutationFn: async (body: AcceptAllReviews.Request['body']) =>
      (await getFetchClient().post<AcceptAllReviews.Response>(`${API_PREFIX}/reviews/accept-all`, body)).data.data,
    onSettled: stale,
  });
};
