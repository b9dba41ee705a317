/**
 * TanStack Query hooks over `./client`: one `useXxxQuery` per read endpoint, one `useXxxMutation`
 * per write endpoint. A mutation writes what it returns into the cache and marks stale exactly the
 * queries whose answer it changes (after success or failure: a failed pull still records its error).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';

import { commands, keys, queries } from './client';
import { queryClient } from './QueryProvider';

import type { EventConsumer, MetricPeer, StreamableContentType, SyncLogEntry, SyncLogQuery, UpdateLogQuery } from './contracts';

/** Variables of a save: no `id` creates, an `id` updates that record. */
export interface Save<B> {
  id?: string;
  body: B;
}

/* ------------------------------------------------------------------------------------------ reads */

export const useProducersQuery = () => useQuery(queries.producers());
/** No `id` (the create form): nothing is requested. */
export const useProducerQuery = (id: string | undefined) => useQuery({ ...queries.producer(id ?? ''), enabled: id !== undefined });
export const useConsumersQuery = () => useQuery(queries.consumers());
/** A new filter or page keeps the previous page on screen until it arrives. */
export const useUpdateLogsQuery = (query: UpdateLogQuery) => useQuery({ ...queries.updateLogs(query), placeholderData: keepPreviousData });
export const useSyncLogsQuery = (query: SyncLogQuery) => useQuery({ ...queries.syncLogs(query), placeholderData: keepPreviousData });
/** One sync-log entry, shown from `listed` (its row in the list, when there) until the entry itself arrives. */
export const useSyncLogQuery = (id: number, listed: SyncLogEntry | undefined) =>
  useQuery({ ...queries.syncLog(id), placeholderData: listed });
export const useMappingsQuery = () => useQuery(queries.mappings());
export const useMappingQuery = (id: string | undefined) => useQuery({ ...queries.mapping(id ?? ''), enabled: id !== undefined });
export const useSiteQuery = () => useQuery(queries.site());
/** A stream's per-minute series, refreshed every minute while shown. */
export const useSeriesQuery = (peer: MetricPeer, id: number) => useQuery({ ...queries.series(peer, id), refetchInterval: 60_000 });
/**
 * Back-fills of a producer, polled every second while one of them runs or waits for its pull, or
 * while `busy` (a Back-fill this page started is under way).
 */
export const useBackfillsQuery = (id: number, busy: boolean) =>
  useQuery({
    ...queries.backfills(id),
    refetchInterval: (query) => (busy || query.state.data?.some((b) => b.state === 'running' || b.state === 'pending') ? 1000 : false),
  });
export const useAdminUsersQuery = (enabled: boolean) => useQuery({ ...queries.adminUsers(), enabled });

export interface ContentTypes {
  contentTypes: StreamableContentType[];
  byUid: Map<string, StreamableContentType>;
}

const NO_CONTENT_TYPES: ContentTypes = { contentTypes: [], byUid: new Map() };
const indexContentTypes = (contentTypes: StreamableContentType[]): ContentTypes => ({
  contentTypes,
  byUid: new Map(contentTypes.map((contentType) => [contentType.uid, contentType])),
});

/** This site's streamable content types (one cached request for every page), for pickers and labels. */
export const useContentTypes = () => {
  const { data = NO_CONTENT_TYPES, isLoading, error } = useQuery({ ...queries.contentTypes(), select: indexContentTypes });
  return { ...data, isLoading, error };
};

/**
 * The origin of a document, for the Content Manager side panel. That panel runs inside the Content
 * Manager's tree, outside the plugin's `QueryProvider`, hence the cache passed explicitly.
 */
export const useDocumentOriginQuery = (contentType: string, documentId: string | undefined, enabled: boolean) =>
  useQuery({ ...queries.documentOrigin(contentType, documentId ?? ''), enabled: enabled && Boolean(documentId) }, queryClient);

/* ----------------------------------------------------------------------------------------- writes */

