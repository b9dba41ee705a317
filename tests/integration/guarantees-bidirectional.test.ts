/**
 * Issue 3, guarantee 5: two sites streaming the same type to each other (A → B and B → A, both
 * approved). Changes travel both ways, each site ends with exactly one copy of every document, and
 * nothing echoes: a change applied by the sync is marked with its origin and never served back
 * to the site it came from, so the update logs stop growing once the sites are in step.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { sql } from '../helpers/db';
import { CUSTOMER } from '../helpers/uids';

let a: Site;
let b: Site;
/** B consumes A. */
let ab: Link;
/** A consumes B. */
let ba: Link;
let siteIdA: string;
let siteIdB: string;

beforeAll(async () => {
  [a, b] = await startSites([{ name: 'bi-a' }, { name: 'bi-b' }]);
  ab = await link(a, b, [{ contentType: CUSTOMER, useSameName: true }]);
  ba = await link(b, a, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(ab, { [CUSTOMER]: 'Approved' });
  await setStatus(ba, { [CUSTOMER]: 'Approved' });
  siteIdA = expectStatus(await a.admin('GET', '/event-streaming/site'), 'site A').body.data.siteId;
  siteIdB = expectStatus(await b.admin('GET', '/event-streaming/site'), 'site B').body.data.siteId;
});

afterAll(() => stopAll());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(site: Site, name: string, email?: string): Promise<string> {
  return expectStatus(await site.api('POST', '/customers', { data: { name, ...(email ? { email } : {}) } }), `create on ${site.name}`).body
    .data.documentId;
}

/** name -> copies, for customers whose name starts with `prefix`. */
async function copies(site: Site, prefix: string): Promise<Map<string, any[]>> {
  const res = expectStatus(
    await site.api('GET', `/customers?filters[name][$startsWith]=${encodeURIComponent(prefix)}&pagination[pageSize]=100`),
    'list'
  );
  const out = new Map<string, any[]>();
  for (const d of res.body.data) out.set(d.name, [...(out.get(d.name) ?? []), d]);
  return out;
}

/** Update-log rows of a site for the given documents (origin included). */
async function logRows(site: Site, documentIds: string[]) {
  const rows = await sql(
    site,
    `SELECT seq, update_type AS ut, target_document_id AS did, origin_site_id AS origin FROM event_streaming_update_logs ORDER BY id`
  );
  return rows.filter((r) => documentIds.includes(r.did));
}

/** Sync-log rows a site recorded for the given remote documents. */
async function syncRows(site: Site, documentIds: string[]) {
  const rows = await sql(
    site,
    `SELECT seq, update_type AS ut, remote_document_id AS rid, status FROM event_streaming_sync_logs ORDER BY id`
  );
  return rows.filter((r) => documentIds.includes(r.rid));
}

/** Both directions caught up: a pull each way finds nothing. */
async function settle() {
  await eventually(async () => {
    const [x, y] = await Promise.all([pullNow(ab), pullNow(ba)]);
    return !x.busy && !y.busy && x.pulled === 0 && y.pulled === 0;
  }, 'both directions to settle');
}

test('a create on A reaches B, an update on B reaches A, one copy each, and nothing echoes back', async () => {
  const tag = `bi-${Date.now().toString(36)}`;
  const id = await create(a, `${tag}-x`, 'x@a.example.com');
  await eventually(() => getDoc(b, 'customers', id), 'A’s create on B');
  expectStatus(await b.api('PUT', `/customers/${id}`, { data: { email: 'x@b.example.com' } }), 'update on B');
  await eventually(async () => (await getDoc(a, 'customers', id))?.email === 'x@b.example.com', 'B’s update on A');
  await settle();

  for (const site of [a, b]) {
    const c = await copies(site, tag);
    expect([...c.keys()]).toEqual([`${tag}-x`]);
    expect(c.get(`${tag}-x`)).toHaveLength(1);
    expect(c.get(`${tag}-x`)![0]).toMatchObject({ documentId: id, email: 'x@b.example.com' });
  }
  // Each site logged the create and the update once, marked with the site the change was made on.
  const expected = [
    ['Create', siteIdA],
    ['Update', siteIdB],
  ];
  expect((await logRows(a, [id])).map((r) => [r.ut, r.origin])).toEqual(expected);
  expect((await logRows(b, [id])).map((r) => [r.ut, r.origin])).toEqual(expected);
  // And each site received only the other's own change: no echo of its own change came back.
  expect((await syncRows(b, [id])).map((r) => [r.ut, r.status])).toEqual([['Create', 'Synced']]);
  expect((await syncRows(a, [id])).map((r) => [r.ut, r.status])).toEqual([['Update', 'Synced']]);
});

test('writes on both sides at once: every document exactly once on each site, and the logs stop growing (no ping-pong)', async () => {
  const tag = `bi2-${Date.now().toString(36)}`;
  const onA = await Promise.all([0, 1, 2, 3, 4].map((i) => create(a, `${tag}-a${i}`)));
  const onB = await Promise.all([0, 1, 2, 3, 4].map((i) => create(b, `${tag}-b${i}`)));
  await eventually(async () => (await copies(a, tag)).size === 10 && (await copies(b, tag)).size === 10, 'all ten on both sites');
  expectStatus(
    await a.api('PUT', `/customers/${onB[1]}`, { data: { email: 'b1@edited-on-a.example.com' } }),
    'A edits a document made on B'
  );
  expectStatus(await b.api('DELETE', `/customers/${onA[0]}`), 'B deletes a document made on A', [200, 204]);
  await eventually(async () => (await getDoc(b, 'customers', onB[1]))?.email === 'b1@edited-on-a.example.com', 'A’s edit on B');
  await eventually(async () => (await getDoc(a, 'customers', onA[0])) === null, 'B’s delete on A');
  await settle();

  const counts = async () => ({
    a: Number((await sql(a, 'SELECT COUNT(*) AS n FROM event_streaming_update_logs'))[0].n),
    b: Number((await sql(b, 'SELECT COUNT(*) AS n FROM event_streaming_update_logs'))[0].n),
    syncA: Number((await sql(a, 'SELECT COUNT(*) AS n FROM event_streaming_sync_logs'))[0].n),
    syncB: Number((await sql(b, 'SELECT COUNT(*) AS n FROM event_streaming_sync_logs'))[0].n),
  });
  const before = await counts();
  await sleep(5_000); // two and a half cron cycles (the harness pulls every 2 s) plus any notification
  await settle();
  expect(await counts()).toEqual(before);

  for (const site of [a, b]) {
    const c = await copies(site, tag);
    expect([...c.keys()].sort()).toEqual(
      [...[1, 2, 3, 4].map((i) => `${tag}-a${i}`), ...[0, 1, 2, 3, 4].map((i) => `${tag}-b${i}`)].sort()
    );
    expect([...c.values()].filter((docs) => docs.length !== 1)).toEqual([]);
    expect(c.get(`${tag}-b1`)![0].email).toBe('b1@edited-on-a.example.com');
  }
  // Per site, the sync log holds exactly the changes made on the other site, and nothing of its own.
  const all = [...onA, ...onB];
  const received = async (site: Site) => (await syncRows(site, all)).map((r) => `${r.ut} ${r.rid} ${r.status}`).sort();
  expect(await received(b)).toEqual([...onA.map((id) => `Create ${id} Synced`), `Update ${onB[1]} Synced`].sort());
  expect(await received(a)).toEqual([...onB.map((id) => `Create ${id} Synced`), `Delete ${onA[0]} Synced`].sort());
  // And every logged change carries the site it was made on.
  const origins = async (site: Site) =>
    (await logRows(site, all)).map((r) => `${r.ut} ${r.did} ${r.origin === siteIdA ? 'A' : r.origin === siteIdB ? 'B' : r.origin}`).sort();
  const expectedOrigins = [
    ...onA.map((id) => `Create ${id} A`),
    ...onB.map((id) => `Create ${id} B`),
    `Update ${onB[1]} A`,
    `Delete ${onA[0]} B`,
  ].sort();
  expect(await origins(a)).toEqual(expectedOrigins);
  expect(await origins(b)).toEqual(expectedOrigins);
});
