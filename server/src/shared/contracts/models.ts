/**
 * The records the plugin's HTTP APIs carry (entities, log entries, wire messages), shared by the
 * server and the admin panel. Type-only: nothing here may import Strapi or run code. Per-endpoint
 * request/response types are in the sibling files (producers.ts, consumers.ts, …).
 */

import type { StreamEvent } from './messages';

export type SubscriptionStatus = 'Pending' | 'Approved' | 'Rejected';
export type UpdateType = 'Create' | 'Update' | 'Delete';
/**
 * Synced: applied. Failed: could not be applied (see `error`), retried with backoff.
 * Blocked: not applied because an earlier event of the same document failed; resolved with it.
 */
/** How a subscription applies incoming events (review queue, issue 15). */
export type SubscriptionMode = 'apply' | 'review';
export type ConflictPolicy = 'overwrite' | 'hold';

export type SyncStatus = 'Synced' | 'Failed' | 'Blocked' | 'AwaitingReview' | 'Rejected';

/** One subscription of an Event Producer, as the consumer stores it. */
export interface ProducerSubscription {
  /** Local content type UID, e.g. `api::customer.customer`. */
  contentType: string;
  /** Content type UID on the producer; defaults to `contentType`. */
  remoteContentType: string;
  /** true: the local document gets the producer's documentId; false: a local id + a remote reference. */
  useSameName: boolean;
  unsubscribed: boolean;
  /** `mappingName` of a Document Type Mapping, or null. */
  mapping: string | null;
  /**
   * Local fields (after mapping; `price`, `seo.metaTitle`) the stream fills on create and never
   * overwrites afterwards. Absent or empty: none.
   */
  keepLocal?: string[];
  /** `review`: incoming events wait on the Review page for Accept / Reject; `apply` (absent): applied at once. */
  mode?: SubscriptionMode;
  /** A change arriving for a document edited here since the last applied event: `overwrite` (absent) or `hold` for review. */
  onConflict?: ConflictPolicy;
  /** Mirrored from the producer; read-only on the consumer. */
  status: SubscriptionStatus;
  // --- conditions (issue 14) ---
  /** A condition (Strapi `filters` on the remote type) this consumer asks for; the producer adds its own. */
  condition?: Record<string, unknown> | null;
  /** A document that stops matching the condition: deleted here (default) or kept. */
  onExit?: 'delete' | 'keep';
  /** Mirrored from the producer: fingerprint of the effective condition last seen (a change reconciles). */
  conditionKey?: string | null;
}

