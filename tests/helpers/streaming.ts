/**
 * Two-site setup through the plugin's own admin API, the way a user does it (README §Setup):
 * an API token on the producer scoped to the plugin's stream actions, an Event Producer on the
 * consumer, approval on the producer.
 */
import { expectStatus, waitFor, type Site } from './sites';

export const STREAM_PERMISSIONS: string[] = require('./permissions').PRODUCER_TOKEN_PERMISSIONS;

export interface SubscriptionInput {
  contentType: string;
  remoteContentType?: string;
  useSameName?: boolean;
  unsubscribed?: boolean;
  mapping?: string | null;
  keepLocal?: string[];
  /** Review queue (issue 15): `review` holds incoming events for an editor; onConflict `hold` holds changes to locally edited documents. */
  mode?: 'apply' | 'review';
  onConflict?: 'overwrite' | 'hold';
}

export interface Link {
  producer: Site;
  consumer: Site;
  /** Event Producer id on the consumer. */
  producerId: number;
  /** Event Consumer id on the producer. */
  consumerId: number;
  token: string;
}

let tokenCounter = 0;

/** Registers `consumer` on `producer` for `subscriptions`; returns ids. Nothing is approved yet. */
export async function link(
  producer: Site,
  consumer: Site,
  subscriptions: SubscriptionInput[],
  extra: Record<string, unknown> = {}
): Promise<Link> {
  tokenCounter += 1;
  const token = await producer.createApiToken({
    name: `stream-to-${consumer.name}-${tokenCounter}-${Date.now()}`,
    type: 'custom',
    permissions: STREAM_PERMISSIONS,
  });
  const created = expectStatus(
    await consumer.admin('POST', '/event-streaming/producers', {
      producerUrl: producer.url,
      apiToken: token.accessKey,
      subscriptions,
      // Tests control back-fills themselves; subscriber.test.ts turns this on.
      backfillOnApproval: false,
      ...extra,
    }),
    'create Event Producer',
    201
  );
  const consumers = expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'list consumers');
  const siteId = expectStatus(await consumer.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  const ec = consumers.body.data.find((c: { consumerSiteId: string }) => c.consumerSiteId === siteId);
  if (!ec) throw new Error('the producer has no Event Consumer for the consumer site');
  return { producer, consumer, producerId: created.body.data.id, consumerId: ec.id, token: token.accessKey };
}

export async function setStatus(l: Link, statuses: Record<string, 'Approved' | 'Rejected' | 'Pending'>) {
  return expectStatus(
    await l.producer.admin('PUT', `/event-streaming/consumers/${l.consumerId}/subscriptions`, {
      subscriptions: Object.entries(statuses).map(([contentType, status]) => ({ contentType, status })),
    }),
    'set subscription status'
  ).body.data;
}

/** Pull now (admin API), returns {pulled, applied, failed}. */
export async function pullNow(l: Link) {
  return expectStatus(await l.consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`), 'pull now').body.data;
}

export async function syncLogs(site: Site, query = '') {
  return expectStatus(await site.admin('GET', `/event-streaming/sync-logs?pageSize=100${query}`), 'sync logs').body;
}

/** A REST document on `site` (published version), or null when absent. */
export async function getDoc(site: Site, plural: string, documentId: string, query = '') {
  const res = await site.api('GET', `/${plural}/${documentId}${query}`);
  if (res.status === 404) return null;
  return expectStatus(res, `GET ${plural}/${documentId}`).body.data;
}

export async function list(site: Site, plural: string, query = '') {
  return expectStatus(await site.api('GET', `/${plural}?pagination[pageSize]=100${query}`), `list ${plural}`).body.data as any[];
}

export const eventually = <T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000) =>
  waitFor(fn, { timeoutMs, intervalMs: 150, what }) as Promise<T>;

/** Review queue (issue 15): the held changes on `site` (oldest first), optionally filtered (`&contentType=…`). */
export async function reviews(site: Site, query = '') {
  return expectStatus(await site.admin('GET', `/event-streaming/reviews?pageSize=100${query}`), 'reviews').body.data as any[];
}
