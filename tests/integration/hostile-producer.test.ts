/**
 * Issue 6 (hostile / buggy producer), SPEC §8: a real consumer site subscribed to a fake producer
 * (tests/helpers/fake-producer.ts, a Node http server) that registers correctly and then serves garbage pages,
 * events of types the consumer never subscribed to, ill-typed data, forbidden dynamic-zone
 * components, injected dependencies and a 25 MB answer. The consumer must write nothing outside
 * its subscriptions, record garbage pages as the producer's lastError (cursor unchanged), record
 * events that parse but cannot apply as Failed sync-log entries, and keep its documents intact.
 */
import type http from 'node:http';
import { startSite, stopAll, expectStatus, type Site } from '../helpers/sites';
import { getDoc, list } from '../helpers/streaming';
import { expectClientError, snapshotCounts } from '../helpers/security';
import { sendJson as json, startFakeProducer, type FakeProducer } from '../helpers/fake-producer';
import { ARTICLE, CUSTOMER, SUPPLIER } from '../helpers/uids';

const FAKE_SITE = '0f0f0f0f-dead-beef-0000-000000000001';
const FAKE_TOKEN = 'fake-producer-token-0123456789abcdef';
const HEAD0 = 10;

let C: Site;
let fake: FakeProducer;
let producerId: number;
const BIG = Buffer.from(`{"siteId":"${FAKE_SITE}","pad":"${'x'.repeat(25 * 1024 * 1024)}"}`);

const head = () => fake.head();
const page = (after: number, extra: Record<string, unknown> = {}) => fake.page(after, extra);

const pull = () => C.admin('POST', `/event-streaming/producers/${producerId}/pull`);
const producer = async () => expectStatus(await C.admin('GET', `/event-streaming/producers/${producerId}`), 'producer').body.data;
const syncLog = async (seq: number) => {
  const all = expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=100'), 'sync logs').body.data as any[];
  return all.find((e) => e.seq === seq);
};
const push: FakeProducer['push'] = (e) => fake.push(e);

beforeAll(async () => {
  fake = await startFakeProducer({ siteId: FAKE_SITE, token: FAKE_TOKEN, approved: [CUSTOMER, ARTICLE], head: HEAD0, epoch: 'fake-epoch' });
  // No cron pull: every pull of this file is an explicit "Pull now".
  C = await startSite({
    name: 'hostile-consumer',
    env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *', EVENT_STREAMING_MAX_BACKFILL_PAGES: '20' },
  });
  producerId = await fake.attach(C, [CUSTOMER, ARTICLE]);
  const created = expectStatus(await C.admin('GET', `/event-streaming/producers/${producerId}`), 'Event Producer on the fake').body.data;
  expect(created).toMatchObject({ producerSiteId: FAKE_SITE, lastPulledSeq: HEAD0 });
  expect(created.subscriptions.map((s: any) => s.status)).toEqual(['Approved', 'Approved']);
});

afterAll(async () => {
  await stopAll();
  await fake.close();
});

test('baseline: a well-formed event applies', async () => {
  const seq = push({
    updateType: 'Create',
    contentType: CUSTOMER,
    documentId: 'goodcustomer000000000001',
    data: { name: 'Good', email: 'good@example.com' },
  });
  expect(expectStatus(await pull(), 'pull').body.data).toMatchObject({ pulled: 1, applied: 1, failed: 0, cursor: seq });
  expect(await getDoc(C, 'customers', 'goodcustomer000000000001')).toMatchObject({ name: 'Good', email: 'good@example.com' });
});

