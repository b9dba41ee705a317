/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as the other contracts */
/** Admin API, consumer side: the review queue (issue 15), `/event-streaming/reviews…`. */
import type { IdParams } from './common';
import type { Paged, UpdateType } from './models';

/** GET /reviews: held changes (oldest first), each with its fields (local beside incoming). */
export declare namespace FindReviews {
  export interface Request {
    query: { page?: string; pageSize?: string; contentType?: string; producerId?: string; reason?: HoldReason | ''; documentId?: string };
  }
  export type Response = Paged<ReviewDetail & { producer: { id: number; producerUrl: string } | null; remoteContentType: string }>;
}

/** POST /reviews/:id/accept and /reviews/:id/reject (409 when an earlier change of the document waits, or it was decided). */
export declare namespace DecideReview {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: { id: number; status: 'Synced' | 'Rejected' };
  }
}

/** POST /reviews/accept-all: body filters (contentType, producerId, reason). */
export declare namespace AcceptAllReviews {
  export interface Request {
    body: { contentType?: string; producerId?: number; reason?: HoldReason };
  }
  export interface Response {
    data: { accepted: number; failed: Array<{ id: number; error: string }> };
  }
}

/* ---- Review queue (issue 15): GET /reviews, GET /reviews/:id ---- */

/** Why a change waits: the subscription reviews, a local edit conflicts, or an earlier change of the document waits. */
export type HoldReason = 'review' | 'conflict' | 'queued';

/** One incoming change awaiting review (a sync-log row with status AwaitingReview). */
export interface ReviewEntry {
  id: number;
  seq: number;
  updateType: UpdateType;
  contentType: string;
  remoteContentType: string;
  /** The local document, when it exists here. */
  documentId: string | null;
  remoteDocumentId: string;
  locale: string | null;
  producer: { id: number; producerUrl: string } | null;
  reason: HoldReason;
  /** The local copy was edited here since the last applied change. */
  conflict: boolean;
  /** The first held change of its document: the one that can be accepted or rejected now. */
  reviewable: boolean;
  /** The site the change was made on (the producer, or the site it came from in a chain). */
  originSiteId: string | null;
  /** Who made the change on the producer (a display name), and when; null: the producer did not say. */
  changedBy: string | null;
  changedAt: string | null;
  receivedAt: string;
}

/** One field of a held change, readable (relations and components as text). */
export interface ReviewField {
  field: string;
  local: string;
  incoming: string;
  /** A conflict's base: the value the last applied change gave. */
  base?: string;
  changed: boolean;
}

export interface ReviewDetail extends Omit<ReviewEntry, 'producer' | 'remoteContentType'> {
  /** A change before it was rejected: accepting this one brings the producer's whole current state. */
  diverged: boolean;
  localExists: boolean;
  fields: ReviewField[];
  /** The note of the last decision or failed accept. */
  error: string | null;
}
