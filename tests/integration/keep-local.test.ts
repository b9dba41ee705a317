/**
 * Issue 15 point 3, "fields kept local": per subscription, local fields the stream fills on create
 * and never overwrites afterwards — a branch's own price, a field inside a (single) component, a
 * field of a mapped type — through ten producer updates, a resync and a back-fill. Paths are
 * checked against the consumer's schema when the subscription is saved.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { STREAM_PERMISSIONS, eventually, getDoc, link, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { CONTACT, CUSTOMER, ITEM } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

// No cron pull during the test: each pull is made here, so the resync and the back-fill below
// are what brings the producer's last changes.
const CONSUMER_ENV = { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' };

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'keep-producer' }, { name: 'keep-consumer', env: CONSUMER_ENV }]);
  expectStatus(
    await consumer.admin('POST', '/event-streaming/mappings', {
      mappingName: 'customer-to-contact',
      localContentType: CONTACT,
      remoteContentType: CUSTOMER,
      fieldMappings: [
        { localField: 'fullName', remoteField: 'name' },
        { localField: 'contactEmail', remoteField: 'email' },
      ],
    }),
    'create mapping',
    201
  );
}, 300_000);

afterAll(() => stopAll());

const ITEM_SEO = '?populate=seo';
/** The consumer's item, its decimal price as a number (PostgreSQL returns numerics as text). */
const item = async (id: string) => {
  const doc = await getDoc(consumer, 'items', id, ITEM_SEO);
  return doc && { ...doc, price: doc.price === null ? null : Number(doc.price) };
};

test('kept-local paths are checked against the local schema: 400 naming the bad path', async () => {
  const token = await producer.createApiToken({ name: `keep-bad-${Date.now()}`, type: 'custom', permissions: STREAM_PERMISSIONS });
  const post = (keepLocal: unknown, contentType = ITEM) =>
    consumer.admin('POST', '/event-streaming/producers', {
      producerUrl: producer.url,
      apiToken: token.accessKey,
      subscriptions: [{ contentType, keepLocal }],
    });
  const cases: Array<[unknown, string]> = [
    [['cost'], `subscriptions[0].keepLocal: "cost": ${ITEM} has no field "cost"`],
    [['seo.nope'], `"seo.nope": ${ITEM}.seo has no field "nope"`],
    [['price.x'], `"price.x": ${ITEM}.price is not a component`],
    [['price', 'price'], '"price" is listed twice'],
    [['a b'], 'subscriptions[0].keepLocal[0] must be a local field path like price or seo.metaTitle'],
    ['price', 'subscriptions[0].keepLocal must be a list'],
  ];
  for (const [keepLocal, message] of cases) {
    const res = await post(keepLocal);
    expect({ keepLocal, status: res.status }).toEqual({ keepLocal, status: 400 });
    expect(res.body.error.message).toContain(message);
  }
  const zone = await post(['blocks.body'], 'api::article.article');
  expect(zone.status).toBe(400);
  expect(zone.body.error.message).toContain('is a dynamic zone; keep the whole field "blocks" local instead');
  // Nothing was saved by the refused requests.
  expect(expectStatus(await consumer.admin('GET', '/event-streaming/producers'), 'producers').body.data).toEqual([]);
});

test('the subscription is saved with its kept-local fields', async () => {
  l = await link(
    producer,
    consumer,
    [
      { contentType: ITEM, useSameName: true, keepLocal: ['price', 'seo.metaTitle'] },
      {
        contentType: CONTACT,
        remoteContentType: CUSTOMER,
        useSameName: false,
        mapping: 'customer-to-contact',
        keepLocal: ['contactEmail'],
      },
    ] as never,
    { pullOnly: true }
  );
  await setStatus(l, { [ITEM]: 'Approved', [CUSTOMER]: 'Approved' });
  const saved = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(saved.subscriptions.map((s: { keepLocal?: string[] }) => s.keepLocal)).toEqual([['price', 'seo.metaTitle'], ['contactEmail']]);
});

