/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * Admin API, producer side: Event Consumers (`/event-streaming/consumers…`). Bodies are
 * validated by shared/validation/consumers.ts before they reach the service.
 */
import type { Deleted, IdParams } from './common';
import type { ConsumerSubscriptionsInput, EventConsumer } from './models';

/** GET /consumers */
export declare namespace FindConsumers {
  export interface Response {
    data: EventConsumer[];
  }
}

/** GET /consumers/:id */
export declare namespace FindConsumer {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: EventConsumer;
  }
}

/** PUT /consumers/:id/subscriptions: approve / reject content types. */
export declare namespace SetConsumerSubscriptions {
  export interface Request {
    params: IdParams;
    body: ConsumerSubscriptionsInput;
  }
  export interface Response {
    data: EventConsumer;
  }
}

/** POST /consumers/:id/callback/approve: the consumer's pending callback URL becomes the one notified (409 when none is pending). */
export declare namespace ApproveConsumerCallback {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: EventConsumer;
  }
}

/** DELETE /consumers/:id: forget a consumer (it must register again). */
export declare namespace DeleteConsumer {
  export interface Request {
    params: IdParams;
  }
  export type Response = Deleted;
}

// --- conditions (issue 14) ---
/** POST /consumers/count-matching: how many streamed documents of a type a condition matches (400 naming a bad field/operator). */
export declare namespace CountMatching {
  export interface Request {
    body: { contentType: string; condition: Record<string, unknown> | null };
  }
  export interface Response {
    data: { contentType: string; count: number; total: number };
  }
}
