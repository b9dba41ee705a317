/**
 * Issue 3, guarantees 6 and 7 — PostgreSQL and MySQL/MariaDB (DATABASE_CLIENT=postgres | mysql):
 *  6. several Strapi instances on one database pull the same producer without double-applying
 *     (one pull per producer at a time, across processes: the pull lease);
 *  7. the cursor never passes an event: concurrent writes give the update log seqs 1..N without a
 *     gap, and a transaction that commits after later ones (out of id order) is still delivered.
 *
 * On SQLite there is neither a shared database between processes nor concurrent commits, so this
 * file then holds a single test that states why it does not apply.
 */
import fs from 'node:fs';
import { expectStatus, startSite, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus, type Link } from '../helpers/streaming';
import { dbSession, sql, syncLogCounts, updateLogRows } from '../helpers/db';
import { CUSTOMER } from '../helpers/uids';

const client = (process.env.DATABASE_CLIENT || 'sqlite') as 'sqlite' | 'postgres' | 'mysql';

if (client !== 'postgres' && client !== 'mysql') {
  test('database-server guarantees (shared database, out-of-order commits) do not apply to this database client', () => {
    console.log(`[guarantees-postgres] DATABASE_CLIENT=${client}: run with DATABASE_CLIENT=postgres or mysql for guarantees 6 and 7`);
    expect(client).toBe('sqlite');
  });
} else {
  let producer: Site;
  let c1: Site;
  let c2: Site;
  let l: Link;

  /** Secrets both instances of one deployment share (API token hashes, stored-token encryption, admin JWTs). */
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
  const CONSUMER_ENV = { EVENT_STREAMING_PULL_CRON: '*/1 * * * * *', EVENT_STREAMING_PAGE_SIZE: '5' };

  beforeAll(async () => {
    [producer, c1] = await startSites([{ name: 'pg-producer' }, { name: 'pg-consumer', env: CONSUMER_ENV }]);
    // The second instance joins after the first one created the schema (pitfall 13), with the
    // same secrets, like a second replica behind a load balancer (PUBLIC_URL is the balancer's).
    const env1 = (c1 as unknown as { env: Record<string, string> }).env;
    c2 = await startSite({
      name: 'pg-consumer-replica',
      client,
      dbName: c1.dbName!,
      keepData: true, // c1 drops the database
      admin: { email: c1.adminEmail, password: c1.adminPassword },
      env: { ...Object.fromEntries(SHARED_ENV.map((k) => [k, env1[k]])), ...CONSUMER_ENV },
    });
    // Pull-only: no notification favours the first instance; both pull on their own.
    l = await link(producer, c1, [{ contentType: CUSTOMER, useSameName: false }], { pullOnly: true });
    await setStatus(l, { [CUSTOMER]: 'Approved' });
  });

  afterAll(() => stopAll());

  const pullOn = async (site: Site) =>
    expectStatus(await site.admin('POST', `/event-streaming/producers/${l.producerId}/pull`), `pull on ${site.name}`).body.data as {
      pulled: number;
      applied: number;
      busy?: boolean;
    };

  async function countByPrefix(site: Site, prefix: string): Promise<number> {
    const res = expectStatus(
      await site.api('GET', `/customers?filters[name][$startsWith]=${encodeURIComponent(prefix)}&pagination[pageSize]=1`),
      'count'
    );
    return res.body.meta.pagination.total;
  }

  async function nameCounts(site: Site, prefix: string): Promise<Map<string, number>> {
    const rows = await sql(site, `SELECT name, COUNT(*) AS n FROM customers WHERE name LIKE ? GROUP BY name`, [`${prefix}%`]);
    return new Map(rows.map((r) => [r.name as string, Number(r.n)]));
  }

  async function createMany(names: string[], concurrency: number): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < names.length) {
          const name = names[next];
          next += 1;
          ids.push(expectStatus(await producer.api('POST', '/customers', { data: { name } }), 'create').body.data.documentId);
        }
      })
    );
    return ids;
  }

  /** Pulls on the given instances in a loop (all at once each round) until `stop()` says so. */
  /**
   * Pulls on the given instances in rounds (all at once, the first one rotating and the others
   * 5 ms behind it) until `stop()` says so. Counts, per instance, the pulls turned away because
   * the other instance held the lease.
   */
  async function hammer(
    sites: Site[],
    stop: () => boolean | Promise<boolean>,
    busy = new Map<string, number>()
  ): Promise<Map<string, number>> {
    for (let round = 0; !(await stop()); round += 1) {
      await Promise.all(
        sites.map(async (s, i) => {
          if (i !== round % sites.length) await new Promise((r) => setTimeout(r, 5));
          if ((await pullOn(s)).busy) busy.set(s.name, (busy.get(s.name) ?? 0) + 1);
        })
      );
    }
    return busy;
  }

  async function expectExactlyOnce(remoteIds: string[]) {
    const seqs = (await updateLogRows(producer))
      .filter((r) => remoteIds.includes(r.documentId))
      .map((r) => r.seq)
      .sort((x, y) => (x ?? 0) - (y ?? 0));
    expect(seqs).toHaveLength(remoteIds.length);
    expect(seqs.every((s) => s !== null)).toBe(true);
    const counts = await syncLogCounts(c1, l.producerId, remoteIds);
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual(seqs);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }

  /** The producer's whole update log is sequenced 1..N with no gap and no unsequenced row. */
  async function expectGapFreeLog() {
    const rows = await updateLogRows(producer);
    const seqs = rows.map((r) => r.seq);
    expect(seqs.filter((s) => s === null)).toEqual([]);
    expect([...seqs].sort((x, y) => x! - y!)).toEqual(rows.map((_, i) => i + 1));
  }

  describe('6. several instances on one PostgreSQL / MariaDB database', () => {
    test('two consumer instances pulling the same producer at once apply every event exactly once', async () => {
      expect(c2.dbName).toBe(c1.dbName);
      // The replica sees the Event Producer the first instance created (same database).
      const seen = expectStatus(await c2.admin('GET', '/event-streaming/producers'), 'producers on the replica').body.data;
      expect(seen.map((p: { id: number }) => p.id)).toEqual([l.producerId]);

      const tag = `multi-${Date.now().toString(36)}`;
      const N = 40;
      // Sample who holds the pull lease meanwhile.
      const owners = new Set<string>();
      let sampling = true;
      const session = await dbSession(c1);
      const sampler = (async () => {
        while (sampling) {
          const rows = await session.query('SELECT lease_owner AS o FROM event_streaming_producers WHERE id = ?', [l.producerId]);
          if (rows[0]?.o) owners.add(rows[0].o);
        }
        await session.end();
      })();
      // Four waves; during and after each one both instances pull as fast as they can (and their
      // crons every second), until the wave is applied.
      const ids: string[] = [];
      const busy = new Map<string, number>();
      for (let wave = 0; wave < 4; wave += 1) {
        let written = false;
        const writing = createMany(
          Array.from({ length: N / 4 }, (_, i) => `${tag}-${wave}-${i}`),
          5
        ).then((created) => {
          written = true;
          ids.push(...created);
        });
        const target = ((wave + 1) * N) / 4;
        await hammer(wave % 2 ? [c2, c1] : [c1, c2], async () => written && (await countByPrefix(c2, tag)) >= target, busy);
        await writing;
      }
      sampling = false;
      await sampler;
      console.log(
        `[multi-instance] lease holders seen: ${owners.size}; pulls turned away by the other instance's lease: ${JSON.stringify(Object.fromEntries(busy))}`
      );
      const names = await nameCounts(c1, tag);
      expect(names.size).toBe(N);
      expect([...names.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      await expectExactlyOnce(ids);
      // The two instances did try to pull at the same time (the lease turned one away), so this
      // run exercised the cross-instance exclusion.
      expect([...busy.values()].reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    });
  });

  describe('6b. several producer instances on one PostgreSQL / MariaDB database', () => {
    test('writes spread over two producer instances reach a notified consumer exactly once, by notification alone, with a gap-free log', async () => {
      // A replica of the producer (same database and secrets) and a consumer whose cron never
      // fires: only the producers' notifications make it pull.
      const envP = (producer as unknown as { env: Record<string, string> }).env;
      const p2 = await startSite({
        name: 'pg-producer-replica',
        client,
        dbName: producer.dbName!,
        keepData: true,
        admin: { email: producer.adminEmail, password: producer.adminPassword },
        env: Object.fromEntries(SHARED_ENV.map((k) => [k, envP[k]])),
      });
      const c3 = await startSite({ name: 'pg-notified-consumer', client, env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' } });
      const l3 = await link(producer, c3, [{ contentType: CUSTOMER, useSameName: true }]);
      await setStatus(l3, { [CUSTOMER]: 'Approved' });

      const tag = `two-producers-${Date.now().toString(36)}`;
      const ids: string[] = [];
      const writeOn = async (site: Site, names: string[]) => {
        for (const name of names)
          ids.push(expectStatus(await site.api('POST', '/customers', { data: { name } }), `create on ${site.name}`).body.data.documentId);
      };
      // Both instances write at once, several writers each, so their commits (and their
      // sequencer runs, serialised by the advisory lock) interleave.
      await Promise.all(
        [producer, p2].flatMap((site, k) =>
          [0, 1, 2].map((w) =>
            writeOn(
              site,
              Array.from({ length: 8 }, (_, i) => `${tag}-${k}-${w}-${i}`)
            )
          )
        )
      );
      await eventually(
        async () => (await countByPrefix(c3, tag)) === ids.length,
        `all ${ids.length} documents on the notified consumer`,
        30_000
      );
      const names = await nameCounts(c3, tag);
      expect(names.size).toBe(48);
      expect([...names.values()].every((n) => n === 1)).toBe(true);
      for (const id of ids.slice(0, 3)) expect(await getDoc(c3, 'customers', id)).not.toBeNull();
      await expectGapFreeLog();
      // No instance logged a failed sequencer run or notification.
      for (const site of [producer, p2]) expect(fs.readFileSync(site.logFile, 'utf8')).not.toMatch(/notifying consumers failed/);
    });
  });

  describe('7. gap-free cursor under concurrent commits', () => {
    test('waves of 50 parallel writes while pulling continuously: everything arrives, seqs are 1..N', async () => {
      const tag = `waves-${Date.now().toString(36)}`;
      const ids: string[] = [];
      let done = false;
      const pulling = hammer([c1], () => done);
      for (let wave = 0; wave < 3; wave += 1) {
        const names = Array.from({ length: 50 }, (_, i) => `${tag}-${wave}-${i}`);
        ids.push(...(await createMany(names, 50)));
      }
      await eventually(async () => (await countByPrefix(c1, tag)) === 150, 'all 150 documents on the consumer', 60_000);
      done = true;
      await pulling;
      await expectExactlyOnce(ids);
      await expectGapFreeLog();
    });

    test('an event whose transaction commits after later ones (out of id order) is not skipped by the cursor', async () => {
      const tag = `ooo-${Date.now().toString(36)}`;
      // A committed create to copy the slow writer's row from.
      const [seed] = await createMany([`${tag}-seed`], 1);
      await eventually(async () => (await countByPrefix(c1, `${tag}-seed`)) === 1, 'the seed on the consumer');
      const slow = await dbSession(producer);
      let open = false;
      try {
        // A slow writer: its outbox entry takes an id now but commits only at the end.
        await slow.query('BEGIN');
        open = true;
        const template = (await slow.query(`SELECT * FROM event_streaming_update_logs WHERE target_document_id = ?`, [seed]))[0];
        const templateData = typeof template.data === 'string' ? JSON.parse(template.data) : template.data; // MariaDB: JSON text
        const slowDocumentId = `slow${Date.now().toString(36)}`.padEnd(24, 'x');
        const entry = {
          updateType: template.update_type,
          contentType: template.content_type,
          targetDocumentId: slowDocumentId,
          docLocale: null,
          data: { ...templateData, name: `${tag}-slow` },
          originSiteId: template.origin_site_id,
          createdAt: new Date().toISOString(),
        };
        const inserted = await slow.query(`INSERT INTO event_streaming_outbox (entry) VALUES (?) RETURNING id`, [JSON.stringify(entry)]);
        const slowId = Number(inserted[0].id);
        const maxOutboxId = async () => Number((await sql(producer, 'SELECT MAX(id) AS m FROM event_streaming_outbox'))[0].m ?? 0);

        // Later writers commit first, are sequenced and pulled; the cursor moves past them.
        const fast = await createMany(
          [0, 1, 2, 3, 4].map((i) => `${tag}-fast-${i}`),
          5
        );
        await eventually(async () => (await countByPrefix(c1, `${tag}-fast`)) === 5, 'the later writes on the consumer');
        const fastRows = (await updateLogRows(producer)).filter((r) => fast.includes(r.documentId));
        expect(fastRows.every((r) => r.seq !== null)).toBe(true);
        // They took outbox ids after the slow one, and were moved out of it; the slow one waits.
        expect(await maxOutboxId()).toBeLessThanOrEqual(slowId);
        const fastMax = Math.max(...fastRows.map((r) => r.seq!));
        const cursor = async () =>
          Number((await sql(c1, 'SELECT last_pulled_seq AS s FROM event_streaming_producers WHERE id = ?', [l.producerId]))[0].s);
        await eventually(async () => (await cursor()) >= fastMax, 'the consumer cursor past the later writes');
        expect(await countByPrefix(c1, `${tag}-slow`)).toBe(0);

        // The slow writer commits now, behind the cursor in id order.
        await slow.query('COMMIT');
        open = false;
        const slowSeq = await eventually(async () => {
          const r = (await updateLogRows(producer)).find((x) => x.documentId === slowDocumentId);
          return r?.seq ?? null;
        }, 'the slow row to be sequenced');
        // No manual pull: the crons of both instances must pick it up.
        await eventually(async () => (await countByPrefix(c1, `${tag}-slow`)) === 1, 'the late-committed event on the consumer', 20_000);
        expect(slowSeq).toBeGreaterThan(fastMax); // sequenced at its commit, not at its insert
        expect(await getDoc(c1, 'customers', slowDocumentId)).toBeNull(); // Use Same Name off: a local documentId
        await expectExactlyOnce([...fast, slowDocumentId]);
        await expectGapFreeLog();
      } finally {
        if (open) await slow.query('ROLLBACK');
        await slow.end();
      }
    });
  });
}
