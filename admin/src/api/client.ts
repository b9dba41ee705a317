/**
 * The plugin's admin API (`/event-streaming/...`, admin JWT): the one module that knows the wire.
 * Each endpoint is declared once with its URL, its query key and its response type; pages reach
 * it only through the hooks in `./hooks`. Every response body is `{ data, meta? }`; a failed
 * request throws the admin's `FetchError` carrying Strapi's error envelope (see `utils/errors.ts`).
 */
import { getFetchClient } from '@strapi/strapi/admin';
import { queryOptions } from '@tanstack/react-query';

import { API_PREFIX } from '../constants';
import { PLUGIN_ID } from '../pluginId';

import type {
  AdminUser,
  BackfillProgress,
  BackfillResult,
  ConnectPushConsumerInput,
  ConsumerSubscriptionsInput,
  CountMatching,
  DocumentOrigin,
  DocumentTypeMapping,
  EventConsumer,
  EventProducer,
  MappingInput,
  MetricPeer,
  MetricPoint,
  Paged,
  ProducerInput,
  PullResult,
  PushNowResult,
  ResyncFailedResult,
  SiteInfo,
  StreamableContentType,
  SyncLogEntry,
  SyncLogQuery,
  UpdateLogEntry,
  UpdateLogQuery,
} from './contracts';

type Id = number | string;

interface DataResponse<T> {
  data: T;
}

/** `/event-streaming/<part>/<part>`, each part URL-encoded. */
const path = (...parts: Id[]) => [API_PREFIX, ...parts.map((part) => encodeURIComponent(String(part)))].join('/');

/** Drops empty values so they are not sent as `?contentType=`. */
const compact = (query: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== null && value !== ''));

/** GET: the whole body (`Paged<T>` and the like). Aborted through `signal` when TanStack Query cancels. */
const getBody = async <T>(url: string, signal: AbortSignal, query?: object): Promise<T> =>
  (await getFetchClient().get<T>(url, { signal, params: query && compact(query) })).data;

/** GET: the body's `data`. */
const getData = async <T>(url: string, signal: AbortSignal, query?: object): Promise<T> =>
  (await getBody<DataResponse<T>>(url, signal, query)).data;

/** POST or PUT a body; the answer's `data`. */
const send = async <T, B = unknown>(method: 'post' | 'put', url: string, body?: B): Promise<T> =>
  (await getFetchClient()[method]<DataResponse<T>, B>(url, body)).data.data;

/**
 * Query keys, one prefix per resource: invalidating a prefix (e.g. `keys.producers`) also marks
 * every key below it (each producer, every filtered page) stale.
 */
export const keys = {
  all: [PLUGIN_ID],
  producers: [PLUGIN_ID, 'producers'],
  consumers: [PLUGIN_ID, 'consumers'],
  updateLogs: [PLUGIN_ID, 'update-logs'],
  syncLogs: [PLUGIN_ID, 'sync-logs'],
  mappings: [PLUGIN_ID, 'mappings'],
  contentTypes: [PLUGIN_ID, 'content-types'],
  origins: [PLUGIN_ID, 'documents', 'origin'],
  site: [PLUGIN_ID, 'site'],
  series: [PLUGIN_ID, 'metrics'],
  adminUsers: [PLUGIN_ID, 'admin-users'],
} as const;

/**
 * Attributes Strapi manages itself: never mapped, never picked. Filtered here as well in case the
 * server lists them.
 */
const SYSTEM_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

/** Content types sorted by display name, without system attributes. */
const normalizeContentTypes = (contentTypes: StreamableContentType[]): StreamableContentType[] =>
  contentTypes
    .map((contentType) => ({ ...contentType, attributes: contentType.attributes.filter((a) => !SYSTEM_ATTRIBUTES.has(a.name)) }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));

