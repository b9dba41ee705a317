/**
 * A fake producer speaking the site-to-site protocol (a Node http server), for hostile-producer
 * tests against a real consumer site: it registers the consumer with the types it is told to
 * approve, serves the events pushed to it on GET /updates, the documents published to it on
 * GET /documents/:uid/:documentId, and records every request it receives (to prove what the
 * consumer asked for). Its content is the test's choice: nothing it serves is checked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectStatus, type Site } from './sites';

export interface FakeEvent {
  seq: number;
  updateType: string;
  contentType: string;
  documentId: string;
  locale: string | null;
  data: unknown;
  originSiteId?: string | null;
  /** The same document on other sites (StreamEvent.aliases). */
  aliases?: Array<{ siteId: string; documentId: string }>;
}

export interface FakeProducer {
  readonly url: string;
  readonly siteId: string;
  readonly token: string;
  /** Requests received: method, path (decoded), query, Authorization header. */
  readonly seen: Array<{ method: string; path: string; query: URLSearchParams; auth: string | undefined }>;
  /** The head it reports: the last event's seq, or the starting head. */
  head(): number;
  /** The well-formed page it serves after `after`, with `extra` fields laid over it. */
  page(after: number, extra?: Record<string, unknown>): Record<string, unknown>;
  /** When set, answers GET /updates instead of the well-formed page. */
  onUpdates: ((res: http.ServerResponse, after: number) => void) | null;
  /** When set, answers the back-fill listing GET /documents/:uid (else 404). */
  onListing: ((res: http.ServerResponse, after: number) => void) | null;
  /** Appends an event (next seq); returns its seq. */
  push(e: Omit<FakeEvent, 'seq' | 'locale'> & { locale?: string | null }): number;
  /** Serves `data` for GET /documents/:uid/:documentId (?locale). */
  publish(uid: string, documentId: string, data: unknown, locale?: string | null): void;
  /** Serves `list` for GET /documents/:uid/:documentId?inline=only (the uploads it claims the document holds inline). */
  publishInline(uid: string, documentId: string, list: unknown[], locale?: string | null): void;
  /** Serves `bytes` for GET /files/:fileId (any via). */
  serveFile(fileId: string, bytes: Buffer, mime: string): void;
  /** Creates the Event Producer on `consumer` (subscribed to `types`) and returns its id. */
  attach(consumer: Site, types: string[]): Promise<number>;
  close(): Promise<void>;
}

/** Answers `body` as JSON with `status`. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startFakeProducer(opts: {
  siteId: string;
  token: string;
  approved: string[];
  head?: number;
  epoch?: string;
}): Promise<FakeProducer> {
  const head0 = opts.head ?? 10;
  const events: FakeEvent[] = [];
  const docs = new Map<string, unknown>();
  const inline = new Map<string, unknown[]>();
  const files = new Map<string, { bytes: Buffer; mime: string }>();
  const seen: FakeProducer['seen'] = [];
  const head = () => Math.max(head0, ...events.map((e) => e.seq));
  const subscriptions = () => opts.approved.map((contentType) => ({ contentType, status: 'Approved', unsubscribed: false }));
  const key = (uid: string, id: string, locale: string | null | undefined) => `${uid}/${id}/${locale ?? ''}`;
  const json = sendJson;
  const page = (after: number, extra: Record<string, unknown> = {}) => ({
    siteId: opts.siteId,
    headSeq: head(),
    epoch: opts.epoch ?? `fake-${opts.siteId}`,
    prunedThrough: 0,
    nextCursor: Math.max(head(), after),
    hasMore: false,
    subscriptions: subscriptions(),
    events: events.filter((e) => e.seq > after).map((e) => ({ originSiteId: null, ...e })),
    ...extra,
  });

  const server = http.createServer((req, res) => {
    res.on('error', () => undefined); // a client that gives up on a large answer
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    seen.push({ method: req.method ?? '', path, query: url.searchParams, auth: req.headers.authorization });
    req.resume();
    if (req.headers.authorization !== `Bearer ${opts.token}`) return json(res, 401, { error: { message: 'who are you' } });
    if (path === '/api/event-streaming/register') {
      if (req.method === 'DELETE') return json(res, 200, { deregistered: true });
      return json(res, 200, { siteId: opts.siteId, headSeq: head0, subscriptions: subscriptions() });
    }
    if (path === '/api/event-streaming/updates') {
      const after = Number(url.searchParams.get('after') ?? 0);
      if (fake.onUpdates) return fake.onUpdates(res, after);
      return json(res, 200, page(after));
    }
    const sweep = url.searchParams.get('documentIds');
    if (/^\/api\/event-streaming\/documents\/[^/]+$/.test(path) && fake.onListing) {
      // A back-fill's reconciling sweep asks which held copies still exist (`documentIds`): this
      // fake still has every document the consumer holds, the sweep removes nothing.
      if (sweep) {
        const documents = sweep.split(',').map((documentId) => ({ documentId, locale: null, data: {} }));
        return json(res, 200, { headSeq: head(), contentType: path.split('/').pop(), documents, nextCursor: null });
      }
      return fake.onListing(res, Number(url.searchParams.get('after') ?? 0));
    }
    const f = path.match(/^\/api\/event-streaming\/files\/([^/]+)$/);
    if (f && files.has(f[1])) {
      const { bytes, mime } = files.get(f[1])!;
      res.writeHead(200, { 'content-type': mime, 'content-length': String(bytes.length) });
      return res.end(bytes);
    }
    const m = path.match(/^\/api\/event-streaming\/documents\/([^/]+)\/([^/]+)$/);
    if (m && url.searchParams.get('inline') === 'only') {
      return json(res, 200, { inline: inline.get(key(m[1], m[2], url.searchParams.get('locale'))) ?? [] });
    }
    if (m) {
      const locale = url.searchParams.get('locale');
      return json(res, 200, {
        headSeq: head(),
        contentType: m[1],
        documentId: m[2],
        locale,
        // A document published without a locale answers for every locale.
        data: docs.get(key(m[1], m[2], locale)) ?? docs.get(key(m[1], m[2], null)) ?? null,
      });
    }
    return json(res, 404, { error: { message: 'not here' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeProducer = {
    url,
    siteId: opts.siteId,
    token: opts.token,
    seen,
    head,
    page,
    onUpdates: null,
    onListing: null,
    push(e) {
      const seq = head() + 1;
      events.push({ locale: null, ...e, seq });
      return seq;
    },
    publish(uid, documentId, data, locale = null) {
      docs.set(key(uid, documentId, locale), data);
    },
    publishInline(uid, documentId, list, locale = null) {
      inline.set(key(uid, documentId, locale), list);
    },
    serveFile(fileId, bytes, mime) {
      files.set(fileId, { bytes, mime });
    },
    async attach(consumer, types) {
      const created = expectStatus(
        await consumer.admin('POST', '/event-streaming/producers', {
          producerUrl: url,
          apiToken: opts.token,
          // No Event Subscriber: whatever createdBy / updatedBy a synced write gets came from the producer.
          subscriberUser: null,
          // Its listings are not what the tests count: no back-fill when it approves the types.
          backfillOnApproval: false,
          subscriptions: types.map((contentType) => ({ contentType })),
        }),
        'create Event Producer on the fake producer',
        201
      ).body.data;
      return created.id as number;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return fake;
}
