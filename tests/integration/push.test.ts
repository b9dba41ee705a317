/**
 * Issue 15 point 5: push mode. A producer the consumer cannot call (its "producer URL" on the
 * consumer is an address that counts connections: none may arrive) connects to the consumer and
 * pushes pages of its stream through a relay standing for its uplink: registration and approval,
 * create / update / delete with a dependency and a media file, an offline stretch while edits
 * pile up and the catch-up after, a push whose answer was lost (retried: no duplicate) and a
 * replayed push (stale: nothing applied).
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, list, syncLogs } from '../helpers/streaming';
import { blackHole, linkPush, pushNow, relay, type PushLink } from '../helpers/push';
import { CUSTOMER, ITEM } from '../helpers/uids';
import { CONSUMER_URL_MESSAGE, PUSH_TOKEN_MESSAGE } from '../../server/src/shared/validation/push';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let producer: Site;
let consumer: Site;
let hole: Awaited<ReturnType<typeof blackHole>>;
let uplink: Awaited<ReturnType<typeof relay>>;
let l: PushLink;

async function upload(site: Site, name: string): Promise<number> {
  const form = new FormData();
  form.append('files', new Blob([PNG], { type: 'image/png' }), name);
  return expectStatus(await site.request('POST', '/api/upload', form, { token: site.fullAccessToken }), 'upload').body[0].id;
}

const producerRow = async () =>
  expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;

/** Pushes until `check` holds (a push may be running already: Push now joins it). */
const pushedUntil = <T>(check: () => Promise<T | null | undefined | false>, what: string) =>
  eventually(async () => {
    await pushNow(l);
    return check();
  }, what);

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'push-producer' }, { name: 'push-consumer' }]);
  hole = await blackHole();
  uplink = await relay(consumer.url);
});

afterAll(async () => {
  await stopAll();
  await uplink?.close();
  await hole?.close();
});

test('handshake with producer-to-consumer connections only: the consumer mints a push token, the producer connects', async () => {
  l = await linkPush(producer, consumer, [{ contentType: ITEM }, { contentType: CUSTOMER }], {
    producerUrl: hole.url,
    consumerUrl: uplink.url,
  });
  expect(l.pushToken).toMatch(/^[\x21-\x7e]{8,}$/);
  const ep = await producerRow();
  expect(ep).toMatchObject({ mode: 'push', producerUrl: hole.url });
  expect(ep.pushToken).toBeUndefined(); // shown once, on create
  expect(JSON.stringify(ep)).not.toContain(l.pushToken);
  const site = expectStatus(await producer.admin('GET', '/event-streaming/site'), 'site').body.data;
  expect(ep.producerSiteId).toBe(site.siteId);
  const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'consumer').body.data;
  expect(ec.mode).toBe('push');
  expect(ec.subscriptions.map((s: any) => [s.contentType, s.status])).toEqual([
    [ITEM, 'Pending'],
    [CUSTOMER, 'Pending'],
  ]);
  // The push token allows pushing, nothing else: not the consumer's content, not its pull routes.
  expect((await consumer.request('GET', '/api/customers', undefined, { token: l.pushToken })).status).toBe(403);
  expect(
    (await consumer.request('POST', '/api/event-streaming/push', { siteId: 'someone-else', name: 'x' }, { token: l.pushToken })).status
  ).toBe(403);
});

test('nothing streams while Pending; approval reaches the consumer by a push', async () => {
  const pending = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Pending Pat' } }), 'create').body.data;
  expectStatus(await pushNow(l), 'push now');
  expect(await getDoc(consumer, 'customers', pending.documentId)).toBeNull();
  expectStatus(
    await producer.admin('PUT', `/event-streaming/consumers/${l.consumerId}/subscriptions`, {
      subscriptions: [
        { contentType: ITEM, status: 'Approved' },
        { contentType: CUSTOMER, status: 'Approved' },
      ],
    }),
    'approve'
  );
  await pushedUntil(async () => (await producerRow()).subscriptions.every((s: any) => s.status === 'Approved'), 'consumer sees Approved');
});

