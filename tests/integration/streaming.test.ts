/**
 * Issue 2: two real Strapi sites (separate processes, separate databases, HTTP on 127.0.0.1):
 * registration, approval gating, create / update / delete streaming in both naming modes, and a
 * failed event in the sync log.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { sql } from '../helpers/db';
import { eventually, getDoc, link, list, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { CONTACT, CUSTOMER, ITEM, SUPPLIER } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'producer' }, { name: 'consumer' }]);
  l = await link(producer, consumer, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: SUPPLIER, useSameName: false },
    { contentType: ITEM, useSameName: true },
  ]);
});

afterAll(() => stopAll());

test('registration creates a Pending Event Consumer on the producer and the consumer sees the status', async () => {
  const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'consumer').body.data;
  expect(ec.subscriptions.map((s: any) => [s.contentType, s.status])).toEqual([
    [CUSTOMER, 'Pending'],
    [SUPPLIER, 'Pending'],
    [ITEM, 'Pending'],
  ]);
  expect(ec.callbackTokenHint).toMatch(/^••••/);
  const ep = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(ep.subscriptions.map((s: any) => s.status)).toEqual(['Pending', 'Pending', 'Pending']);
  expect(JSON.stringify(ep)).not.toContain(l.token);
});

test('nothing streams while a type is Pending', async () => {
  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Pending Pat' } }), 'create');
  const res = await pullNow(l);
  expect(res.pulled).toBe(0);
  expect(await getDoc(consumer, 'customers', created.body.data.documentId)).toBeNull();
});

test('after approval, create → appears with the same documentId (Use Same Name on)', async () => {
  await setStatus(l, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved', [ITEM]: 'Approved' });
  const ep = await eventually(async () => {
    const p = (await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`)).body.data;
    return p.subscriptions.every((s: any) => s.status === 'Approved') ? p : null;
  }, 'consumer sees Approved');
  expect(ep.subscriptions[0].status).toBe('Approved');

  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Ada', email: 'ada@example.com' } }), 'create');
  const id = created.body.data.documentId;
  const doc = await eventually(() => getDoc(consumer, 'customers', id), 'customer on consumer');
  expect(doc).toMatchObject({ documentId: id, name: 'Ada', email: 'ada@example.com' });
});

test('update → only the changed fields travel and change', async () => {
  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Bob', email: 'bob@example.com' } }), 'create');
  const id = created.body.data.documentId;
  await eventually(() => getDoc(consumer, 'customers', id), 'customer on consumer');
  expectStatus(await producer.api('PUT', `/customers/${id}`, { data: { email: 'bob@new.example.com' } }), 'update');
  const doc = await eventually(async () => {
    const d = await getDoc(consumer, 'customers', id);
    return d?.email === 'bob@new.example.com' ? d : null;
  }, 'update on consumer');
  expect(doc.name).toBe('Bob');
  const logs = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${id}`), 'update logs').body.data;
  const update = logs.find((e: any) => e.updateType === 'Update');
  expect(update.data).toEqual({ email: 'bob@new.example.com' });
});

test('capture writes outbox entries in the write; the sequencer moves them into update-log rows as a Query Engine createMany would; the admin list reads them back', async () => {
  // Capture appends an outbox entry on the write's transaction; the sequencer inserts the log rows
  // with raw SQL (server/src/site/raw-rows.ts): every column a Strapi 5 row of the content type has must
  // be filled as createMany fills it.
  const t0 = Date.now();
  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Rowena', email: 'row@example.com' } }), 'create');
  const id = created.body.data.documentId;
  expectStatus(await producer.api('PUT', `/customers/${id}`, { data: { name: 'Rowena R.' } }), 'update');
  // Committed with the writes, in order (the notifier may have moved them already).
  // One statement, so the notifier's sequencer cannot move an entry between two reads.
  const both = await sql(
    producer,
    `SELECT 0 AS moved, id, NULL AS ut, entry FROM event_streaming_outbox
     UNION ALL SELECT 1 AS moved, seq AS id, update_type AS ut, NULL AS entry FROM event_streaming_update_logs WHERE target_document_id = ?`,
    [id]
  );
  const ordered = [...both].sort((a, b) => Number(b.moved) - Number(a.moved) || Number(a.id) - Number(b.id));
  const types = ordered
    .map((r) => (Number(r.moved) ? r.ut : JSON.parse(r.entry)))
    .map((x) => (typeof x === 'string' ? x : x.targetDocumentId === id ? x.updateType : null));
  expect(types.filter(Boolean)).toEqual(['Create', 'Update']);
  // The notifier's run sequences them (the admin list is read-only).
  await eventually(async () => (await sql(producer, `SELECT id FROM event_streaming_outbox`)).length === 0, 'the outbox moved');
  expect(await sql(producer, `SELECT id FROM event_streaming_outbox`)).toEqual([]);
  const rows = await sql(producer, `SELECT * FROM event_streaming_update_logs WHERE target_document_id = ? ORDER BY id`, [id]);
  expect(rows.map((r) => r.update_type)).toEqual(['Create', 'Update']);
  for (const r of rows) {
    expect(typeof r.document_id).toBe('string');
    expect(r.document_id).toMatch(/^[a-z0-9]{20,}$/);
    expect(r.content_type).toBe(CUSTOMER);
    expect(r.doc_locale).toBeNull();
    expect(r.locale).toBeNull();
    expect(r.created_by_id).toBeNull();
    expect(r.updated_by_id).toBeNull();
    expect(typeof r.origin_site_id).toBe('string');
    for (const c of ['created_at', 'updated_at', 'published_at']) {
      const ms = new Date(typeof r[c] === 'string' && /^\d+$/.test(r[c]) ? Number(r[c]) : r[c]).getTime();
      expect(ms).toBeGreaterThanOrEqual(t0 - 1000);
      expect(ms).toBeLessThanOrEqual(Date.now() + 1000);
    }
  }
  expect(rows[0].document_id).not.toBe(rows[1].document_id);
  const data = rows.map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data));
  expect(data).toEqual([{ name: 'Rowena', email: 'row@example.com' }, { name: 'Rowena R.' }]);

  const logs = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${id}`), 'update logs').body.data;
  const byType = Object.fromEntries(logs.map((e: any) => [e.updateType, e]));
  expect(byType.Create).toMatchObject({
    contentType: CUSTOMER,
    documentId: id,
    locale: null,
    data: { name: 'Rowena', email: 'row@example.com' },
  });
  expect(byType.Update).toMatchObject({ contentType: CUSTOMER, documentId: id, locale: null, data: { name: 'Rowena R.' } });
  for (const e of logs) {
    expect(typeof e.seq).toBe('number');
    expect(e.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(e.originSiteId).toBe(rows[0].origin_site_id);
  }
});

test('delete → gone', async () => {
  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Carl' } }), 'create');
  const id = created.body.data.documentId;
  await eventually(() => getDoc(consumer, 'customers', id), 'customer on consumer');
  expectStatus(await producer.api('DELETE', `/customers/${id}`), 'delete', [200, 204]);
  await eventually(async () => (await getDoc(consumer, 'customers', id)) === null, 'customer deleted on consumer');
});

test('Use Same Name off: a local documentId and a remote reference', async () => {
  const created = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'Acme Supplies' } }), 'create');
  const remoteId = created.body.data.documentId;
  const local = await eventually(
    async () => (await list(consumer, 'suppliers')).find((s) => s.name === 'Acme Supplies'),
    'supplier on consumer'
  );
  expect(local.documentId).not.toBe(remoteId);
  const origin = expectStatus(
    await consumer.admin('GET', `/event-streaming/documents/origin?contentType=${SUPPLIER}&documentId=${local.documentId}`),
    'origin'
  ).body.data;
  expect(origin.references).toEqual([
    expect.objectContaining({ producerUrl: producer.url, remoteDocumentId: remoteId, remoteContentType: SUPPLIER }),
  ]);

  expectStatus(await producer.api('PUT', `/suppliers/${remoteId}`, { data: { name: 'Acme Supplies Ltd' } }), 'update');
  await eventually(
    async () => (await getDoc(consumer, 'suppliers', local.documentId))?.name === 'Acme Supplies Ltd',
    'renamed on consumer'
  );
  expect((await list(consumer, 'suppliers')).filter((s) => s.name.startsWith('Acme'))).toHaveLength(1);

  expectStatus(await producer.api('DELETE', `/suppliers/${remoteId}`), 'delete', [200, 204]);
  await eventually(async () => (await getDoc(consumer, 'suppliers', local.documentId)) === null, 'deleted on consumer');
});

test('a type that is not subscribed does not stream', async () => {
  const created = expectStatus(await producer.api('POST', '/contacts', { data: { fullName: 'Not streamed' } }), 'create');
  await pullNow(l);
  expect(await getDoc(consumer, 'contacts', created.body.data.documentId)).toBeNull();
  const logs = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?contentType=${CONTACT}`), 'update logs').body.data;
  expect(logs).toHaveLength(0);
});

test('an update for a document missing here re-fetches the whole document (never a silent Synced)', async () => {
  const created = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Dora', email: 'dora@example.com' } }), 'create');
  const id = created.body.data.documentId;
  await eventually(() => getDoc(consumer, 'customers', id), 'customer on consumer');
  expectStatus(await consumer.api('DELETE', `/customers/${id}`), 'local delete behind the stream', [200, 204]);
  expectStatus(await producer.api('PUT', `/customers/${id}`, { data: { name: 'Dora 2' } }), 'update');
  const doc = await eventually(async () => {
    const d = await getDoc(consumer, 'customers', id);
    return d?.name === 'Dora 2' ? d : null;
  }, 're-fetched customer');
  expect(doc.email).toBe('dora@example.com'); // not in the Update's diff: came from the re-fetch
});

test('an event that cannot be applied is Failed with its error, later events of it are Blocked, resync fixes both', async () => {
  // The consumer already has a local item with the SKU the producer is about to use (sku is unique).
  expectStatus(await consumer.api('POST', '/items', { data: { name: 'Local widget', sku: 'CLASH-1' } }), 'local item');
  const created = expectStatus(await producer.api('POST', '/items', { data: { name: 'Remote widget', sku: 'CLASH-1' } }), 'remote item');
  const id = created.body.data.documentId;
  const failed = await eventually(async () => {
    const logs = await syncLogs(consumer, '&status=Failed');
    return logs.data.find((e: any) => e.remoteDocumentId === id);
  }, 'Failed sync log entry');
  expect(failed).toMatchObject({ updateType: 'Create', status: 'Failed', contentType: ITEM, attempts: 1 });
  expect(failed.error).toMatch(/sku: This attribute must be unique/);
  expect(failed.nextRetryAt).toBeTruthy();

  // The stream goes on for other documents, but not on top of the failed create.
  expectStatus(await producer.api('PUT', `/items/${id}`, { data: { name: 'Remote widget v2' } }), 'update');
  const other = expectStatus(await producer.api('POST', '/customers', { data: { name: 'After the failure' } }), 'create');
  await eventually(() => getDoc(consumer, 'customers', other.body.data.documentId), 'later event applied');
  const blocked = (await syncLogs(consumer, '&status=Blocked')).data.find((e: any) => e.remoteDocumentId === id);
  expect(blocked).toMatchObject({ updateType: 'Update', status: 'Blocked' });
  expect(await getDoc(consumer, 'items', id)).toBeNull();

  // Fix the cause, resync the failed entry: the document arrives in its current state.
  const local = (await list(consumer, 'items')).find((i) => i.sku === 'CLASH-1');
  expectStatus(await consumer.api('DELETE', `/items/${local.documentId}`), 'remove the clash', [200, 204]);
  const resynced = expectStatus(await consumer.admin('POST', `/event-streaming/sync-logs/${failed.id}/resync`), 'resync').body.data;
  expect(resynced.status).toBe('Synced');
  expect(await getDoc(consumer, 'items', id)).toMatchObject({ name: 'Remote widget v2', sku: 'CLASH-1' });
  const after = (await syncLogs(consumer)).data.filter((e: any) => e.remoteDocumentId === id);
  expect(after.map((e: any) => e.status)).toEqual(['Synced', 'Synced']);
});
