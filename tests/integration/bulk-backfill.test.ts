/**
 * Bulk back-fill (config `bulkBackfill`, issue 17): a page's plain documents inserted with one
 * statement. Two consumers of one producer back-fill the same documents, one in bulk and one
 * through the Document Service; what they hold afterwards, and what streams next, must be the same.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';

const CUSTOMER = 'api::customer.customer';
const ITEM = 'api::item.item';
const NOTE = 'api::note.note';
const SUPPLIER = 'api::supplier.supplier';
const tag = `bulk-${Date.now().toString(36)}`;

let producer: Site;
let bulk: Site; // bulkBackfill on
let plain: Site; // bulkBackfill off (the default)
let downstream: Site;
let lb: Link;
let lp: Link;

const cmDoc = async (site: Site, uid: string, documentId: string) =>
  expectStatus(await site.admin('GET', `/content-manager/collection-types/${uid}/${documentId}`), `content-manager ${documentId}`).body
    .data;
const backfill = async (l: Link, contentType: string) =>
  expectStatus(await l.consumer.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, { contentType }), 'backfill').body
    .data as { copied: number; bulk: number; failed: number; failures: string[] };
/** Adds `contentType` (Use Same Name, no back-fill on approval) to the bulk consumer's subscriptions, Approved. */
const subscribeBulk = async (contentType: string) => {
  const ep = expectStatus(await bulk.admin('GET', `/event-streaming/producers/${lb.producerId}`), 'producer').body.data;
  expectStatus(
    await bulk.admin('PUT', `/event-streaming/producers/${lb.producerId}`, {
      producerUrl: ep.producerUrl,
      subscriptions: [...ep.subscriptions.map(({ status, ...s }: any) => s), { contentType, useSameName: true }],
      backfillOnApproval: false,
    }),
    `subscribe to ${contentType}`
  );
  await setStatus(lb, { [contentType]: 'Approved' });
  await pullNow(lb);
};
const fields = (d: any) => d && { documentId: d.documentId, name: d.name, email: d.email, sku: d.sku, price: d.price, specs: d.specs };

beforeAll(async () => {
  [producer, bulk, plain, downstream] = await startSites([
    { name: 'bulk-producer' },
    // Pages of 7: a back-fill of 30 documents is several pages, each its own insert.
    { name: 'bulk-consumer', env: { EVENT_STREAMING_BULK_BACKFILL: 'true', EVENT_STREAMING_PAGE_SIZE: '7' } },
    { name: 'bulk-plain', env: { EVENT_STREAMING_PAGE_SIZE: '7' } },
    { name: 'bulk-downstream' },
  ]);
  // Seeded before any consumer is approved: only a back-fill can bring these.
  for (let i = 0; i < 20; i += 1) {
    const data = { name: `${tag} customer ${i}`, ...(i % 3 ? { email: `c${i}@example.com` } : {}) };
    expectStatus(await producer.api('POST', '/customers', { data }), `customer ${i}`, 201);
  }
  const supplier = expectStatus(await producer.api('POST', '/suppliers', { data: { name: `${tag} supplier` } }), 'supplier', 201).body.data;
  for (let i = 0; i < 10; i += 1) {
    // Plain items, one with JSON specs and two with a supplier (those go one by one), one whose SKU is taken on both consumers.
    const data: Record<string, unknown> = { name: `${tag} item ${i}`, sku: i === 9 ? `${tag}-taken` : `${tag}-${i}`, price: i + 0.5 };
    if (i === 3) data.specs = { size: 'M' };
    if (i === 4 || i === 5) data.supplier = supplier.documentId;
    expectStatus(await producer.api('POST', '/items', { data }), `item ${i}`, 201);
  }
  for (const site of [bulk, plain])
    expectStatus(await site.api('POST', '/items', { data: { name: 'local', sku: `${tag}-taken` } }), 'local item with the SKU', 201);
  // Items without Use Same Name: each site names its copies itself.
  const subscriptions = [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: ITEM, useSameName: false },
  ];
  lb = await link(producer, bulk, subscriptions, { pullOnly: true });
  lp = await link(producer, plain, subscriptions, { pullOnly: true });
  for (const l of [lb, lp]) {
    await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });
    await pullNow(l);
  }
});

afterAll(() => stopAll());