/**
 * A mutation that, once settled, marks `stale` keys stale (active queries refetch in the
 * background; the mutation does not wait for them) and, on success, lets `onSuccess` write the
 * answer into the cache first.
 */
const useCommand = <TVariables, TData>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  stale: QueryKey[],
  onSuccess?: (data: TData, variables: TVariables) => void
) => {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess,
    onSettled: () => {
      for (const queryKey of stale) void client.invalidateQueries({ queryKey });
    },
  });
};

/** What a pull, a back-fill or a resync changes: producers' health, the sync log, document origins. */
const AFTER_SYNC = [keys.producers, keys.syncLogs, keys.origins];

/** Create (no `id`) or update a record; the saved record is written to the cache under `detailKey(id)`. */
const useSaveCommand = <R extends { id: number }, B>(
  create: (body: B) => Promise<R>,
  update: (variables: { id: string; body: B }) => Promise<R>,
  listKey: QueryKey,
  detailKey: (id: number) => QueryKey
) => {
  const client = useQueryClient();
  return useCommand(
    ({ id, body }: Save<B>) => (id === undefined ? create(body) : update({ id, body })),
    [listKey],
    (saved) => client.setQueryData(detailKey(saved.id), saved)
  );
};

export const useSaveProducerMutation = () =>
  useSaveCommand(commands.createProducer, commands.updateProducer, keys.producers, (id) => queries.producer(id).queryKey);
export const useDeleteProducerMutation = () => useCommand(commands.deleteProducer, AFTER_SYNC);
export const usePullProducerMutation = () => useCommand(commands.pullProducer, AFTER_SYNC);
export const useBackfillProducerMutation = () => useCommand(commands.backfillProducer, AFTER_SYNC);

export const useSetConsumerSubscriptionsMutation = () => {
  const client = useQueryClient();
  return useCommand(commands.setConsumerSubscriptions, [keys.consumers, keys.origins], (updated) =>
    client.setQueryData<EventConsumer[]>(keys.consumers, (consumers) => consumers?.map((c) => (c.id === updated.id ? updated : c)))
  );
};
export const useApproveConsumerCallbackMutation = () => {
  const client = useQueryClient();
  return useCommand(commands.approveConsumerCallback, [keys.consumers], (updated) =>
    client.setQueryData<EventConsumer[]>(keys.consumers, (consumers) => consumers?.map((c) => (c.id === updated.id ? updated : c)))
  );
};
export const useDeleteConsumerMutation = () => useCommand(commands.deleteConsumer, [keys.consumers, keys.origins]);

export const useResyncSyncLogMutation = () => {
  const client = useQueryClient();
  return useCommand(commands.resyncSyncLog, AFTER_SYNC, (entry) => client.setQueryData(queries.syncLog(entry.id).queryKey, entry));
};
export const useResyncFailedMutation = () => useCommand(commands.resyncFailed, AFTER_SYNC);

export const useSaveMappingMutation = () =>
  useSaveCommand(commands.createMapping, commands.updateMapping, keys.mappings, (id) => queries.mapping(id).queryKey);
export const useDeleteMappingMutation = () => useCommand(commands.deleteMapping, [keys.mappings]);

// --- conditions (issue 14) ---
/** How many documents of `contentType` a condition matches (null: off, e.g. while the JSON does not parse). */
export const useCountMatchingQuery = (contentType: string, condition: Record<string, unknown> | null, enabled: boolean) =>
  useQuery({ ...queries.countMatching(contentType, condition), enabled });

// --- push mode (README "Push mode") ---
export const useConnectPushConsumerMutation = () => useCommand(commands.connectPushConsumer, [keys.consumers]);
/** A push moves the consumer's acknowledged cursor and may add to the update log's deliveries. */
export const usePushConsumerNowMutation = () => useCommand(commands.pushConsumerNow, [keys.consumers, keys.series]);