export interface ProducerHealth {
  lastPulledSeq: number;
  /** Producer's newest sequence at the last pull. */
  producerHeadSeq: number;
  /** Events the consumer has not pulled yet, as of the last pull. */
  lag: number;
  lastPullAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface EventProducer extends ProducerHealth {
  id: number;
  documentId: string;
  producerUrl: string;
  producerSiteId: string | null;
  /** Masked hint of the stored producer token, e.g. `••••a1b2`. The token itself is never returned. */
  apiTokenHint: string;
  callbackTokenHint: string | null;
  /** Whether the producer may push notifications (a callback URL + token were registered). */
  pushEnabled: boolean;
  subscriptions: ProducerSubscription[];
  /** Admin user id synced writes are made as (`createdBy`/`updatedBy`); null: none. */
  subscriberUser: number | null;
  /** The named subscriber user was deleted: synced writes are made as nobody until another is chosen. */
  subscriberUserMissing: boolean;
  /** Back-fill a type by itself when the producer approves it (default true). */
  backfillOnApproval: boolean;
  /** Links in rich text and Blocks starting with `from` are written with `to` in its place (issue 15.4); null: none. */
  linkRule: { from: string; to: string } | null;
  /** `push`: the producer sends its pages here and is never called (README "Push mode"). */
  mode?: 'pull' | 'push';
  /** Push mode, in the answer to the create only: the push token to give the producer's admin (shown once). */
  pushToken?: string;
  createdAt: string;
  updatedAt: string;
}

/** Body of POST /producers and PUT /producers/:id. */
export interface ProducerInput {
  producerUrl: string;
  /** Producer's API token. Required on create; on update, omit to keep the stored one. */
  apiToken?: string;
  subscriptions: Array<{
    contentType: string;
    remoteContentType?: string;
    useSameName?: boolean;
    unsubscribed?: boolean;
    mapping?: string | null;
    /** Local field paths kept local (see ProducerSubscription.keepLocal); null or absent: none. */
    keepLocal?: string[] | null;
    /** See ProducerSubscription.mode / onConflict. */
    mode?: SubscriptionMode;
    onConflict?: ConflictPolicy;
    /** Read-only (mirrored from the producer); accepted and ignored so a saved producer can be sent back. */
    status?: SubscriptionStatus;
    /** Conditions (issue 14): Strapi `filters` on the remote type this site asks for, and what leaving it does. */
    condition?: Record<string, unknown> | null;
    onExit?: 'delete' | 'keep';
    /** Read-only (mirrored); accepted and ignored. */
    conditionKey?: string | null;
  }>;
  /** Token of this site the producer uses for notifications; minted (scoped) when absent. */
  callbackToken?: string | null;
  /** Register without a callback (pull-only, e.g. a site behind NAT). */
  pullOnly?: boolean;
  /** `push`: the producer cannot be called; it pushes its pages here (README "Push mode"). Set on create only. */
  mode?: 'pull' | 'push';
  /**
   * Admin user id synced documents are created / updated as. Omitted: on create the admin who
   * creates the producer, on update the stored one; null: none.
   */
  subscriberUser?: number | null;
  /** Back-fill a type by itself when the producer approves it. Omitted: true on create, kept on update. */
  backfillOnApproval?: boolean;
  /** Link rule (prefix -> prefix) for links in rich text and Blocks; null: none. Omitted: none on create, kept on update. */
  linkRule?: { from: string; to: string } | null;
}

export interface ConsumerSubscription {
  contentType: string;
  status: SubscriptionStatus;
  unsubscribed: boolean;
  /** Sequence at approval time: events at or below it are not served to this consumer. */
  approvedAtSeq: number | null;
  /** The producer admin's condition (Strapi `filters`) on the documents this consumer receives; null: all. */
  condition: Record<string, unknown> | null;
  // --- conditions (issue 14) ---
  /** The condition the consumer asked for in its subscription; the effective one is both (`$and`). */
  requestedCondition?: Record<string, unknown> | null;
  /** What the consumer does with a document that stops matching: delete it (default) or keep it. */
  onExit?: 'delete' | 'keep';
  /** Fingerprint of the effective condition (null: none); changes when it changes. Read-only. */
  conditionKey?: string | null;
}

export interface EventConsumer {
  id: number;
  documentId: string;
  consumerSiteId: string;
  consumerName: string;
  /** `push`: this site sends the consumer its pages (it cannot call here); callbackUrl is the consumer's URL. */
  mode?: 'pull' | 'push';
  callbackUrl: string | null;
  callbackTokenHint: string | null;
  /** A callback URL change the consumer asked for, awaiting the producer admin's approval (no pokes meanwhile). */
  pendingCallbackUrl: string | null;
  callbackChangeRequestedAt: string | null;
  apiTokenId: number;
  subscriptions: ConsumerSubscription[];
  lastSeenAt: string | null;
  /**
   * The consumer has not pulled for longer than `retention.maxConsumerLagDays`: it no longer
   * holds back pruning (it re-copies when it returns).
   */
  stale: boolean;
  ackSeq: number;
  /** Producer's newest sequence, for lag = headSeq - ackSeq. */
  headSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** Body of PUT /consumers/:id/subscriptions. */
export interface ConsumerSubscriptionsInput {
  /** `condition`: Strapi `filters` or null (none); absent: unchanged. */
  subscriptions: Array<{ contentType: string; status: SubscriptionStatus; condition?: Record<string, unknown> | null }>;
}

/** A row of the producer's update log as the admin lists it: the event (documentId on this site) and when. */
export interface UpdateLogEntry extends Omit<StreamEvent, 'seq'> {
  id: number;
  seq: number | null;
  createdAt: string;
}

export interface SyncLogEntry {
  id: number;
  seq: number;
  updateType: UpdateType;
  status: SyncStatus;
  /** Local content type. */
  contentType: string;
  remoteContentType: string;
  eventProducer: { id: number; producerUrl: string } | null;
  /** Local documentId (null when the event failed before a local document existed). */
  documentId: string | null;
  remoteDocumentId: string;
  locale: string | null;
  useSameName: boolean;
  mapping: string | null;
  data: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  nextRetryAt: string | null;
  /** Failed, and no retry is scheduled any more (attempts used up, or its producer deleted): only a manual Resync retries it. */
  gaveUp: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * What one pull of a producer did (POST /producers/:id/pull, and the engine's pull loop).
 * `cursor`: the consumer's position afterwards; `headSeq`: the producer's newest sequence seen.
 */
export interface PullResult {
  pulled: number;
  applied: number;
  failed: number;
  cursor: number;
  headSeq: number;
  /** Set when this pull re-copied the types from the producer's current state: why. */
  recopied?: string;
}

/** POST /producers/:id/pull when another instance holds the producer's pull lease: nothing was pulled here. */
export interface PullBusy {
  pulled: 0;
  applied: 0;
  failed: 0;
  busy: true;
}

/**
 * The back-fill of one type of a producer, as stored while it runs (resumable) and after it ended
 * (GET /producers/:id/backfill).
 */
export interface BackfillProgress {
  /** Remote content type UID. */
  contentType: string;
  /** pending: waits for the next pull; running: copying (or interrupted, resumed by the next pull). */
  state: 'pending' | 'running' | 'done' | 'failed';
  /** approval: started by the producer approving the type; manual: the admin's Back-fill; condition: the effective condition changed. */
  trigger: 'approval' | 'manual' | 'condition';
  /** The producer's listing cursor to resume after. */
  after: number;
  pages: number;
  copied: number;
  failed: number;
  /** Documents the producer listed for the type at the start (null: it did not say). */
  total: number | null;
  /** The first failures, "<type> <documentId>: <error>". */
  failures: string[];
  /** Why it stopped (state failed), or the last transient error it will resume after. */
  error: string | null;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
  // --- reconciling back-fill (issue 14) ---
  /** copy: listing the producer's documents; sweep: removing held copies it no longer serves. Absent: copy. */
  phase?: 'copy' | 'sweep';
  /** Sweep position: the last remote-reference id checked. */
  sweepAfter?: number;
  /** Copies removed because the producer no longer has (or no longer serves) them. */
  deleted?: number;
}

/** POST /producers/:id/backfill (runs to the end before answering). */
export interface BackfillResult {
  copied: number;
  /** Of `copied`, inserted a page at a time (config `bulkBackfill`). */
  bulk: number;
  failed: number;
  /** The first failures, "<type> <documentId>: <error>". */
  failures: string[];
}

/** POST /sync-logs/resync-failed. */
export interface ResyncFailedResult {
  resynced: number;
  failed: number;
}

/** GET /site: who this site is. */
export interface SiteInfo {
  siteId: string;
  siteName: string;
  publicUrl: string | null;
}

export interface RemoteReference {
  localContentType: string;
  localDocumentId: string;
  locale: string | null;
  producerId: number | null;
  producerUrl: string;
  producerSiteId: string;
  remoteContentType: string;
  remoteDocumentId: string;
  lastSyncedAt: string | null;
  lastAppliedSeq: number;
  deleted: boolean;
  /** The subscription's kept-local fields (ProducerSubscription.keepLocal); [] when none or the producer is gone. */
  keepLocal: string[];
}

/** GET /content-types: the content types a site can stream (for pickers). */
export interface StreamableContentType {
  uid: string;
  displayName: string;
  draftAndPublish: boolean;
  localized: boolean;
  /** `components`: the components a dynamic zone allows. */
  attributes: Array<{ name: string; type: string; target?: string; component?: string; components?: string[]; required?: boolean }>;
}

export interface Paged<T> {
  data: T[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

/** GET /documents/origin?contentType=&documentId= — the Content Manager side panel. */
export interface DocumentOrigin {
  /** On a consumer: where this document came from. */
  references: RemoteReference[];
  /** On a producer: consumers that receive this content type (approved, subscribed). */
  consumers: Array<{ id: number; consumerName: string; consumerSiteId: string; ackSeq: number }>;
  /** On a consumer: incoming changes of this document awaiting review (issue 15). */
  awaitingReview?: number;
}