/** Read endpoints as TanStack Query options (key + fetcher + response type). */
export const queries = {
  /** Per-minute events and lag of one stream over the last 24 hours (the charts). */
  series: (peer: MetricPeer, id: Id) =>
    queryOptions({
      queryKey: [...keys.series, peer, String(id)],
      queryFn: ({ signal }) => getData<MetricPoint[]>(path('metrics', peer, id), signal),
    }),
  producers: () => queryOptions({ queryKey: keys.producers, queryFn: ({ signal }) => getData<EventProducer[]>(path('producers'), signal) }),
  producer: (id: Id) =>
    queryOptions({
      queryKey: [...keys.producers, String(id)],
      queryFn: ({ signal }) => getData<EventProducer>(path('producers', id), signal),
    }),
  consumers: () => queryOptions({ queryKey: keys.consumers, queryFn: ({ signal }) => getData<EventConsumer[]>(path('consumers'), signal) }),
  updateLogs: (query: UpdateLogQuery) =>
    queryOptions({
      queryKey: [...keys.updateLogs, query],
      queryFn: ({ signal }) => getBody<Paged<UpdateLogEntry>>(path('update-logs'), signal, query),
    }),
  syncLogs: (query: SyncLogQuery) =>
    queryOptions({
      queryKey: [...keys.syncLogs, query],
      queryFn: ({ signal }) => getBody<Paged<SyncLogEntry>>(path('sync-logs'), signal, query),
    }),
  syncLog: (id: Id) =>
    queryOptions({
      queryKey: [...keys.syncLogs, 'entry', String(id)],
      queryFn: ({ signal }) => getData<SyncLogEntry>(path('sync-logs', id), signal),
    }),
  mappings: () =>
    queryOptions({ queryKey: keys.mappings, queryFn: ({ signal }) => getData<DocumentTypeMapping[]>(path('mappings'), signal) }),
  mapping: (id: Id) =>
    queryOptions({
      queryKey: [...keys.mappings, String(id)],
      queryFn: ({ signal }) => getData<DocumentTypeMapping>(path('mappings', id), signal),
    }),
  /** This site's streamable content types: one cached list for every page (a schema changes only with a restart). */
  contentTypes: () =>
    queryOptions({
      queryKey: keys.contentTypes,
      queryFn: async ({ signal }) => normalizeContentTypes(await getData<StreamableContentType[]>(path('content-types'), signal)),
      staleTime: Infinity,
    }),
  documentOrigin: (contentType: string, documentId: string) =>
    queryOptions({
      queryKey: [...keys.origins, contentType, documentId],
      queryFn: ({ signal }) => getData<DocumentOrigin>(path('documents', 'origin'), signal, { contentType, documentId }),
    }),
  /** Each subscribed type's back-fill of a producer (running, waiting, or the last result). */
  backfills: (id: Id) =>
    queryOptions({
      queryKey: [...keys.producers, String(id), 'backfill'],
      queryFn: ({ signal }) => getData<BackfillProgress[]>(path('producers', id, 'backfill'), signal),
    }),
  /** This site's admin users (Strapi's own admin API, `/admin/users`: needs its Users read permission), for the Event Subscriber picker. */
  adminUsers: () =>
    queryOptions({
      queryKey: keys.adminUsers,
      queryFn: async ({ signal }) =>
        (await getData<{ results: AdminUser[] }>('/admin/users', signal, { pageSize: 100, sort: 'firstname:ASC' })).results,
      staleTime: 60_000,
    }),
  /** Conditions (issue 14): how many documents of a type a condition matches (a POST: the condition is a body). */
  countMatching: (contentType: string, condition: Record<string, unknown> | null) =>
    queryOptions({
      queryKey: [...keys.consumers, 'count-matching', contentType, JSON.stringify(condition)],
      queryFn: () =>
        send<CountMatching.Response['data'], CountMatching.Request['body']>('post', path('consumers', 'count-matching'), {
          contentType,
          condition,
        }),
      retry: false,
    }),
  site: () => queryOptions({ queryKey: keys.site, queryFn: ({ signal }) => getData<SiteInfo>(path('site'), signal), staleTime: Infinity }),
};

/** Write endpoints; the hooks in `./hooks` add the cache invalidation. */
export const commands = {
  createProducer: (body: ProducerInput) => send<EventProducer, ProducerInput>('post', path('producers'), body),
  updateProducer: ({ id, body }: { id: Id; body: ProducerInput }) => send<EventProducer, ProducerInput>('put', path('producers', id), body),
  /** `force`: delete locally even when the producer cannot be told (unreachable, token revoked). */
  deleteProducer: async ({ id, force }: { id: Id; force: boolean }) => {
    await getFetchClient().del(path('producers', id), force ? { params: { force: 'true' } } : undefined);
  },
  pullProducer: (id: Id) => send<PullResult>('post', path('producers', id, 'pull')),
  /** Runs to the end before answering; no `contentType`: every approved subscription. */
  backfillProducer: ({ id, contentType }: { id: Id; contentType?: string }) =>
    send<BackfillResult, { contentType?: string }>('post', path('producers', id, 'backfill'), contentType ? { contentType } : {}),
  setConsumerSubscriptions: ({ id, body }: { id: Id; body: ConsumerSubscriptionsInput }) =>
    send<EventConsumer, ConsumerSubscriptionsInput>('put', path('consumers', id, 'subscriptions'), body),
  /** The consumer's pending callback URL becomes the one notified. */
  approveConsumerCallback: (id: Id) => send<EventConsumer>('post', path('consumers', id, 'callback', 'approve')),
  // Push mode (README "Push mode"): connect a consumer that cannot call this site; push to it now.
  connectPushConsumer: (body: ConnectPushConsumerInput) =>
    send<EventConsumer, ConnectPushConsumerInput>('post', path('consumers', 'push'), body),
  pushConsumerNow: (id: Id) => send<PushNowResult>('post', path('consumers', id, 'push')),
  deleteConsumer: async (id: Id) => {
    await getFetchClient().del(path('consumers', id));
  },
  resyncSyncLog: (id: Id) => send<SyncLogEntry>('post', path('sync-logs', id, 'resync')),
  /** No `producerId`: the failed entries of every producer. */
  resyncFailed: (producerId?: string) =>
    send<ResyncFailedResult, { producerId?: number }>(
      'post',
      path('sync-logs', 'resync-failed'),
      producerId ? { producerId: Number(producerId) } : {}
    ),
  createMapping: (body: MappingInput) => send<DocumentTypeMapping, MappingInput>('post', path('mappings'), body),
  updateMapping: ({ id, body }: { id: Id; body: MappingInput }) =>
    send<DocumentTypeMapping, MappingInput>('put', path('mappings', id), body),
  deleteMapping: async (id: Id) => {
    await getFetchClient().del(path('mappings', id));
  },
};