test('a bulk back-fill holds what a per-document back-fill holds: fields, documentIds, creator, failures', async () => {
  const viaBulk = { customers: await backfill(lb, CUSTOMER), items: await backfill(lb, ITEM) };
  const viaPlain = { customers: await backfill(lp, CUSTOMER), items: await backfill(lp, ITEM) };
  // The bulk path took the plain documents; the per-document path the rest.
  expect(viaBulk.customers).toMatchObject({ copied: 20, bulk: 20, failed: 0 });
  expect(viaBulk.items.bulk).toBe(6); // not: the JSON one, the two with a supplier, the taken SKU
  expect(viaPlain.customers).toMatchObject({ copied: 20, bulk: 0, failed: 0 });
  expect(viaPlain.items.bulk).toBe(0);
  for (const r of [viaBulk.items, viaPlain.items]) {
    expect(r).toMatchObject({ copied: 9, failed: 1 });
    expect(r.failures[0]).toMatch(/unique/i);
  }
  for (const plural of ['customers', 'items']) {
    const shape = (d: any) => (plural === 'items' ? { ...fields(d), documentId: undefined } : fields(d));
    const want = (await list(producer, plural, `&filters[name][$startsWith]=${tag}&sort=name`)).map(shape);
    const gotBulk = (await list(bulk, plural, `&filters[name][$startsWith]=${tag}&sort=name`)).map(shape);
    const gotPlain = (await list(plain, plural, `&filters[name][$startsWith]=${tag}&sort=name`)).map(shape);
    const copied = want.filter((d) => d.sku !== `${tag}-taken`);
    expect(gotBulk).toEqual(copied);
    expect(gotPlain).toEqual(copied);
  }
  // The Content Manager names the Event Subscriber (the linking admin) as creator, as for a synced create.
  const one = (await list(producer, 'customers', `&filters[name][$eq]=${tag} customer 1`))[0];
  const [b, p] = [await cmDoc(bulk, CUSTOMER, one.documentId), await cmDoc(plain, CUSTOMER, one.documentId)];
  expect(b.createdBy?.id).toBeDefined();
  expect(b.createdBy?.id).toBe(p.createdBy?.id);
  expect(b.updatedBy?.id).toBe(p.updatedBy?.id);
  expect(b.publishedAt).toBeTruthy();
});

test('what streams after a bulk back-fill applies to its copies: updates, the conflict check, deletes; a second back-fill adds nothing', async () => {
  const [c1, c2] = await list(producer, 'customers', `&filters[name][$startsWith]=${tag}&sort=name`);
  // A local edit of a bulk-copied document is seen as one (its fingerprint was stored with its reference).
  expectStatus(await bulk.api('PUT', `/customers/${c1.documentId}`, { data: { email: 'edited-here@example.com' } }), 'local edit');
  expectStatus(await producer.api('PUT', `/customers/${c1.documentId}`, { data: { name: `${tag} renamed` } }), 'update');
  expectStatus(await producer.api('DELETE', `/customers/${c2.documentId}`), 'delete', 204);
  await pullNow(lb);
  await eventually(async () => (await getDoc(bulk, 'customers', c1.documentId))?.name === `${tag} renamed`, 'update applied');
  expect(await getDoc(bulk, 'customers', c2.documentId)).toBeNull();
  const logs = (await syncLogs(bulk, `&contentType=${CUSTOMER}`)).data as Array<{
    remoteDocumentId: string;
    status: string;
    error: string | null;
  }>;
  const mine = logs.filter((r) => r.remoteDocumentId === c1.documentId);
  expect(mine.some((r) => r.status === 'Synced' && /overwrote local edits/.test(r.error ?? ''))).toBe(true);

  // Without Use Same Name the copy has its own documentId, found again through its reference.
  const item = (await list(producer, 'items', `&filters[sku][$eq]=${tag}-0`))[0];
  const copy = (await list(bulk, 'items', `&filters[sku][$eq]=${tag}-0`))[0];
  expect(copy.documentId).not.toBe(item.documentId);
  expect(copy.documentId).toMatch(/^[a-z0-9]{20,}$/);
  expectStatus(await producer.api('PUT', `/items/${item.documentId}`, { data: { price: 99 } }), 'update item');
  await pullNow(lb);
  await eventually(async () => Number((await getDoc(bulk, 'items', copy.documentId))?.price) === 99, 'item update applied');
  expect((await list(bulk, 'items', `&filters[sku][$eq]=${tag}-0`)).length).toBe(1);

  const again = await backfill(lb, CUSTOMER);
  expect(again).toMatchObject({ bulk: 0, failed: 0 });
  expect((await list(bulk, 'customers', `&filters[name][$startsWith]=${tag}`)).length).toBe(19);
});

test('a type this site streams on is never bulk-copied: its own consumers get every back-filled document', async () => {
  for (let i = 0; i < 5; i += 1) expectStatus(await producer.api('POST', '/notes', { data: { text: `${tag} note ${i}` } }), 'note', 201);
  const down = await link(bulk, downstream, [{ contentType: NOTE, useSameName: true }]);
  await setStatus(down, { [NOTE]: 'Approved' });
  await subscribeBulk(NOTE);
  expect(await backfill(lb, NOTE)).toMatchObject({ copied: 5, bulk: 0, failed: 0 });
  await eventually(
    async () => (await list(downstream, 'notes', `&filters[text][$startsWith]=${tag}`)).length === 5,
    'back-filled notes streamed on'
  );
});

test('a type whose own lifecycles handle creates is copied one document at a time: its beforeCreate runs for each copy', async () => {
  // playground/src/api/supplier/content-types/supplier/lifecycles.ts stamps a name starting with "Stamped:" on every create.
  const made = expectStatus(await producer.api('POST', '/suppliers', { data: { name: `Stamped: ${tag}` } }), 'stamped supplier', 201).body
    .data;
  expect(made.name).toBe(`Stamped: ${tag} [stamped]`);
  await subscribeBulk(SUPPLIER);
  const r = await backfill(lb, SUPPLIER);
  expect(r).toMatchObject({ bulk: 0, failed: 0 });
  expect(r.copied).toBeGreaterThanOrEqual(1);
  // A createMany would have skipped the hook: one stamp. Through the Document Service it ran here too.
  expect((await getDoc(bulk, 'suppliers', made.documentId))?.name).toBe(`Stamped: ${tag} [stamped] [stamped]`);
});
