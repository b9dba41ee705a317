/**
 * The site-to-site protocol's messages (the content API under `API_PREFIX`, protocol/wire.ts):
 * registration, pages of events, documents and listings. Type-only, shared by server and admin.
 */
import type { SubscriptionStatus, UpdateType } from './models';

/* ---------------------------------------------------------------------------------------------
 * Site-to-site content API (API token), prefix `API_PREFIX` (protocol/wire.ts).
 * ------------------------------------------------------------------------------------------- */

export interface RegisterRequest {
  siteId: string;
  name: string;
  /** Base URL of the consumer (notifications go to the `notify` route below the callback URL). */
  callbackUrl: string | null;
  callbackToken: string | null;
  /**
   * Unsubscribed types stay listed (`unsubscribed: true`): the producer keeps their approval.
   * `condition` / `onExit`: what the consumer asks for (conditions, issue 14); absent: none / delete.
   */
  subscriptions: Array<{
    contentType: string;
    unsubscribed: boolean;
    condition?: Record<string, unknown> | null;
    onExit?: 'delete' | 'keep';
  }>;
  /**
   * Token rotation: the API token this site registered with until now. Presented with a new
   * token in the Authorization header, it proves the same site moves to the new token (approvals
   * and cursor kept). Never stored.
   */
  previousToken?: string;
}

/** POST /register as it may arrive: the callback fields may be omitted (pull-only consumer). */
export interface RegisterBody {
  siteId: string;
  name: string;
  callbackUrl?: string | null;
  callbackToken?: string | null;
  subscriptions: Array<{
    contentType: string;
    unsubscribed?: boolean;
    condition?: Record<string, unknown> | null;
    onExit?: 'delete' | 'keep';
  }>;
  previousToken?: string;
}

/** Body of POST /notify (producer -> consumer). */
export interface NotifyRequest {
  siteId: string;
  headSeq?: number;
}

export interface RegisterResponse {
  siteId: string;
  headSeq: number;
  subscriptions: Array<{ contentType: string; status: SubscriptionStatus; unsubscribed?: boolean }>;
  /** The callback URL sent differs from the approved one and waits for the producer admin's approval. */
  callbackUrlPending?: boolean;
}

export interface StreamEvent {
  seq: number;
  updateType: UpdateType;
  contentType: string;
  documentId: string;
  locale: string | null;
  /** Create: the whole document; Update: changed fields only; Delete: null. */
  data: Record<string, unknown> | null;
  originSiteId: string | null;
  /** Who made the change on the site it was made on (a display name, engine/actor.ts); absent: unknown. */
  changedBy?: string | null;
  /** When the change was made (ISO); absent from older producers. */
  changedAt?: string | null;
  /**
   * The row's fingerprint: random, given with its seq (engine/cursor.ts FINGERPRINTS); null or
   * absent for rows sequenced before fingerprints existed.
   */
  key?: string | null;
  /**
   * The same document on other sites, as the serving site's remote references know it (where it
   * came from, and where those came from): lets a site in a ring recognise its own document in a
   * copy that came round with another documentId (Use Same Name off). Omitted when none.
   */
  aliases?: DocumentAlias[];
}

/** A document's documentId on another site (StreamEvent.aliases). */
export interface DocumentAlias {
  siteId: string;
  documentId: string;
}

export interface PullResponse {
  siteId: string;
  /** The producer's high-water mark: the highest seq it ever assigned (never moves backwards). */
  headSeq: number;
  /** Random id of the producer's log; a new one means the log was restored or recreated. */
  epoch: string;
  /** The highest seq removed by pruning: a cursor below it has missed events. */
  prunedThrough: number;
  /** The cursor to send next: every event up to it was scanned (served or not meant for this consumer). */
  nextCursor: number;
  /** The key of the row at `nextCursor`, to send back as `afterKey` (null: unknown). */
  cursorKey?: string | null;
  /**
   * The row at `after` has another key than the `afterKey` sent: the producer's log is not the
   * one the consumer followed (restored); the page is empty and the consumer re-copies.
   */
  diverged?: boolean;
  hasMore: boolean;
  /** `conditionKey`: fingerprint of the effective condition (absent/null: none); a change makes the consumer reconcile. */
  subscriptions: Array<{ contentType: string; status: SubscriptionStatus; unsubscribed: boolean; conditionKey?: string | null }>;
  events: StreamEvent[];
  /** Hash of the producer's schema of this consumer's types (GET /schema `hash`); absent from older producers. */
  schemaHash?: string;
}

export interface FetchDocumentResponse {
  headSeq: number;
  contentType: string;
  documentId: string;
  locale: string | null;
  /** null when the document does not exist (or has no published version) on the producer. */
  data: Record<string, unknown> | null;
}

export interface ListDocumentsResponse {
  headSeq: number;
  contentType: string;
  /**
   * `data`: the document's streamed version as of `headSeq` (as GET .../documents/:uid/:id would
   * answer; null when it vanished meanwhile).
   */
  documents: Array<{ documentId: string; locale: string | null; data: Record<string, unknown> | null }>;
  nextCursor: number | null;
  /** First page only (`after` 0): how many documents (rows: one per locale) the listing holds. */
  total?: number;
}
