/**
 * The admin's view of the server contracts: the ONLY admin module that imports
 * `server/src/contracts.ts`. Everything else in `admin/src` imports its request/response types from
 * here, so moving the contracts file changes one import path.
 */
import type { SyncStatus, UpdateType } from '../../../server/src/contracts';

export type {
  BackfillResult,
  ConsumerSubscription,
  ConsumerSubscriptionsInput,
  DocumentOrigin,
  DocumentTypeMapping,
  EventConsumer,
  EventProducer,
  FieldMapping,
  MappingInput,
  Paged,
  ProducerInput,
  PullResult,
  RemoteReference,
  StreamableContentType,
  SubscriptionStatus,
  SyncLogEntry,
  SyncStatus,
  UpdateLogEntry,
  UpdateType,
} from '../../../server/src/contracts';

/*
 * Not in the server contracts yet (the server answers them with inline types). Declared here, once,
 * until the server's contracts file declares them; then these become re-exports above.
 */

/** GET /site: who this site is. */
export interface SiteInfo {
  siteId: string;
  publicUrl: string | null;
  siteName: string | null;
}

/** POST /sync-logs/resync-failed. */
export interface ResyncFailedResult {
  resynced: number;
  failed: number;
}

/** Query of GET /update-logs. */
export interface UpdateLogQuery {
  contentType?: string;
  documentId?: string;
  updateType?: UpdateType;
  page: number;
  pageSize: number;
}

/** Query of GET /sync-logs. */
export interface SyncLogQuery {
  status?: SyncStatus;
  contentType?: string;
  producerId?: string;
  page: number;
  pageSize: number;
}
