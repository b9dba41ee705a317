/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * Admin API, consumer side: Event Producers (`/event-streaming/producers…`). Bodies are
 * validated by shared/validation/producers.ts before they reach the service.
 */
import type { Deleted, IdParams } from './common';
import type { BackfillProgress, BackfillResult, EventProducer, ProducerInput, PullBusy, PullResult } from './models';

/** GET /producers */
export declare namespace FindProducers {
  export interface Request {
    body: undefined;
  }
  export interface Response {
    data: EventProducer[];
  }
}

/** GET /producers/:id */
export declare namespace FindProducer {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: EventProducer;
  }
}

/** POST /producers: registers this site on the producer, then saves it (201). */
export declare namespace CreateProducer {
  export interface Request {
    body: ProducerInput & { apiToken: string };
  }
  export interface Response {
    data: EventProducer;
  }
}

/** PUT /producers/:id: re-registers with the new subscriptions (apiToken optional: keeps the stored one). */
export declare namespace UpdateProducer {
  export interface Request {
    params: IdParams;
    body: ProducerInput;
  }
  export interface Response {
    data: EventProducer;
  }
}

/** DELETE /producers/:id[?force=true]: deregisters on the producer first (force: even if that fails). */
export declare namespace DeleteProducer {
  export interface Request {
    params: IdParams;
    query: { force?: 'true' | 'false' | '' };
  }
  export type Response = Deleted;
}

/** POST /producers/:id/pull: pull now. */
export declare namespace PullProducer {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: PullResult | PullBusy;
  }
}

/** POST /producers/:id/backfill: copy what already exists on the producer (all approved types, or one). */
export declare namespace BackfillProducer {
  export interface Request {
    params: IdParams;
    body: { contentType?: string };
  }
  export interface Response {
    data: BackfillResult;
  }
}

/** GET /producers/:id/backfill: the back-fill of each subscribed type (running, waiting, or the last one's result). */
export declare namespace FindBackfills {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: BackfillProgress[];
  }
}