describe('garbage pages: a 400 on Pull now, recorded as lastError, cursor and data unchanged', () => {
  const withPage = (body: (after: number) => unknown) => (res: http.ServerResponse, after: number) => json(res, 200, body(after));
  const GARBAGE: Array<[string, (res: http.ServerResponse, after: number) => void, RegExp]> = [
    [
      'a non-JSON body (HTML)',
      (res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
      },
      /answered GET \/api\/event-streaming\/updates with something that is not JSON/,
    ],
    [
      'truncated JSON',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"siteId": "x", "events": [');
      },
      /something that is not JSON/,
    ],
    ['a JSON list', withPage(() => []), /invalid page: no siteId/],
    ['events not a list', withPage((a) => page(a, { events: { 0: 'x' } })), /invalid page: subscriptions\/events are not lists/],
    [
      'seq as strings',
      withPage((a) =>
        page(a, {
          nextCursor: a + 1,
          events: [{ seq: String(a + 1), updateType: 'Create', contentType: CUSTOMER, documentId: 'x1', data: { name: 'S' } }],
        })
      ),
      /invalid page: event seq \d+ is outside/,
    ],
    ['a negative nextCursor', withPage((a) => page(a, { nextCursor: -1 })), /invalid page: nextCursor is not a non-negative integer/],
    ['the cursor moving backwards', withPage((a) => page(a, { nextCursor: a - 3 })), /invalid page: nextCursor moves backwards/],
    [
      'an event beyond nextCursor',
      withPage((a) =>
        page(a, {
          nextCursor: a,
          events: [{ seq: a + 5, updateType: 'Create', contentType: CUSTOMER, documentId: 'x2', data: { name: 'B' } }],
        })
      ),
      /invalid page: event seq \d+ is outside/,
    ],
    [
      'an unknown updateType',
      withPage((a) =>
        page(a, { nextCursor: a + 1, events: [{ seq: a + 1, updateType: 'DropTable', contentType: CUSTOMER, documentId: 'x3', data: {} }] })
      ),
      /has updateType "DropTable"/,
    ],
    [
      'a 100-character documentId',
      withPage((a) =>
        page(a, {
          nextCursor: a + 1,
          events: [{ seq: a + 1, updateType: 'Create', contentType: CUSTOMER, documentId: 'd'.repeat(100), data: {} }],
        })
      ),
      /lacks contentType\/documentId/,
    ],
    [
      'data that is a string',
      withPage((a) =>
        page(a, {
          nextCursor: a + 1,
          events: [{ seq: a + 1, updateType: 'Create', contentType: CUSTOMER, documentId: 'x4', data: 'DROP TABLE' }],
        })
      ),
      /has bad data/,
    ],
    [
      'aliases with a bad documentId',
      withPage((a) =>
        page(a, {
          nextCursor: a + 1,
          events: [
            {
              seq: a + 1,
              updateType: 'Create',
              contentType: CUSTOMER,
              documentId: 'x5',
              data: {},
              aliases: [{ siteId: 's', documentId: '../x' }],
            },
          ],
        })
      ),
      /has bad aliases/,
    ],
    ['hasMore not a boolean', withPage((a) => page(a, { hasMore: 'yes' })), /hasMore is not a boolean/],
    [
      'a 25 MB answer (over maxResponseBytes, 20 MB)',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': BIG.length });
        res.end(BIG);
      },
      /answered with a response larger than the configured limit/,
    ],
    [
      'a 500 with an error message',
      (res) => json(res, 500, { error: { message: 'database on fire' } }),
      /answered GET \/api\/event-streaming\/updates with 500: database on fire/,
    ],
    [
      'a redirect elsewhere',
      (res) => {
        res.writeHead(302, { location: `${fake.url}/steal-the-token` });
        res.end();
      },
      /with 302.*it redirects to/,
    ],
  ];

  test.each(GARBAGE)('%s', async (_name, answer, message) => {
    const before = await producer();
    const counts = await snapshotCounts(C);
    const customers = await list(C, 'customers');
    fake.onUpdates = answer;
    try {
      expectClientError(await pull(), 400, message, _name);
    } finally {
      fake.onUpdates = null;
    }
    const after = await producer();
    expect(after.lastError).toMatch(message);
    expect(after.lastErrorAt).toBeTruthy();
    expect(after.lastPulledSeq).toBe(before.lastPulledSeq);
    expect(await snapshotCounts(C)).toEqual(counts);
    expect(await list(C, 'customers')).toEqual(customers);
    expect(fake.seen.some((r) => r.path === '/steal-the-token')).toBe(false);
  });

  test('a good page afterwards clears lastError', async () => {
    expect(expectStatus(await pull(), 'pull').body.data.failed).toBe(0);
    expect((await producer()).lastError).toBeNull();
  });
});

