/**
 * Issue 12, point 3: origin travels. Three sites in a ring, A → B → C → A (B consumes A, C
 * consumes B, A consumes C), customers with Use Same Name on and suppliers with it off. A change
 * keeps the site it was first made on as its origin wherever it is applied, so the ring stops
 * where it started: a create on A reaches B and C once, never comes back to A as a second
 * document, and no site holds a duplicate; an update on C reaches A and B. With Use Same Name off
 * each site has its own documentId: the events' aliases (the same document on other sites) let
 * A recognise C's copy as its own document.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { sql } from '../helpers/db';
import { CUSTOMER, SUPPLIER } from '../helpers/uids';

let a: Site;
let b: Site;
let c: Site;
const ids: Record<string, string> = {};

beforeAll(async () => {
  [a, b, c] = await startSites([{ name: 'ring-a' }, { name: 'ring-b' }, { name: 'ring-c' }]);
  const subs = [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: SUPPLIER, useSameName: false },
  ];
  const links: Link[] = [await link(a, b, subs), await link(b, c, subs), await link(c, a, subs)];
  for (const l of links) await setStatus(l, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved' });
  for (const s of [a, b, c]) ids[s.name] = expectStatus(await s.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
});

afterAll(() => stopAll());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Documents of `plural` on `site` whose name starts with `prefix`. */
async function named(site: Site, plural: string, prefix: string): Promise<any[]> {
  const q = `/${plural}?filters[name][$startsWith]=${encodeURIComponent(prefix)}&pagination[pageSize]=100`;
  return expectStatus(await site.api('GET', q), `list ${plural} on ${site.name}`).body.data;
}

/** The origin of each update-log row (and each entry still in the outbox) of `site` for type `uid`. */
async function origins(site: Site, uid: string): Promise<string[]> {
  const rows = await sql(site, `SELECT origin_site_id AS o FROM event_streaming_update_logs WHERE content_type = ? ORDER BY id`, [uid]);
  const pending = (await sql(site, `SELECT entry FROM event_streaming_outbox ORDER BY id`))
    .map((r) => JSON.parse(r.entry))
    .filter((e) => e.contentType === uid);
  return [...rows.map((r) => r.o), ...pending.map((e) => e.originSiteId)];
}

describe.each([
  { plural: 'customers', uid: CUSTOMER, useSameName: true },
  { plural: 'suppliers', uid: SUPPLIER, useSameName: false },
])('ring A → B → C → A, Use Same Name $useSameName', ({ plural, uid, useSameName }) => {
  const prefix = `Ring ${plural}`;

  test('a create on A reaches B and C once, keeps A as its origin, and does not come back', async () => {
    expectStatus(await a.api('POST', `/${plural}`, { data: { name: `${prefix} one` } }), 'create on A');
    for (const s of [b, c]) await eventually(async () => (await named(s, plural, prefix)).length > 0, `the document on ${s.name}`);
    // Let every site pull a few more times (cron every 2 s, pokes after each write): nothing more may come.
    await sleep(7000);
    for (const s of [a, b, c])
      expect({ site: s.name, copies: (await named(s, plural, prefix)).length }).toEqual({ site: s.name, copies: 1 });
    const docIds = await Promise.all([a, b, c].map(async (s) => (await named(s, plural, prefix))[0].documentId));
    if (useSameName) expect(new Set(docIds).size).toBe(1);
    else expect(new Set(docIds).size).toBe(3);
    // One log row per site, each with A as origin: B and C stamp what they apply with the event's origin.
    for (const s of [a, b, c]) expect({ site: s.name, origins: await origins(s, uid) }).toEqual({ site: s.name, origins: [ids[a.name]] });
  });

  test('an update on C reaches A and B, and stops there', async () => {
    const [doc] = await named(c, plural, prefix);
    expectStatus(await c.api('PUT', `/${plural}/${doc.documentId}`, { data: { name: `${prefix} one (edited on C)` } }), 'update on C');
    for (const s of [a, b])
      await eventually(async () => (await named(s, plural, `${prefix} one (edited`)).length === 1, `the update on ${s.name}`);
    await sleep(7000);
    for (const s of [a, b, c]) {
      const docs = await named(s, plural, prefix);
      expect({ site: s.name, names: docs.map((d) => d.name) }).toEqual({ site: s.name, names: [`${prefix} one (edited on C)`] });
      // Its second row: the update, with C as origin on every site.
      expect({ site: s.name, origins: await origins(s, uid) }).toEqual({ site: s.name, origins: [ids[a.name], ids[c.name]] });
    }
  });
});
