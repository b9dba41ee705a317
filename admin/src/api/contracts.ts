/**
 * The admin's view of the server contracts: the ONLY admin module that imports
 * `server/src/shared/contracts`. Everything else in `admin/src` imports its request/response types from
 * here, so moving the contracts file changes one import path.
 */
import type { FindSyncLogs, FindUpdateLogs, PullProducer, SyncStatus, UpdateType } from '../../../server/src/shared/contracts';
export type { AcceptAllReviews, FindReviews, HoldReason } from '../../../server/src/shared/contracts';

// Schema check before streaming (issue 16, point 8).
export type { MappingSchemaCheck, ProducerSchemaCheck, SchemaIssue, SchemaReport } from '../../../server/src/shared/contracts';

export type {
  BackfillProgress,
  BackfillResult,
  ConsumerSubscription,
  ConsumerSubscriptionsInput,
  CountMatching,
  DocumentOrigin,
  DocumentTypeMapping,
  EventConsumer,
  EventProducer,
  FieldMapping,
  MappingInput,
  MetricPeer,
  MetricPoint,
  Paged,
  ProducerInput,
  RemoteReference,
  ResyncFailedResult,
  SiteInfo,
  StreamableContentType,
  SubscriptionStatus,
  SyncLogEntry,
  SyncStatus,
  UpdateLogEntry,
  UpdateType,
} from '../../../server/src/shared/contracts';

/** The log lists' queries as the admin keeps them (numbers); the server's wire types are strings. */
type Paging = { page: number; pageSize: number };
export type UpdateLogQuery = Omit<FindUpdateLogs.Request['query'], 'page' | 'pageSize' | 'updateType'> & {
  updateType?: UpdateType;
} & Paging;
export type SyncLogQuery = Omit<FindSyncLogs.Request['query'], 'page' | 'pageSize' | 'status'> & { status?: SyncStatus } & Paging;

/** An admin user as Strapi's `/admin/users` lists it (the fields the Event Subscriber picker shows). */
export interface AdminUser {
  id: number;
  firstname: string | null;
  lastname: string | null;
  username: string | null;
  email: string;
  isActive: boolean;
}

/** POST /producers/:id/pull: a result, or `busy` when another instance was pulling. */
export type PullResult = PullProducer.Response['data'];

// --- push mode (README "Push mode") ---
/** POST /consumers/push: connect a consumer that cannot call this site (its URL and the push token it minted). */
export interface ConnectPushConsumerInput {
  consumerUrl: string;
  token: string;
}
/** POST /consumers/:id/push: what the push session did; null when the site is stopping (nothing pushed). */
export type PushNowResult = (PullResult & { pages: number; requests: number; filesSent: number; documentsSent: number }) | null;
