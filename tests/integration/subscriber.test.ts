/**
 * Issue 14 points 2 and 7, two real sites:
 * - the Event Subscriber: documents the consumer creates / updates from a producer show the admin
 *   named on the Event Producer as createdBy / updatedBy in the Content Manager (default: the admin
 *   who created the Event Producer), and a new subscriber shows on later updates;
 * - back-fill on approval: documents that existed on the producer before a type was approved arrive
 *   by themselves, with the progress visible while it runs (GET /producers/:id/backfill), and a
 *   back-fill interrupted by kill -9 resumes after the listing cursor it had reached.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { sql } from '../helpers/db';
import { ARTICLE, ITEM, NOTE } from '../helpers/uids';

const NOTES = 200;
const PAGE = 4;

let producer: Site;
let consumer: Site;
let l: Link;
let adminId: number;
let editorId: number;
const tag = `sub-${Date.now().toString(36)}`;

/**
 * A document as the Content Manager's admin API shows it (draft version), with createdBy / updatedBy;
 * null while it is not there. The Content Manager answers `data: {}` (200) when its read found no
 * version but its existence check, a statement later, found the document: a write committing in
 * between. That empty view is "not there yet" (it was read as the synced item without a creator:
 * the failures of this test on PostgreSQL under CI load).
 */
const cmDoc = async (uid: string, documentId: string, query = '') => {
  const res = await consumer.admin('GET', `/content-manager/collection-types/${uid}/${documentId}${query}`);
  if (res.status === 404) return null;
  const data = expectStatus(res, `content-manager ${uid} ${documentId}`).body.data;
  return data?.documentId ? data : null;
};