test('create, update, delete stream by pushes, with a dependency and a media file the consumer asked for', async () => {
  const imageId = await upload(producer, 'crate.png');
  const supplier = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'Crates Ltd' } }), 'supplier').body.data;
  const item = expectStatus(
    await producer.api('POST', '/items', { data: { name: 'Crate', sku: 'CR-1', price: 3, supplier: supplier.documentId, image: imageId } }),
    'item'
  ).body.data;
  const populate = '?populate[supplier]=true&populate[image]=true';
  const local = await pushedUntil(() => getDoc(consumer, 'items', item.documentId, populate), 'item on consumer');
  expect(local).toMatchObject({ name: 'Crate', sku: 'CR-1' });
  expect(local.supplier).toMatchObject({ documentId: supplier.documentId, name: 'Crates Ltd' });
  expect(local.image).toMatchObject({ name: 'crate.png', mime: 'image/png' });
  const bytes = await consumer.request('GET', local.image.url);
  expect(bytes.status).toBe(200);
  // Byte for byte the producer's stored file (its upload plugin may have optimised the PNG).
  const theirs = (await producer.request('GET', '/api/upload/files', undefined, { token: producer.fullAccessToken })).body.find(
    (f: any) => f.id === imageId
  );
  const original = await producer.request('GET', theirs.url);
  expect(bytes.headers['content-length']).toBe(original.headers['content-length']);
  expect(bytes.text).toBe(original.text);

  expectStatus(await producer.api('PUT', `/items/${item.documentId}`, { data: { price: 4.5 } }), 'update');
  await pushedUntil(async () => Number((await getDoc(consumer, 'items', item.documentId))?.price) === 4.5, 'update on consumer');

  const gone = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Short Lived' } }), 'create').body.data;
  await pushedUntil(() => getDoc(consumer, 'customers', gone.documentId), 'customer on consumer');
  expectStatus(await producer.api('DELETE', `/customers/${gone.documentId}`), 'delete');
  await pushedUntil(async () => (await getDoc(consumer, 'customers', gone.documentId)) === null, 'delete on consumer');
});

test('offline while edits pile up: nothing arrives; back online, it catches up from the consumer cursor', async () => {
  uplink.state.mode = 'down';
  const names = Array.from({ length: 12 }, (_, i) => `Offline ${i}`);
  const created = [];
  for (const name of names) created.push(expectStatus(await producer.api('POST', '/customers', { data: { name } }), 'create').body.data);
  expectStatus(await producer.api('PUT', `/customers/${created[0].documentId}`, { data: { name: 'Offline 0 (renamed)' } }), 'update');
  expectStatus(await producer.api('DELETE', `/customers/${created[1].documentId}`), 'delete');
  // Last on the page, an item whose new supplier the consumer lacks: the events before it apply first.
  const supplier = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'Offline Supplies' } }), 'supplier').body.data;
  const item = expectStatus(
    await producer.api('POST', '/items', { data: { name: 'Offline item', sku: 'OFF-1', supplier: supplier.documentId } }),
    'item'
  ).body.data;
  const failed = await pushNow(l);
  expect(failed.status).toBeGreaterThanOrEqual(400);
  const cursorWhileOffline = (await producerRow()).lastPulledSeq;
  expect((await list(consumer, 'customers')).filter((c) => c.name.startsWith('Offline'))).toEqual([]);

  uplink.state.mode = 'up';
  const arrived = await pushedUntil(async () => {
    const here = (await list(consumer, 'customers')).filter((c) => c.name.startsWith('Offline'));
    return here.length === names.length - 1 ? here : null;
  }, 'the piled-up edits arrive');
  expect(arrived.map((c) => c.name).sort()).toEqual(['Offline 0 (renamed)', ...names.slice(2)].sort());
  const local = await pushedUntil(() => getDoc(consumer, 'items', item.documentId, '?populate[supplier]=true'), 'the offline item');
  expect(local.supplier).toMatchObject({ documentId: supplier.documentId, name: 'Offline Supplies' });
  expect((await producerRow()).lastPulledSeq).toBeGreaterThan(cursorWhileOffline);
});

test('the consumer stopped while the producer edits (an update needing a file it lacks included): restarted, it catches up', async () => {
  await consumer.stop();
  const imageId = await upload(producer, 'late.png');
  const item = expectStatus(await producer.api('POST', '/items', { data: { name: 'Late', sku: 'LATE-1', image: imageId } }), 'item').body
    .data;
  const customers = [];
  for (let i = 0; i < 5; i += 1)
    customers.push(expectStatus(await producer.api('POST', '/customers', { data: { name: `While stopped ${i}` } }), 'create').body.data);
  expect((await pushNow(l)).status).toBeGreaterThanOrEqual(400);
  await consumer.restart();
  const local = await pushedUntil(() => getDoc(consumer, 'items', item.documentId, '?populate[image]=true'), 'the item after restart');
  expect(local.image).toMatchObject({ name: 'late.png' });
  await pushedUntil(async () => {
    const here = (await list(consumer, 'customers')).filter((c) => c.name.startsWith('While stopped'));
    return here.length === customers.length;
  }, 'the customers after restart');
});