test('a kept-local price and seo.metaTitle: filled on create, then survive ten updates, a resync and a back-fill', async () => {
  const created = expectStatus(
    await producer.api('POST', '/items', {
      data: { name: 'Lamp 0', sku: `lamp-${Date.now()}`, price: 10, seo: { metaTitle: 'Lamp', metaDescription: 'desc 0' } },
    }),
    'create item',
    201
  ).body.data;
  const id: string = created.documentId;
  await pullNow(l);
  // Creates fill the kept-local fields.
  expect(await item(id)).toMatchObject({ name: 'Lamp 0', price: 10, seo: { metaTitle: 'Lamp', metaDescription: 'desc 0' } });

  // The branch sets its own price and title.
  expectStatus(
    await consumer.api('PUT', `/items/${id}`, { data: { price: 7.5, seo: { metaTitle: 'Branch lamp', metaDescription: 'desc 0' } } }),
    'local edit'
  );

  for (let i = 1; i <= 10; i += 1) {
    expectStatus(
      await producer.api('PUT', `/items/${id}`, {
        data: { name: `Lamp ${i}`, price: 10 + i, seo: { metaTitle: `Lamp v${i}`, metaDescription: `desc ${i}` } },
      }),
      `producer update ${i}`
    );
  }
  const pulled = await pullNow(l);
  expect(pulled.failed).toBe(0);
  expect(await item(id)).toMatchObject({ name: 'Lamp 10', price: 7.5, seo: { metaTitle: 'Branch lamp', metaDescription: 'desc 10' } });

  // Resync (an older Synced row of the document): brings the producer's newer state, not the price.
  expectStatus(
    await producer.api('PUT', `/items/${id}`, {
      data: { name: 'Lamp 11', price: 99, seo: { metaTitle: 'T', metaDescription: 'desc 11' } },
    }),
    'update 11'
  );
  const rows = (await syncLogs(consumer, `&contentType=${ITEM}`)).data.filter(
    (r: { remoteDocumentId: string }) => r.remoteDocumentId === id
  );
  expect(rows.length).toBeGreaterThanOrEqual(11);
  expectStatus(await consumer.admin('POST', `/event-streaming/sync-logs/${rows[0].id}/resync`), 'resync');
  expect(await item(id)).toMatchObject({ name: 'Lamp 11', price: 7.5, seo: { metaTitle: 'Branch lamp', metaDescription: 'desc 11' } });

  // Back-fill (re-copy of the whole type) goes through the same apply path.
  expectStatus(
    await producer.api('PUT', `/items/${id}`, {
      data: { name: 'Lamp 12', price: 98, seo: { metaTitle: 'T2', metaDescription: 'desc 12' } },
    }),
    'update 12'
  );
  const backfill = expectStatus(
    await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, { contentType: ITEM }),
    'back-fill'
  ).body.data;
  expect(backfill.failed).toBe(0);
  expect(await item(id)).toMatchObject({ name: 'Lamp 12', price: 7.5, seo: { metaTitle: 'Branch lamp', metaDescription: 'desc 12' } });

  // The side panel's data names the kept-local fields.
  const origin = expectStatus(
    await consumer.admin('GET', `/event-streaming/documents/origin?contentType=${ITEM}&documentId=${id}`),
    'origin'
  ).body.data;
  expect(origin.references[0]).toMatchObject({ remoteDocumentId: id, keepLocal: ['price', 'seo.metaTitle'] });
});

test('a mapped type (Use Same Name off) keeps its local field, named after mapping', async () => {
  const created = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Ada', email: 'ada@example.com' } }),
    'customer',
    201
  ).body.data;
  await pullNow(l);
  const local = await eventually(async () => {
    const rows = expectStatus(await consumer.api('GET', '/contacts?filters[fullName][$eq]=Ada'), 'contacts').body.data;
    return rows[0];
  }, 'the mapped contact');
  expect(local.documentId).not.toBe(created.documentId);
  // Created: the kept-local field is filled from the stream (through the mapping).
  expect(local.contactEmail).toBe('ada@example.com');
  expectStatus(await consumer.api('PUT', `/contacts/${local.documentId}`, { data: { contactEmail: 'ada@branch.example' } }), 'local edit');
  for (let i = 1; i <= 3; i += 1)
    expectStatus(
      await producer.api('PUT', `/customers/${created.documentId}`, { data: { name: `Ada ${i}`, email: `ada${i}@example.com` } }),
      'update'
    );
  await pullNow(l);
  expect(await getDoc(consumer, 'contacts', local.documentId)).toMatchObject({
    fullName: 'Ada 3',
    contactEmail: 'ada@branch.example',
  });
});
