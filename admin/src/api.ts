/**
 * Typed wrappers around the plugin's admin API (`/event-streaming/...`, admin JWT).
 * Every response body is `{ data, meta? }`; a failed request throws the admin's `FetchError`
 * carrying Strapi's error envelope (see `utils/errors.ts`).
 */
import * as React from 'react';
import { useFetchClient, type FetchClient } from '@strapi/strapi/admin';

import { API_PREFIX } from './constants';

import type {
  ConsumerSubscriptionsInput,
  DocumentOrigin,
  DocumentTypeMapping,
  EventConsumer,
  EventProducer,
  MappingInput,
  Paged,
  ProducerInput,
  StreamableContentType,
  SyncLogEntry,
  SyncStatus,
  UpdateLogEntry,
  UpdateType,
} from '../../server/src/shared/contracts';

export type {
  ConsumerSubscription,
  DocumentOrigin,
  DocumentTypeMapping,
  EventConsumer,
  EventProducer,
  FieldMapping,
  MappingInput,
  Paged,
  ProducerInput,
  ProducerSubscription,
  RemoteReference,
  StreamableContentType,
  SubscriptionStatus,
  SyncLogEntry,
  SyncStatus,
  UpdateLogEntry,
  UpdateType,
} from '../../server/src/shared/contracts';

interface DataResponse<T> {
  data: T;
}

/** Result of POST /producers/:id/pull. */
export interface PullResult {
  pulled: number;
  applied: number;
  failed: number;
  /** true: another pull of this producer was running, nothing was done. */
  busy?: boolean;
}

/** Result of POST /producers/:id/backfill (runs to the end before answering). */
export interface BackfillResult {
  copied: number;
  failed: number;
  /** `<remote type> <documentId>: <error>`, at most 50. */
  failures: string[];
}

/** Result of POST /sync-logs/resync-failed. */
export interface ResyncFailedResult {
  resynced: number;
  failed: number;
}

/** GET /site: who this site is. */
export interface SiteInfo {
  siteId: string;
  publicUrl: string | null;
  siteName: string | null;
}

export interface UpdateLogQuery {
  contentType?: string;
  documentId?: string;
  updateType?: UpdateType;
  page?: number;
  pageSize?: number;
}

export interface SyncLogQuery {
  status?: SyncStatus;
  contentType?: string;
  producerId?: number | string;
  page?: number;
  pageSize?: number;
}

/** Drops empty filters so they are not sent as `?contentType=`. */
const compact = <T extends object>(query: T): Partial<T> => {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(query) as Array<[keyof T, T[keyof T]]>) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
};

const path = (...parts: Array<string | number>) => [API_PREFIX, ...parts.map((part) => encodeURIComponent(String(part)))].join('/');

/** The admin API bound to one fetch client. */
export const createApi = ({ get, post, put, del }: FetchClient) => ({
  /* Producers (on the consumer) */
  listProducers: async () => (await get<DataResponse<EventProducer[]>>(path('producers'))).data.data,
  getProducer: async (id: number | string) => (await get<DataResponse<EventProducer>>(path('producers', id))).data.data,
  createProducer: async (body: ProducerInput) =>
    (await post<DataResponse<EventProducer>, ProducerInput>(path('producers'), body)).data.data,
  updateProducer: async (id: number | string, body: ProducerInput) =>
    (await put<DataResponse<EventProducer>, ProducerInput>(path('producers', id), body)).data.data,
  /** `force`: delete locally even when the producer cannot be told (unreachable, token revoked). */
  deleteProducer: async (id: number | string, force = false) => {
    await del(path('producers', id), force ? { params: { force: 'true' } } : undefined);
  },
  pullProducer: async (id: number | string) => (await post<DataResponse<PullResult>>(path('producers', id, 'pull'))).data.data,
  backfillProducer: async (id: number | string, contentType?: string) =>
    (
      await post<DataResponse<BackfillResult>, { contentType?: string }>(
        path('producers', id, 'backfill'),
        contentType ? { contentType } : {}
      )
    ).data.data,

  /* Consumers (on the producer) */
  listConsumers: async () => (await get<DataResponse<EventConsumer[]>>(path('consumers'))).data.data,
  getConsumer: async (id: number | string) => (await get<DataResponse<EventConsumer>>(path('consumers', id))).data.data,
  setConsumerSubscriptions: async (id: number | string, body: ConsumerSubscriptionsInput) =>
    (await put<DataResponse<EventConsumer>, ConsumerSubscriptionsInput>(path('consumers', id, 'subscriptions'), body)).data.data,
  deleteConsumer: async (id: number | string) => {
    await del(path('consumers', id));
  },

  /* Logs */
  listUpdateLogs: async (query: UpdateLogQuery) => (await get<Paged<UpdateLogEntry>>(path('update-logs'), { params: compact(query) })).data,
  listSyncLogs: async (query: SyncLogQuery) => (await get<Paged<SyncLogEntry>>(path('sync-logs'), { params: compact(query) })).data,
  getSyncLog: async (id: number | string) => (await get<DataResponse<SyncLogEntry>>(path('sync-logs', id))).data.data,
  resyncSyncLog: async (id: number | string) => (await post<DataResponse<SyncLogEntry>>(path('sync-logs', id, 'resync'))).data.data,
  resyncFailed: async (producerId?: number | string) =>
    (
      await post<DataResponse<ResyncFailedResult>, { producerId?: number }>(
        path('sync-logs', 'resync-failed'),
        producerId !== undefined && producerId !== '' ? { producerId: Number(producerId) } : {}
      )
    ).data.data,

  /* Mappings (on the consumer) */
  listMappings: async () => (await get<DataResponse<DocumentTypeMapping[]>>(path('mappings'))).data.data,
  getMapping: async (id: number | string) => (await get<DataResponse<DocumentTypeMapping>>(path('mappings', id))).data.data,
  createMapping: async (body: MappingInput) =>
    (await post<DataResponse<DocumentTypeMapping>, MappingInput>(path('mappings'), body)).data.data,
  updateMapping: async (id: number | string, body: MappingInput) =>
    (await put<DataResponse<DocumentTypeMapping>, MappingInput>(path('mappings', id), body)).data.data,
  deleteMapping: async (id: number | string) => {
    await del(path('mappings', id));
  },

  /* Pickers and context */
  listContentTypes: async () => (await get<DataResponse<StreamableContentType[]>>(path('content-types'))).data.data,
  getDocumentOrigin: async (contentType: string, documentId: string) =>
    (
      await get<DataResponse<DocumentOrigin>>(path('documents', 'origin'), {
        params: { contentType, documentId },
      })
    ).data.data,
  getSite: async () => (await get<DataResponse<SiteInfo>>(path('site'))).data.data,
});

export type EventStreamingApi = ReturnType<typeof createApi>;

/** The admin API for the current component (requests are aborted when it unmounts). */
export const useApi = (): EventStreamingApi => {
  const client = useFetchClient();
  return React.useMemo(() => createApi(client), [client]);
};