test('a push whose answer was lost is pushed again without duplicating; a replayed push is stale and changes nothing', async () => {
  uplink.state.mode = 'lose-next-answer';
  const lost = uplink.state.lost;
  const doc = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Exactly Once' } }), 'create').body.data;
  await eventually(async () => {
    await pushNow(l);
    return uplink.state.lost > lost;
  }, 'a lost answer');
  await pushedUntil(() => getDoc(consumer, 'customers', doc.documentId), 'the customer on the consumer');
  const copies = (await list(consumer, 'customers')).filter((c) => c.name === 'Exactly Once');
  expect(copies).toHaveLength(1);
  const entries = (await syncLogs(consumer)).data.filter((e: any) => e.remoteDocumentId === doc.documentId);
  expect(entries.map((e: any) => e.status)).toEqual(['Synced']);

  // Replay the last page pushed (a retry arriving late): answered with the cursor, nothing applied.
  const lastPage = [...uplink.state.pushes].reverse().find((b) => JSON.parse(b).page?.events?.length > 0);
  expect(lastPage).toBeDefined();
  const before = (await syncLogs(consumer)).data.length;
  const replay = expectStatus(
    await consumer.request('POST', '/api/event-streaming/push', JSON.parse(lastPage!), { token: l.pushToken }),
    'replayed push'
  ).body;
  expect(replay.stale).toBe(true);
  expect(replay.cursor).toBe((await producerRow()).lastPulledSeq);
  expect((await syncLogs(consumer)).data.length).toBe(before);
});

test('a failed event is retried during pushes: Resync waits for the next push, which brings what it needs', async () => {
  // A local item holds the SKU of the producer's next item: its create fails (unique) here.
  const mine = expectStatus(await consumer.api('POST', '/items', { data: { name: 'Local', sku: 'DUP-1' } }), 'local item').body.data;
  const theirs = expectStatus(await producer.api('POST', '/items', { data: { name: 'Theirs', sku: 'DUP-1' } }), 'item').body.data;
  const failed = await pushedUntil(
    async () => (await syncLogs(consumer, '&status=Failed')).data.find((e: any) => e.remoteDocumentId === theirs.documentId),
    'the Failed entry'
  );
  expect(failed.error).toMatch(/unique/);
  // The cause fixed here, Resync: the producer is not called; the entry waits for the next push.
  expectStatus(await consumer.api('DELETE', `/items/${mine.documentId}`), 'delete the local item');
  const waiting = expectStatus(await consumer.admin('POST', `/event-streaming/sync-logs/${failed.id}/resync`), 'resync').body.data;
  expect(waiting).toMatchObject({ status: 'Failed' });
  expect(waiting.error).toMatch(/next push/);
  await pushedUntil(async () => (await getDoc(consumer, 'items', theirs.documentId))?.name === 'Theirs', 'the item after the retry');
  const entry = (await syncLogs(consumer)).data.find((e: any) => e.id === failed.id);
  expect(entry.status).toBe('Synced');
});

test('the consumer never called the producer; pull and back-fill refuse a push-mode producer', async () => {
  const pulled = expectStatus(await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`), 'pull now').body.data;
  expect(pulled).toMatchObject({ pulled: 0 });
  expect(hole.connections()).toBe(0);
});

test("connecting a push consumer checks its body with the admin form's schema: a 400 with the same messages", async () => {
  const connect = (body: unknown) => producer.admin('POST', '/event-streaming/consumers/push', body);
  const cases: Array<[unknown, string | RegExp]> = [
    [{ consumerUrl: 'ftp://branch.example.com', token: 'a'.repeat(64) }, CONSUMER_URL_MESSAGE],
    [{ consumerUrl: uplink.url, token: 'has a space' }, PUSH_TOKEN_MESSAGE],
    [{ consumerUrl: uplink.url }, PUSH_TOKEN_MESSAGE],
    [{ consumerUrl: uplink.url, token: 'a'.repeat(64), extra: 1 }, /^Unknown field\(s\): extra$/],
  ];
  for (const [body, message] of cases) {
    const res = expectStatus(await connect(body), `connect ${JSON.stringify(body)}`, 400);
    if (typeof message === 'string') expect(res.body.error.message).toBe(message);
    else expect(res.body.error.message).toMatch(message);
  }
});
