/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/** Monitoring: the health endpoint (API token) and the per-minute series of the admin charts. */

/** Consumer side: one Event Producer this site pulls from. */
export interface ProducerStreamHealth {
  id: number;
  producerUrl: string;
  producerSiteId: string | null;
  /** Events the producer had that this site had not pulled, as of the last successful pull. */
  lagEvents: number;
  /** While behind or failing: seconds since the last successful pull (0 when caught up). */
  lagSeconds: number;
  cursor: number;
  headSeq: number;
  lastPullAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** Events recorded Failed / Blocked in the sync log (waiting for a retry or a resync). */
  failedEvents: number;
  blockedEvents: number;
}

/** Producer side: one Event Consumer that pulls from this site. */
export interface ConsumerStreamHealth {
  id: number;
  consumerSiteId: string;
  consumerName: string;
  /** Events logged here after the consumer's acknowledged position (head - ackSeq). */
  lagEvents: number;
  /** Age of the oldest event it has not acknowledged, seconds (0 when caught up). */
  lagSeconds: number;
  ackSeq: number;
  headSeq: number;
  /** Its last pull (the producer's view of its last success). */
  lastSeenAt: string | null;
  stale: boolean;
}

export interface HealthReport {
  siteId: string;
  generatedAt: string;
  /** Consumer side: the producers this site streams from. */
  producers: ProducerStreamHealth[];
  /** Producer side: the consumers that stream from this site. */
  consumers: ConsumerStreamHealth[];
}

/** GET ROUTES.health[?format=prometheus] and GET ROUTES.metrics (protocol/wire.ts; API token, permission monitor.health). */
export declare namespace GetHealth {
  export interface Request {
    query: { format?: 'json' | 'prometheus' };
  }
  export type Response = HealthReport;
}

/** Which side a series belongs to: `producer` = an Event Producer (consumer side), `consumer` = an Event Consumer (producer side). */
export type MetricPeer = 'producer' | 'consumer';

export interface MetricPoint {
  /** Start of the minute, ISO 8601. */
  minute: string;
  /** Consumer side: events applied (Synced) in that minute; producer side: events the consumer acknowledged. */
  events: number;
  /** Highest lag sampled in that minute. */
  lagEvents: number;
  lagSeconds: number;
}

/** GET /metrics/:peer/:id (admin): the minutes of the last `hours` (default 24) that have counters, oldest first. */
export declare namespace GetSeries {
  export interface Request {
    params: { peer: MetricPeer; id: string };
    query: { hours?: string };
  }
  export interface Response {
    data: MetricPoint[];
  }
}
