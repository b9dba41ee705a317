/**
 * Issue 4 (part): real content — dependencies fetched on demand (relations, relations inside
 * repeatable components, nested relations), media copied, Draft & Publish, back-fill.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { INVOICE } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function upload(site: Site, name: string): Promise<number> {
  const form = new FormData();
  form.append('files', new Blob([PNG], { type: 'image/png' }), name);
  const res = expectStatus(await site.request('POST', '/api/upload', form, { token: site.fullAccessToken }), 'upload');
  return res.body[0].id;
}

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'content-producer' }, { name: 'content-consumer' }]);
  l = await link(producer, consumer, [{ contentType: INVOICE, useSameName: true }]);
  await setStatus(l, { [INVOICE]: 'Approved' });
});

afterAll(() => stopAll());

test('a published sales invoice arrives complete: customer, items, their supplier and image fetched first', async () => {
  const supplier = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'Bolt & Co' } }), 'supplier').body.data;
  const imageId = await upload(producer, 'bolt.png');
  const item = expectStatus(
    await producer.api('POST', '/items', { data: { name: 'Bolt', sku: 'B-1', price: 2.5, supplier: supplier.documentId, image: imageId } }),
    'item'
  ).body.data;
  const item2 = expectStatus(await producer.api('POST', '/items', { data: { name: 'Nut', sku: 'N-1', price: 0.5 } }), 'item2').body.data;
  const customer = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Invoice Ivy', email: 'ivy@example.com' } }),
    'customer'
  ).body.data;
  const invoice = expectStatus(
    await producer.api('POST', '/sales-invoices', {
      data: {
        number: 'INV-001',
        customer: customer.documentId,
        total: 3,
        lines: [
          { item: item.documentId, qty: 1, rate: 2.5 },
          { item: item2.documentId, qty: 1, rate: 0.5 },
        ],
      },
    }),
    'invoice'
  ).body.data;

  const populate =
    '?populate[customer]=true&populate[lines][populate][item][populate][supplier]=true&populate[lines][populate][item][populate][image]=true';
  const local = await eventually(() => getDoc(consumer, 'sales-invoices', invoice.documentId, populate), 'invoice on consumer');
  expect(local).toMatchObject({ number: 'INV-001', total: 3 });
  expect(local.customer).toMatchObject({ documentId: customer.documentId, name: 'Invoice Ivy', email: 'ivy@example.com' });
  expect(local.lines).toHaveLength(2);
  expect(local.lines[0]).toMatchObject({ qty: 1, rate: 2.5, item: { documentId: item.documentId, name: 'Bolt', sku: 'B-1' } });
  expect(local.lines[0].item.supplier).toMatchObject({ documentId: supplier.documentId, name: 'Bolt & Co' });
  expect(local.lines[1].item).toMatchObject({ documentId: item2.documentId, name: 'Nut' });

  // The image was copied into the consumer's own upload provider, byte for byte.
  const image = local.lines[0].item.image;
  expect(image).toMatchObject({ name: 'bolt.png', mime: 'image/png' });
  expect(image.url).toMatch(/^\/uploads\//);
  const bytes = await consumer.request('GET', image.url);
  expect(bytes.status).toBe(200);

  const entry = (await syncLogs(consumer)).data.find((e: any) => e.remoteDocumentId === invoice.documentId);
  expect(entry).toMatchObject({ status: 'Synced', updateType: 'Create' });
});

test('a file already transferred is reused, not copied again, when another document refers to it', async () => {
  const files = async () =>
    expectStatus(await consumer.request('GET', '/api/upload/files', undefined, { token: consumer.fullAccessToken }), 'files').body as any[];
  const before = (await files()).filter((f) => f.name === 'bolt.png');
  expect(before).toHaveLength(1);
  const remoteImage = expectStatus(
    await producer.request('GET', '/api/upload/files', undefined, { token: producer.fullAccessToken }),
    'files'
  ).body.find((f: any) => f.name === 'bolt.png');
  const item = expectStatus(await producer.api('POST', '/items', { data: { name: 'Bolt XL', sku: 'B-2', image: remoteImage.id } }), 'item')
    .body.data;
  const invoice = expectStatus(
    await producer.api('POST', '/sales-invoices', { data: { number: 'INV-003', lines: [{ item: item.documentId, qty: 2, rate: 3 }] } }),
    'invoice'
  ).body.data;
  const local = await eventually(
    () => getDoc(consumer, 'sales-invoices', invoice.documentId, '?populate[lines][populate][item][populate][image]=true'),
    'second invoice'
  );
  expect(local.lines[0].item.image.id).toBe(before[0].id);
  expect((await files()).filter((f) => f.name === 'bolt.png')).toHaveLength(1);
});

test('a draft never leaves the producer; publishing streams it; unpublishing removes it', async () => {
  const draft = expectStatus(await producer.api('POST', '/sales-invoices?status=draft', { data: { number: 'INV-DRAFT' } }), 'draft').body
    .data;
  await pullNow(l);
  expect(await getDoc(consumer, 'sales-invoices', draft.documentId)).toBeNull();
  const logs = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${draft.documentId}`), 'logs').body.data;
  expect(logs).toHaveLength(0);

  expectStatus(
    await producer.api('PUT', `/sales-invoices/${draft.documentId}`, { data: { number: 'INV-002' } }),
    'publish via REST update'
  );
  const local = await eventually(() => getDoc(consumer, 'sales-invoices', draft.documentId), 'published invoice on consumer');
  expect(local.number).toBe('INV-002');

  // Unpublish in the Content Manager: the consumer's copy goes, the producer keeps its draft.
  expectStatus(
    await producer.admin('POST', `/content-manager/collection-types/${INVOICE}/${draft.documentId}/actions/unpublish`, {}),
    'unpublish'
  );
  await eventually(async () => (await getDoc(consumer, 'sales-invoices', draft.documentId)) === null, 'unpublished on consumer');
  expect(await getDoc(producer, 'sales-invoices', draft.documentId, '?status=draft')).toMatchObject({ number: 'INV-002' });
});

test('back-fill copies the documents that existed before the approval', async () => {
  const before = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Old Customer' } }), 'old customer').body.data;
  const l2 = await link(producer, consumer, [{ contentType: 'api::customer.customer', useSameName: true }]).catch((e) => e);
  // The consumer site is already registered: a second Event Producer for the same URL is refused.
  expect(String(l2.message ?? l2)).toMatch(/409/);
  const ep = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expectStatus(
    await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
      producerUrl: ep.producerUrl,
      subscriptions: [...ep.subscriptions.map(({ status, ...s }: any) => s), { contentType: 'api::customer.customer', useSameName: true }],
      // The manual back-fill is what this test is about (back-fill on approval: subscriber.test.ts).
      backfillOnApproval: false,
    }),
    'add customer subscription'
  );
  await setStatus(l, { 'api::customer.customer': 'Approved' });
  await pullNow(l);
  expect(await getDoc(consumer, 'customers', before.documentId)).toBeNull();
  const res = expectStatus(
    await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, { contentType: 'api::customer.customer' }),
    'backfill'
  ).body.data;
  expect(res.failed).toBe(0);
  expect(res.copied).toBeGreaterThanOrEqual(1);
  expect(await getDoc(consumer, 'customers', before.documentId)).toMatchObject({ name: 'Old Customer' });
});

test('back-fill restores invoices with their lines, re-creating missing dependencies; a second run changes nothing', async () => {
  const customer = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Backfill Bea' } }), 'customer').body.data;
  const items = [];
  for (const [name, sku] of [
    ['Washer', 'BF-W'],
    ['Spring', 'BF-S'],
  ]) {
    items.push(expectStatus(await producer.api('POST', '/items', { data: { name, sku, price: 1 } }), name).body.data);
  }
  const invoices = [];
  for (const [n, item] of items.entries()) {
    invoices.push(
      expectStatus(
        await producer.api('POST', '/sales-invoices', {
          data: { number: `BF-${n}`, customer: customer.documentId, total: 2, lines: [{ item: item.documentId, qty: 2, rate: 1 }] },
        }),
        `invoice ${n}`
      ).body.data
    );
  }
  for (const inv of invoices) await eventually(() => getDoc(consumer, 'sales-invoices', inv.documentId), `invoice ${inv.number} streamed`);
  // The consumer loses both invoices, their customer and one item (deleted there directly).
  for (const [plural, documentId] of [
    ['sales-invoices', invoices[0].documentId],
    ['sales-invoices', invoices[1].documentId],
    ['customers', customer.documentId],
    ['items', items[1].documentId],
  ]) {
    expectStatus(await consumer.api('DELETE', `/${plural}/${documentId}`), `delete ${plural} on the consumer`, 204);
  }
  const countAll = async () => (await list(consumer, 'sales-invoices')).length;
  const before = await countAll();

  const res = expectStatus(
    await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, { contentType: INVOICE }),
    'backfill'
  ).body.data;
  expect(res).toMatchObject({ failed: 0, failures: [] });
  expect(res.copied).toBe(before + 2);
  const populate = '?populate[customer]=true&populate[lines][populate][item]=true';
  for (const [n, inv] of invoices.entries()) {
    const local = await getDoc(consumer, 'sales-invoices', inv.documentId, populate);
    expect(local).toMatchObject({ number: `BF-${n}`, total: 2, customer: { documentId: customer.documentId, name: 'Backfill Bea' } });
    expect(local.lines).toHaveLength(1);
    expect(local.lines[0]).toMatchObject({ qty: 2, rate: 1, item: { documentId: items[n].documentId, sku: items[n].sku } });
  }

  const again = expectStatus(
    await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, { contentType: INVOICE }),
    'backfill again'
  ).body.data;
  expect(again).toMatchObject({ copied: res.copied, failed: 0 });
  expect(await countAll()).toBe(before + 2);
  expect((await list(consumer, 'customers')).filter((c: any) => c.name === 'Backfill Bea')).toHaveLength(1);
  expect((await list(consumer, 'items')).filter((i: any) => i.sku.startsWith('BF-'))).toHaveLength(2);
});