describe('events that parse but must not apply', () => {
  test('an event of a type this site did not subscribe to is Failed; nothing of that type is written', async () => {
    const seq = push({
      updateType: 'Create',
      contentType: SUPPLIER,
      documentId: 'injectedsupplier00000001',
      data: { name: 'Injected supplier' },
    });
    expect(expectStatus(await pull(), 'pull').body.data).toMatchObject({ pulled: 1, applied: 0, failed: 1 });
    const entry = await syncLog(seq);
    expect(entry).toMatchObject({ status: 'Failed', updateType: 'Create' });
    expect(entry.error).toMatch(/sent an event of api::supplier\.supplier, which this site does not subscribe to/);
    expect(await list(C, 'suppliers')).toEqual([]);
  });

  test('unknown fields are dropped; wrong value types are Failed with the validation error', async () => {
    const extra = push({
      updateType: 'Create',
      contentType: CUSTOMER,
      documentId: 'extrafields0000000000001',
      data: { name: 'Extra', isAdmin: true, password: 'x', id: 1, createdBy: 1 },
    });
    const badTypes = push({
      updateType: 'Create',
      contentType: CUSTOMER,
      documentId: 'badtypes0000000000000001',
      data: { name: { $gt: '' }, email: 12345 },
    });
    const badUpdate = push({
      updateType: 'Update',
      contentType: CUSTOMER,
      documentId: 'goodcustomer000000000001',
      data: { email: ['not', 'an', 'email'] },
    });
    expect(expectStatus(await pull(), 'pull').body.data).toMatchObject({ pulled: 3, applied: 1, failed: 2 });
    expect((await syncLog(extra)).status).toBe('Synced');
    const doc = await getDoc(C, 'customers', 'extrafields0000000000001');
    expect(doc.name).toBe('Extra');
    expect(doc).not.toHaveProperty('isAdmin');
    expect(doc).not.toHaveProperty('password');
    for (const seq of [badTypes, badUpdate]) {
      const entry = await syncLog(seq);
      expect(entry.status).toBe('Failed');
      expect(entry.error).toMatch(/must be|invalid|valid/i);
    }
    expect(await getDoc(C, 'customers', 'badtypes0000000000000001')).toBeNull();
    expect(await getDoc(C, 'customers', 'goodcustomer000000000001')).toMatchObject({ name: 'Good', email: 'good@example.com' });
  });

  test('a dynamic-zone entry with a component not allowed there is Failed; no article is written', async () => {
    const wrong = push({
      updateType: 'Create',
      contentType: ARTICLE,
      documentId: 'dzwrongcomponent00000001',
      locale: 'en',
      data: { title: 'DZ', blocks: [{ __component: 'invoice.line', qty: 1 }] },
    });
    const unknown = push({
      updateType: 'Create',
      contentType: ARTICLE,
      documentId: 'dzunknowncomponent000001',
      locale: 'en',
      data: { title: 'DZ2', blocks: [{ __component: '../../evil', x: 1 }] },
    });
    const notList = push({
      updateType: 'Create',
      contentType: ARTICLE,
      documentId: 'dznotalist00000000000001',
      locale: 'en',
      data: { title: 'DZ3', blocks: { __component: 'content.text', text: 'x' } },
    });
    expect(expectStatus(await pull(), 'pull').body.data).toMatchObject({ pulled: 3, applied: 0, failed: 3 });
    for (const seq of [wrong, unknown])
      expect((await syncLog(seq)).error).toMatch(/api::article\.article\.blocks holds a component this site does not allow there/);
    expect((await syncLog(notList)).error).toMatch(/blocks must be a list of dynamic zone entries/);
    expect(await list(C, 'articles', '&locale=*&status=draft')).toEqual([]);
  });

  test('a reference hidden in a field the local type does not have fetches and writes nothing', async () => {
    fake.publish(SUPPLIER, 'hiddensupplier0000000001', { name: 'Smuggled supplier' });
    const seq = push({
      updateType: 'Create',
      contentType: CUSTOMER,
      documentId: 'carrier00000000000000001',
      data: { name: 'Carrier', smuggled: { __ref: SUPPLIER, documentId: 'hiddensupplier0000000001' } },
    });
    await pull();
    expect((await syncLog(seq)).status).toBe('Synced');
    expect(await getDoc(C, 'customers', 'carrier00000000000000001')).toMatchObject({ name: 'Carrier' });
    expect(await list(C, 'suppliers')).toEqual([]);
    expect(fake.seen.some((r) => r.path.includes('hiddensupplier'))).toBe(false);
  });

  test("the consumer's documents are intact and nothing exists outside the subscribed types", async () => {
    expect(await getDoc(C, 'customers', 'goodcustomer000000000001')).toMatchObject({ name: 'Good', email: 'good@example.com' });
    expect((await list(C, 'customers')).map((c) => c.name).sort()).toEqual(['Carrier', 'Extra', 'Good']);
    for (const plural of ['suppliers', 'items', 'contacts', 'notes']) expect(await list(C, plural)).toEqual([]);
    expect(await list(C, 'sales-invoices', '&status=draft')).toEqual([]);
    expect(await list(C, 'articles', '&locale=*&status=draft')).toEqual([]);
    // Every request the consumer made went to the producer's API with the producer's token.
    expect(fake.seen.every((r) => r.auth === `Bearer ${FAKE_TOKEN}` && r.path.startsWith('/api/event-streaming/'))).toBe(true);
  });

  test("an alias naming one of this site's own documents it streams to nobody takes nothing over (Use Same Name off)", async () => {
    const local = expectStatus(await C.api('POST', '/articles', { data: { title: 'Local only' } }), 'local article').body.data;
    const ep = await producer();
    expectStatus(
      await C.admin('PUT', `/event-streaming/producers/${producerId}`, {
        producerUrl: ep.producerUrl,
        subscriptions: ep.subscriptions.map(({ status, ...sub }: any) =>
          sub.contentType === ARTICLE ? { ...sub, useSameName: false } : sub
        ),
      }),
      'Use Same Name off for articles'
    );
    const siteId = expectStatus(await C.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
    const seq = push({
      updateType: 'Create',
      contentType: ARTICLE,
      documentId: 'aliasattack0000000000001',
      locale: 'en',
      data: { title: 'Taken over' },
      aliases: [{ siteId, documentId: local.documentId }],
    });
    await pull();
    expect((await syncLog(seq)).status).toBe('Synced');
    // The local article is untouched; the producer's document arrived as a copy of its own.
    expect(await getDoc(C, 'articles', local.documentId, '?status=draft')).toMatchObject({ title: 'Local only' });
    const titles = (await list(C, 'articles', '&locale=*&status=draft')).map((a) => a.title).sort();
    expect(titles).toEqual(['Local only', 'Taken over']);
  });
});

describe('back-fill from a hostile producer', () => {
  const backfill = () => C.admin('POST', `/event-streaming/producers/${producerId}/backfill`, { contentType: CUSTOMER });

  test.each([
    [
      'a listing whose nextCursor does not move (an endless back-fill)',
      { headSeq: 1, contentType: CUSTOMER, documents: [], nextCursor: 0 },
      /nextCursor does not move forward/,
    ],
    [
      'a listing with a negative headSeq',
      { headSeq: -1, contentType: CUSTOMER, documents: [], nextCursor: null },
      /headSeq is not a non-negative integer/,
    ],
    [
      'a document without a valid documentId',
      { headSeq: 1, contentType: CUSTOMER, documents: [{ documentId: '../../etc' }], nextCursor: null },
      /no valid documentId/,
    ],
    [
      'a document whose data is a list',
      { headSeq: 1, contentType: CUSTOMER, documents: [{ documentId: 'listdata0000000000000001', data: [1] }], nextCursor: null },
      /bad data/,
    ],
  ])('%s: refused with a 4xx naming the fault, nothing written', async (_name, answer, message) => {
    const before = await list(C, 'customers');
    fake.onListing = (res) => json(res, 200, answer);
    const res = await backfill();
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(await list(C, 'customers')).toEqual(before);
  });

  test('a listing with data is applied from the listing (no fetch per document); unknown fields are dropped', async () => {
    const before = fake.seen.length;
    fake.onListing = (res, after) =>
      json(
        res,
        200,
        after === 0
          ? {
              headSeq: head(),
              contentType: CUSTOMER,
              documents: [
                { documentId: 'listed000000000000000001', locale: null, data: { name: 'Listed', email: 'listed@example.com', ghost: 1 } },
              ],
              nextCursor: 7,
            }
          : {
              headSeq: head(),
              contentType: CUSTOMER,
              documents: [{ documentId: 'listed000000000000000002', locale: null, data: { name: 'Listed 2' } }],
              nextCursor: null,
            }
      );
    const res = expectStatus(await backfill(), 'backfill').body.data;
    expect(res).toMatchObject({ copied: 2, failed: 0 });
    expect(await getDoc(C, 'customers', 'listed000000000000000001')).toMatchObject({ name: 'Listed', email: 'listed@example.com' });
    expect(await getDoc(C, 'customers', 'listed000000000000000002')).toMatchObject({ name: 'Listed 2' });
    // (the back-fill's reconciling sweep asks with documentIds afterwards: not a listing page)
    expect(
      fake.seen
        .slice(before)
        .filter((r) => !r.query.has('documentIds'))
        .map((r) => r.path)
    ).toEqual(Array(2).fill(`/api/event-streaming/documents/${CUSTOMER}`));
  });

  test('an interrupted back-fill resumes after the last completed page', async () => {
    const asked: number[] = [];
    let failSecond = true;
    const doc = (n: number) => ({ documentId: `resume00000000000000000${n}`, locale: null, data: { name: `Resume ${n}` } });
    fake.onListing = (res, after) => {
      asked.push(after);
      if (after === 0) return json(res, 200, { headSeq: head(), contentType: CUSTOMER, documents: [doc(1)], nextCursor: 11 });
      if (failSecond) return json(res, 503, { error: { message: 'producer restarting' } });
      return json(res, 200, { headSeq: head(), contentType: CUSTOMER, documents: [doc(2)], nextCursor: null });
    };
    const broken = await backfill();
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/503|producer restarting/);
    expect(await getDoc(C, 'customers', doc(1).documentId)).toMatchObject({ name: 'Resume 1' });
    expect(await getDoc(C, 'customers', doc(2).documentId)).toBeNull();

    failSecond = false;
    const res = expectStatus(await backfill(), 'backfill resumed').body.data;
    // The first page is not asked for again: the run starts after its cursor.
    expect(asked).toEqual([0, 11, 11]);
    expect(res).toMatchObject({ copied: 1, failed: 0 });
    expect(await getDoc(C, 'customers', doc(2).documentId)).toMatchObject({ name: 'Resume 2' });
    // Complete: the next run starts from the beginning again.
    asked.length = 0;
    expectStatus(await backfill(), 'backfill from the start');
    expect(asked).toEqual([0, 11]);
  });

  test('a producer that keeps answering with a next page: the back-fill stops after maxBackfillPages with a clear error', async () => {
    const asked: number[] = [];
    fake.onListing = (res, after) => {
      asked.push(after);
      return json(res, 200, { headSeq: head(), contentType: CUSTOMER, documents: [], nextCursor: after + 1 });
    };
    const res = await backfill();
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Back-fill of api::customer\.customer stopped after 20 pages \(config maxBackfillPages\)/);
    expect(asked.length).toBe(20);
    fake.onListing = null;
  });
});
