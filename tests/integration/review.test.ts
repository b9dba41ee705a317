/**
 * Issue 15 points 1 and 2: the review queue and conflicts held, not overwritten. Two real sites:
 * P produces customers and suppliers; C consumes customers in mode `review` (every change waits
 * for an editor) and suppliers applied at once but `onConflict: hold`; P consumes C's suppliers
 * too (a two-way stream). Held changes are sync-log rows (AwaitingReview), decided on the Review
 * API: per-document order, other documents never blocked, a restart in between, a rejected change
 * making the next accepted one bring the producer's whole state, and a concurrent edit on both
 * sides held as a conflict on both.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, reviews, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { CUSTOMER, SUPPLIER } from '../helpers/uids';

let P: Site;
let C: Site;
/** C consumes P. */
let cp: Link;
/** P consumes C (suppliers: the two-way stream). */
let pc: Link;

// No cron pull: every pull is made here.
const ENV = { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' };

beforeAll(async () => {
  [P, C] = await startSites([
    { name: 'review-p', env: ENV },
    { name: 'review-c', env: ENV },
  ]);
  cp = await link(P, C, [
    { contentType: CUSTOMER, useSameName: true, mode: 'review' },
    { contentType: SUPPLIER, useSameName: true, onConflict: 'hold' },
  ]);
  pc = await link(C, P, [{ contentType: SUPPLIER, useSameName: true, onConflict: 'hold' }]);
  await setStatus(cp, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved' });
  await setStatus(pc, { [SUPPLIER]: 'Approved' });
}, 300_000);

afterAll(() => stopAll());

const create = async (site: Site, plural: string, data: Record<string, unknown>): Promise<string> =>
  expectStatus(await site.api('POST', `/${plural}`, { data }), `create ${plural} on ${site.name}`, 201).body.data.documentId;
const update = async (site: Site, plural: string, id: string, data: Record<string, unknown>) =>
  expectStatus(await site.api('PUT', `/${plural}/${id}`, { data }), `update ${plural} on ${site.name}`);
const decide = (site: Site, id: number, what: 'accept' | 'reject') => site.admin('POST', `/event-streaming/reviews/${id}/${what}`);
const field = (entry: any, name: string) => entry.fields.find((f: any) => f.field === name);

test('the subscription is saved with its mode and conflict policy', async () => {
  const producer = expectStatus(await C.admin('GET', `/event-streaming/producers/${cp.producerId}`), 'producer').body.data;
  const byType = Object.fromEntries(producer.subscriptions.map((s: any) => [s.contentType, s]));
  expect(byType[CUSTOMER]).toMatchObject({ mode: 'review' });
  expect(byType[SUPPLIER]).toMatchObject({ onConflict: 'hold' });
  const bad = await C.admin('PUT', `/event-streaming/producers/${cp.producerId}`, {
    producerUrl: P.url,
    subscriptions: [{ contentType: CUSTOMER, mode: 'later' }],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toContain('must be apply or review');
});

let x: string;
let y: string;

test('review mode: changes wait in per-document order; other documents and types are not blocked', async () => {
  x = await create(P, 'customers', { name: 'Rev One', email: 'one@rev.test' });
  await pullNow(cp);
  expect(await getDoc(C, 'customers', x)).toBeNull();
  let held = await reviews(C);
  expect(held).toHaveLength(1);
  expect(held[0]).toMatchObject({ updateType: 'Create', remoteDocumentId: x, reason: 'review', reviewable: true, localExists: false });
  expect(field(held[0], 'name')).toMatchObject({ local: '—', incoming: 'Rev One', changed: true });
  // Who made it on the producer, and when (the REST write used the site's full-access API token).
  expect(held[0].changedBy).toBe(`API token "${P.name} full access (harness)"`);
  expect(Date.parse(held[0].changedAt)).toBeLessThanOrEqual(Date.parse(held[0].receivedAt));

  y = await create(P, 'customers', { name: 'Rev Y' });
  await update(P, 'customers', x, { email: 'two@rev.test' });
  await update(P, 'customers', x, { name: 'Rev Three' });
  const s = await create(P, 'suppliers', { name: 'Sup Free' });
  const pulled = await pullNow(cp);
  expect(pulled.cursor).toBe(pulled.headSeq); // the cursor moved past the held events
  // Another type flows; another document is reviewable at once.
  expect((await getDoc(C, 'suppliers', s))?.name).toBe('Sup Free');
  held = await reviews(C);
  expect(held.map((h) => [h.remoteDocumentId, h.updateType, h.reason, h.reviewable])).toEqual([
    [x, 'Create', 'review', true],
    [y, 'Create', 'review', true],
    [x, 'Update', 'queued', false],
    [x, 'Update', 'queued', false],
  ]);
  // Decided in order: a later change of X before its Create is refused (409), nothing applied.
  const early = await decide(C, held[2].id, 'accept');
  expect(early.status).toBe(409);
  expect(early.body.error.message).toContain('awaits review first');
  expect(await getDoc(C, 'customers', x)).toBeNull();

  // The side panel says so (after the Create is accepted, the local document exists).
  expectStatus(await decide(C, held[0].id, 'accept'), 'accept create');
  expect(await getDoc(C, 'customers', x)).toMatchObject({ name: 'Rev One', email: 'one@rev.test' });
  const origin = expectStatus(await C.admin('GET', `/event-streaming/documents/origin?contentType=${CUSTOMER}&documentId=${x}`), 'origin')
    .body.data;
  expect(origin.awaitingReview).toBe(2);
  held = await reviews(C, `&documentId=${x}`);
  expect(held[0]).toMatchObject({ updateType: 'Update', reviewable: true, localExists: true });
  expect(field(held[0], 'email')).toMatchObject({ local: 'one@rev.test', incoming: 'two@rev.test', changed: true });
});

test('a resync never passes a held change: 409 while the document has changes awaiting review', async () => {
  const synced = (await syncLogs(C, `&contentType=${CUSTOMER}&status=Synced`)).data.find((r: any) => r.remoteDocumentId === x);
  const res = await C.admin('POST', `/event-streaming/sync-logs/${synced.id}/resync`);
  expect(res.status).toBe(409);
  expect(res.body.error.message).toContain('await review');
  expect(await getDoc(C, 'customers', x)).toMatchObject({ name: 'Rev One', email: 'one@rev.test' });
});

test('reject skips a change; held changes survive a restart; the next accept brings the whole producer state', async () => {
  let held = await reviews(C, `&documentId=${x}`);
  expectStatus(await decide(C, held[0].id, 'reject'), 'reject');
  expect(await getDoc(C, 'customers', x)).toMatchObject({ name: 'Rev One', email: 'one@rev.test' });
  const rejected = (await syncLogs(C, '&status=Rejected')).data;
  expect(rejected).toHaveLength(1);
  expect(rejected[0].error).toContain('Rejected');

  await C.restart();
  await pullNow(cp); // nothing new, nothing duplicated
  held = await reviews(C);
  expect(held.map((h) => [h.remoteDocumentId, h.reviewable])).toEqual([
    [y, true],
    [x, true],
  ]);
  const next = held[1];
  expect(next.diverged).toBe(true);
  expectStatus(await decide(C, next.id, 'accept'), 'accept after reject');
  // Diverged: the accept brought the producer's current state — the rejected email too.
  expect(await getDoc(C, 'customers', x)).toMatchObject({ name: 'Rev Three', email: 'two@rev.test' });
});

test('bulk accept of a filtered list applies every held change in order', async () => {
  await update(P, 'customers', y, { name: 'Rev Y2' });
  await pullNow(cp);
  expect((await reviews(C)).map((h) => h.remoteDocumentId)).toEqual([y, y]);
  const res = expectStatus(await C.admin('POST', '/event-streaming/reviews/accept-all', { contentType: CUSTOMER }), 'accept all').body.data;
  expect(res).toEqual({ accepted: 2, failed: [] });
  expect((await getDoc(C, 'customers', y))?.name).toBe('Rev Y2');
  expect(await reviews(C)).toEqual([]);
  const notes = (await syncLogs(C, `&contentType=${CUSTOMER}&status=Synced`)).data.map((r: any) => r.error);
  expect(notes.filter((n: string | null) => n?.startsWith('Accepted'))).toHaveLength(4);
});

test('two-way stream: a concurrent edit on both sides is held as a conflict on both, then resolved to one state', async () => {
  const s = await create(P, 'suppliers', { name: 'Base name' });
  await pullNow(cp);
  expect((await getDoc(C, 'suppliers', s))?.name).toBe('Base name');
  // C edits, P receives it: both sites have applied the document once.
  await update(C, 'suppliers', s, { name: 'C edit one' });
  await pullNow(pc);
  expect((await getDoc(P, 'suppliers', s))?.name).toBe('C edit one');
  // Concurrent: both edit before either pulls.
  await update(P, 'suppliers', s, { name: 'From P' });
  await update(C, 'suppliers', s, { name: 'From C' });
  await pullNow(cp);
  await pullNow(pc);

  const onC = await eventually(
    async () => (await reviews(C, '&reason=conflict')).filter((h) => h.remoteDocumentId === s).at(0),
    'conflict on C'
  );
  const onP = await eventually(
    async () => (await reviews(P, '&reason=conflict')).filter((h) => h.remoteDocumentId === s).at(0),
    'conflict on P'
  );
  for (const [site, entry, local, incoming] of [
    [C, onC, 'From C', 'From P'],
    [P, onP, 'From P', 'From C'],
  ] as const) {
    expect({ site: site.name, conflict: entry.conflict, reviewable: entry.reviewable }).toEqual({
      site: site.name,
      conflict: true,
      reviewable: true,
    });
    expect(field(entry, 'name')).toMatchObject({ local, incoming, changed: true });
    expect(typeof field(entry, 'name').base).toBe('string');
    // Held, not overwritten: each side keeps its own edit until someone decides.
    expect((await getDoc(site, 'suppliers', s))?.name).toBe(local);
  }
  // Resolved: C takes P's change, P rejects C's — one state on both sides.
  expectStatus(await decide(C, onC.id, 'accept'), 'accept on C');
  expectStatus(await decide(P, onP.id, 'reject'), 'reject on P');
  await pullNow(pc);
  await pullNow(cp);
  expect((await getDoc(C, 'suppliers', s))?.name).toBe('From P');
  expect((await getDoc(P, 'suppliers', s))?.name).toBe('From P');
  expect(await reviews(C)).toEqual([]);
});

test('onConflict overwrite (the default) applies the change and says it overwrote local edits', async () => {
  // Customers in apply mode, default conflict policy.
  expectStatus(
    await C.admin('PUT', `/event-streaming/producers/${cp.producerId}`, {
      producerUrl: P.url,
      subscriptions: [
        { contentType: CUSTOMER, useSameName: true },
        { contentType: SUPPLIER, useSameName: true, onConflict: 'hold' },
      ],
    }),
    'switch to apply mode'
  );
  await update(C, 'customers', y, { name: 'Local Y' });
  await update(P, 'customers', y, { name: 'Remote Y' });
  await pullNow(cp);
  expect((await getDoc(C, 'customers', y))?.name).toBe('Remote Y');
  const row = (await syncLogs(C, `&contentType=${CUSTOMER}&status=Synced`)).data.find((r: any) => r.remoteDocumentId === y);
  expect(row.error).toContain('overwrote local edits');
});

test("the producer's log names who made each change: an admin in the Content Manager by name, never by email", async () => {
  const created = expectStatus(
    await P.admin('POST', `/content-manager/collection-types/${CUSTOMER}`, { name: 'Rev CM', email: 'cm@rev.test' }),
    'Content Manager create',
    201
  ).body.data;
  const log = expectStatus(await P.admin('GET', '/event-streaming/update-logs?pageSize=20'), 'update log').body.data as any[];
  const entry = log.find((e) => e.documentId === created.documentId);
  expect(entry).toMatchObject({ updateType: 'Create', changedBy: `Harness ${P.name}` });
  expect(JSON.stringify(log)).not.toContain(`admin@${P.name}`);
});