const progress = async () =>
  expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}/backfill`), 'back-fill progress').body
    .data as Array<{
    contentType: string;
    state: string;
    trigger: string;
    pages: number;
    copied: number;
    failed: number;
    total: number | null;
    after: number;
  }>;

beforeAll(async () => {
  [producer, consumer] = await startSites([
    { name: 'sub-producer' },
    { name: 'sub-consumer', env: { EVENT_STREAMING_PAGE_SIZE: String(PAGE), EVENT_STREAMING_LEASE_MS: '3000' } },
  ]);
  adminId = expectStatus(await consumer.admin('GET', '/admin/users/me'), 'me').body.data.id;
  const roles = expectStatus(await consumer.admin('GET', '/admin/roles'), 'roles').body.data as Array<{ id: number; code: string }>;
  const editor = roles.find((r) => r.code === 'strapi-editor')!;
  editorId = expectStatus(
    await consumer.admin('POST', '/admin/users', { firstname: 'Eve', lastname: 'Editor', email: `${tag}@example.com`, roles: [editor.id] }),
    'create editor',
    201
  ).body.data.id;
  l = await link(producer, consumer, [{ contentType: ITEM }, { contentType: ARTICLE }, { contentType: NOTE }], {
    backfillOnApproval: true,
  });
});

afterAll(() => stopAll());

test('the creating admin is the default Event Subscriber; a missing user is refused', async () => {
  const p = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(p.subscriberUser).toBe(adminId);
  expect(p.subscriberUserMissing).toBe(false);
  expect(p.backfillOnApproval).toBe(true);
  const bad = await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
    producerUrl: producer.url,
    subscriptions: p.subscriptions,
    subscriberUser: 999_999,
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/no admin user with id 999999/);
});

test('synced creates and updates are made as the Event Subscriber; a new subscriber shows on later updates', async () => {
  await setStatus(l, { [ITEM]: 'Approved', [ARTICLE]: 'Approved' });
  const item = expectStatus(await producer.api('POST', '/items', { data: { name: `${tag} item`, sku: `${tag}-1` } }), 'item', 201).body
    .data;
  const article = expectStatus(await producer.api('POST', '/articles', { data: { title: `${tag} article`, body: 'b' } }), 'article', 201)
    .body.data;
  // The first view of the synced item already names its creator (it is written with the row).
  const synced = await eventually(() => cmDoc(ITEM, item.documentId), 'item synced');
  expect(synced.createdBy?.id).toBe(adminId);
  expect(synced.updatedBy?.id).toBe(adminId);
  // Draft & Publish + i18n: the Content Manager shows the draft, which the sync created published.
  const art = await eventually(() => cmDoc(ARTICLE, article.documentId), 'article synced');
  expect(art.createdBy?.id).toBe(adminId);
  expect(art.updatedBy?.id).toBe(adminId);

  const p = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expectStatus(
    await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
      producerUrl: producer.url,
      subscriptions: p.subscriptions,
      subscriberUser: editorId,
    }),
    'change the subscriber'
  );
  expectStatus(await producer.api('PUT', `/items/${item.documentId}`, { data: { name: `${tag} item v2` } }), 'update item');
  const updated = await eventually(async () => {
    const d = await cmDoc(ITEM, item.documentId);
    return d?.name === `${tag} item v2` ? d : null;
  }, 'item update synced');
  expect(updated.updatedBy?.id).toBe(editorId);
  expect(updated.createdBy?.id).toBe(adminId);
  const item2 = expectStatus(await producer.api('POST', '/items', { data: { name: `${tag} item 2`, sku: `${tag}-2` } }), 'item 2', 201).body
    .data;
  const synced2 = await eventually(() => cmDoc(ITEM, item2.documentId), 'item 2 synced');
  expect(synced2.createdBy?.id).toBe(editorId);
});

test('approval back-fills pre-existing documents by itself, with progress; kill -9 mid-way resumes after the cursor', async () => {
  const ids: string[] = [];
  for (let i = 0; i < NOTES; i += 1) {
    ids.push(expectStatus(await producer.api('POST', '/notes', { data: { text: `${tag} note ${i}` } }), 'note', 201).body.data.documentId);
  }
  expect(await progress()).toEqual(expect.not.arrayContaining([expect.objectContaining({ contentType: NOTE })]));
  await setStatus(l, { [NOTE]: 'Approved' });

  // Watch the progress until a few pages are in, then kill the consumer mid-way.
  const seen: Array<Awaited<ReturnType<typeof progress>>[number]> = [];
  await eventually(
    async () => {
      const note = (await progress()).find((p) => p.contentType === NOTE);
      if (note) seen.push(note);
      return note && note.state === 'running' && note.pages >= 4;
    },
    'back-fill running',
    60_000
  );
  await consumer.kill9();
  const running = seen[seen.length - 1];
  expect(running).toMatchObject({ trigger: 'approval', total: NOTES });
  expect(running.copied).toBeGreaterThanOrEqual(running.pages * PAGE - PAGE);
  expect(running.copied).toBeLessThan(NOTES);

  // A note of the first page, removed here while the consumer is down: a resumed back-fill does not
  // list it again (it starts after the saved cursor); one started over would bring it back.
  await sql(consumer, 'DELETE FROM notes WHERE document_id = ?', [ids[0]]);
  await consumer.restart();
  const done = await eventually(
    async () => {
      const note = (await progress()).find((p) => p.contentType === NOTE);
      return note?.state === 'done' ? note : null;
    },
    'back-fill done after restart',
    90_000
  );
  expect(done.pages).toBeGreaterThanOrEqual(NOTES / PAGE);
  expect(done.failed).toBe(0);
  const local = await sql(consumer, 'SELECT document_id AS d FROM notes');
  const have = new Set(local.map((r) => r.d));
  expect(have.has(ids[0])).toBe(false);
  expect(ids.slice(1).filter((id) => !have.has(id))).toEqual([]);
  // Back-filled documents are the subscriber's too.
  expect((await cmDoc(NOTE, ids[NOTES - 1]))?.createdBy?.id).toBe(editorId);
});

test('a deleted Event Subscriber: synced writes fall back to none and the producer says so', async () => {
  expectStatus(await consumer.admin('DELETE', `/admin/users/${editorId}`), 'delete the editor');
  const p = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(p).toMatchObject({ subscriberUser: editorId, subscriberUserMissing: true });
  const item = expectStatus(await producer.api('POST', '/items', { data: { name: `${tag} item 3`, sku: `${tag}-3` } }), 'item 3', 201).body
    .data;
  const synced = await eventually(() => cmDoc(ITEM, item.documentId), 'item 3 synced');
  expect(synced.createdBy ?? null).toBeNull();
  // Saving the form as loaded (subscriber none) is accepted.
  expectStatus(
    await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
      producerUrl: producer.url,
      subscriptions: p.subscriptions,
      subscriberUser: null,
    }),
    'save with no subscriber'
  );
});
