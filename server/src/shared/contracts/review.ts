/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as the other contracts */
/** Admin API, consumer side: the review queue (issue 15), `/event-streaming/reviews…`. */
import type { IdParams } from './common';
import type { HoldReason, Paged, ReviewDetail } from './models';

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
