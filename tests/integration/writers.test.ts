/**
 * Issue 12 "one writer per producer" / "no orphan Blocked": every writer of a consumer — pull (now
 * and cron), automatic retry (cron), Resync of one entry, Resync all failed, Back-fill — runs at
 * the same time against one producer; on PostgreSQL on two consumer instances sharing one
 * database (like two replicas behind a load balancer), on SQLite in the one process that owns the
 * file. Afterwards: no duplicate document, remote reference or sync-log row, no orphan Blocked
 * row, and the consumer equal to the producer. Admin calls answer 200, or 409 when the producer
 * was held too long, never 5xx.
 */
import { expectStatus, startSite, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { sql } from '../helpers/db';
import { ITEM } from '../helpers/uids';

const client = process.env.DATABASE_CLIENT || 'sqlite';
const SHARED_ENV = [
  'APP_KEYS',
  'ADMIN_JWT_SECRET',
  'API_TOKEN_SALT',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
  'JWT_SECRET',
  'SITE_NAME',
  'PUBLIC_URL',
];
const CONSUMER_ENV = {
  EVENT_STREAMING_PULL_CRON: '*/1 * * * * *',
  EVENT_STREAMING_PAGE_SIZE: '5',
  EVENT_STREAMING_RETRY_BASE_MS: '300',
  EVENT_STREAMING_RETRY_MAX_MS: '1000',
};

let producer: Site;
let consumers: Site[];
let l: Link;
const tag = `wr-${Date.now().toString(36)}`;

beforeAll(async () => {
  let c1: Site;
  [producer, c1] = await startSites([{ name: 'wr-producer' }, { name: 'wr-consumer', env: CONSUMER_ENV }]);
  consumers = [c1];
  if (client === 'postgres') {
    const env1 = (c1 as unknown as { env: Record<string, string> }).env;
    consumers.push(
      await startSite({
        name: 'wr-consumer-replica',
        client: 'postgres',
        dbName: c1.dbName!,
        keepData: true,
        admin: { email: c1.adminEmail, password: c1.adminPassword },
        env: { ...Object.fromEntries(SHARED_ENV.map((k) => [k, env1[k]])), ...CONSUMER_ENV },
      })
    );
  }
  // Use Same Name off: a second writer of the same document would create a second local copy.
  l = await link(producer, c1, [{ contentType: ITEM, useSameName: false }], { pullOnly: true });
});

afterAll(() => stopAll());

const items = async (site: Site) => sql(site, `SELECT document_id AS d, name, sku, price FROM items WHERE name LIKE ?`, [`${tag}%`]);

/** Runs `fn` on every consumer in a loop until `stop`; every answer must be 200 or 409. */
async function hammer(
  stop: () => boolean,
  what: string,
  fn: (site: Site) => Promise<{ status: number; text: string }>,
  counts: Map<string, number>
) {
  await Promise.all(
    consumers.map(async (site) => {
      while (!stop()) {
        const res = await fn(site);
        if (res.status !== 200 && res.status !== 409)
          throw new Error(`${what} on ${site.name} answered ${res.status}: ${res.text.slice(0, 500)}`);
        const key = `${what} ${res.status}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 30));
      }
    })
  );
}

test('pull, retry, resync, resync-all and back-fill at once: no duplicates, no orphan Blocked, the consumer equals the producer', async () => {
  // Documents that exist before approval (no events): only back-fill copies them.
  for (let i = 0; i < 25; i += 1)
    expectStatus(await producer.api('POST', '/items', { data: { name: `${tag}-pre-${i}`, sku: `${tag}-P${i}`, price: 1 } }), 'pre');
  // Three local items whose sku the producer's will clash with: their events fail, later ones are Blocked.
  const clashes: string[] = [];
  for (let i = 0; i < 3; i += 1)
    clashes.push(
      expectStatus(await consumers[0].api('POST', '/items', { data: { name: `local-${tag}-${i}`, sku: `${tag}-C${i}` } }), 'clash').body
        .data.documentId
    );
  await setStatus(l, { [ITEM]: 'Approved' });

  let stopped = false;
  const counts = new Map<string, number>();
  const stop = () => stopped;
  const writers = Promise.all([
    hammer(stop, 'pull', (s) => s.admin('POST', `/event-streaming/producers/${l.producerId}/pull`), counts),
    hammer(stop, 'back-fill', (s) => s.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, {}), counts),
    hammer(stop, 'resync-all', (s) => s.admin('POST', '/event-streaming/sync-logs/resync-failed', { producerId: l.producerId }), counts),
    hammer(
      stop,
      'resync',
      async (s) => {
        const list = expectStatus(await s.admin('GET', '/event-streaming/sync-logs?pageSize=20'), 'list').body.data as Array<{
          id: number;
        }>;
        const pick = list[Math.floor(Math.random() * list.length)];
        return pick ? s.admin('POST', `/event-streaming/sync-logs/${pick.id}/resync`) : { status: 200, text: '' };
      },
      counts
    ),
  ]);

  // The producer's changes meanwhile: creates, then updates (price), of live and clashing items.
  const live: string[] = [];
  for (let i = 0; i < 3; i += 1)
    live.push(
      expectStatus(
        await producer.api('POST', '/items', { data: { name: `${tag}-clash-${i}`, sku: `${tag}-C${i}`, price: 1 } }),
        'clash remote'
      ).body.data.documentId
    );
  let next = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < 30) {
        const i = (next += 1);
        live.push(
          expectStatus(await producer.api('POST', '/items', { data: { name: `${tag}-live-${i}`, sku: `${tag}-L${i}`, price: 1 } }), 'live')
            .body.data.documentId
        );
      }
    })
  );
  for (const [n, id] of live.entries()) expectStatus(await producer.api('PUT', `/items/${id}`, { data: { price: 2 + (n % 5) } }), 'update');
  // The cause of the failures goes away while everything runs: resyncs and retries now succeed.
  for (const id of clashes) expectStatus(await consumers[0].api('DELETE', `/items/${id}`), 'remove clash', [200, 204]);
  await new Promise((r) => setTimeout(r, 4000));
  stopped = true;
  await writers;
  console.log(`[writers] ${client}, ${consumers.length} instance(s): ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);

  // Let the cron (pull + retry every second) finish what is left.
  const producerItems = await items(producer);
  const converged = await eventually(
    async () => {
      const [row] = await sql(
        consumers[0],
        `SELECT COUNT(*) AS n FROM event_streaming_sync_logs WHERE producer_id = ? AND status <> 'Synced'`,
        [l.producerId]
      );
      const mirrored = (await items(consumers[0])).filter((i) => !String(i.name).startsWith('local-'));
      return (
        Number(row.n) === 0 &&
        mirrored.length === producerItems.length &&
        mirrored.every((m) => Number(m.price) === Number(producerItems.find((p) => p.sku === m.sku)?.price))
      );
    },
    'the consumer caught up and every failure resolved',
    60_000
  ).then(
    () => true,
    (error: Error) => error.message
  );

  const c = consumers[0];
  const dupDocs = await sql(c, `SELECT sku, COUNT(*) AS n FROM items WHERE name LIKE ? GROUP BY sku HAVING COUNT(*) > 1`, [`${tag}%`]);
  expect(dupDocs).toEqual([]);
  const dupRefs = await sql(
    c,
    `SELECT remote_document_id AS d, COUNT(*) AS n FROM event_streaming_remote_refs GROUP BY producer_site_id, remote_content_type, remote_document_id, COALESCE(doc_locale, '') HAVING COUNT(*) > 1`
  );
  expect(dupRefs).toEqual([]);
  const dupLogs = await sql(c, `SELECT seq, COUNT(*) AS n FROM event_streaming_sync_logs GROUP BY producer_id, seq HAVING COUNT(*) > 1`);
  expect(dupLogs).toEqual([]);
  const orphanBlocked = await sql(
    c,
    `SELECT b.seq FROM event_streaming_sync_logs b WHERE b.status = 'Blocked' AND NOT EXISTS (
       SELECT 1 FROM event_streaming_sync_logs f WHERE f.status = 'Failed' AND f.producer_id = b.producer_id
         AND f.remote_document_id = b.remote_document_id AND f.seq < b.seq)`
  );
  expect(orphanBlocked).toEqual([]);
  // Every producer item once on the consumer, with the producer's values, each with one reference.
  const mine = (await items(c)).filter((i) => !String(i.name).startsWith('local-'));
  const shape = (rows: Array<Record<string, unknown>>) => rows.map((r) => `${r.sku} ${r.name} ${Number(r.price)}`).sort();
  expect(shape(mine)).toEqual(shape(producerItems));
  const refs = await sql(c, `SELECT local_document_id AS d FROM event_streaming_remote_refs WHERE remote_content_type = ?`, [ITEM]);
  expect(mine.filter((m) => refs.filter((r) => r.d === m.d).length !== 1)).toEqual([]);
  // Both indexes exist (a later writer that slipped through would be refused by the database).
  const index =
    client === 'postgres'
      ? `SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE ?`
      : `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?`;
  expect((await sql(c, index, ['event_streaming_%_uq'])).map((r) => r.name)).toEqual(
    expect.arrayContaining(['event_streaming_remote_refs_remote_uq', 'event_streaming_sync_logs_producer_seq_uq'])
  );
  // Checked last, so that a consumer that never converged first shows what was duplicated.
  expect(converged).toBe(true);
});
