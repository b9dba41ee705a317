/**
 * Issue 3: the delivery guarantees (SPEC §4.4, §6), on two real sites in child processes.
 *
 *  1. a consumer killed with SIGKILL in the middle of a burst gets every event exactly once;
 *  2. replaying the stream from cursor 0 (an operator's edit) duplicates and changes nothing;
 *  3. outages of either side lose nothing, and the cron pull catches up with no manual action;
 *  4. reject / unsubscribe stop a stream at once (also for events already logged), deleting the
 *     Event Producer deregisters and revokes, and re-creating it needs nothing but an approval.
 *
 * "Exactly once" is checked below the API: one document per name, one sync-log row per producer
 * seq (the idempotency key), and the sync log's seqs equal to the producer's update-log seqs.
 */
import { expectStatus, startSites, stopAll, waitFor, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { sql, syncLogCounts, updateLogRows } from '../helpers/db';
import { CUSTOMER, SUPPLIER } from '../helpers/uids';

const PLURAL: Record<string, string> = { [CUSTOMER]: 'customers', [SUPPLIER]: 'suppliers' };
/** A cron rule that does not fire during a test run (1 January, 00:00). */
const NO_CRON = '0 0 1 1 *';
const FAST_CRON = '*/2 * * * * *';

let producer: Site;
let consumer: Site;
let l: Link;

const subscriptions = (over: { customer?: object; supplier?: object } = {}) => [
  { contentType: CUSTOMER, useSameName: true, ...over.customer },
  { contentType: SUPPLIER, useSameName: false, ...over.supplier },
];

beforeAll(async () => {
  [producer, consumer] = await startSites([
    { name: 'g-producer' },
    {
      name: 'g-consumer',
      // Small pages: a burst spans many pages (cursor saves, lease renewals). A short lease: after
      // kill -9 the restarted process may take over the dead one's lease within seconds.
      env: { EVENT_STREAMING_PULL_CRON: FAST_CRON, EVENT_STREAMING_PAGE_SIZE: '25', EVENT_STREAMING_LEASE_MS: '4000' },
    },
  ]);
  l = await link(producer, consumer, subscriptions());
  await setStatus(l, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved' });
  await eventually(async () => (await eventProducer()).subscriptions.every((s: any) => s.status === 'Approved'), 'consumer sees Approved');
});

afterAll(() => stopAll());

// ---------------------------------------------------------------------------------------------
// helpers

/** The harness keeps a site's child environment on `env`; a restart boots with it. */
const setEnv = (site: Site, vars: Record<string, string>) => Object.assign((site as unknown as { env: Record<string, string> }).env, vars);

const tagOf = (what: string) => `${what}-${Date.now().toString(36)}`;

async function eventProducer(): Promise<any> {
  return expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'get Event Producer').body.data;
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T, R>(n: number, items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next;
        next += 1;
        out[i] = await fn(items[i], i);
      }
    })
  );
  return out;
}

/** Every document of `uid` on `site` whose name starts with `prefix` (all pages). */
async function docsByPrefix(site: Site, uid: string, prefix: string): Promise<any[]> {
  const all: any[] = [];
  for (let page = 1; ; page += 1) {
    const res = expectStatus(
      await site.api(
        'GET',
        `/${PLURAL[uid]}?${prefix ? `filters[name][$startsWith]=${encodeURIComponent(prefix)}&` : ''}pagination[pageSize]=100&pagination[page]=${page}&sort=id`
      ),
      `list ${uid}`
    );
    all.push(...res.body.data);
    if (page >= res.body.meta.pagination.pageCount) return all;
  }
}

const countByPrefix = async (site: Site, uid: string, prefix: string): Promise<number> => {
  const res = expectStatus(
    await site.api('GET', `/${PLURAL[uid]}?filters[name][$startsWith]=${encodeURIComponent(prefix)}&pagination[pageSize]=1`),
    'count'
  );
  return res.body.meta.pagination.total;
};

/** name -> how many documents carry it, over both types. */
async function nameCounts(site: Site, prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const uid of [CUSTOMER, SUPPLIER])
    for (const d of await docsByPrefix(site, uid, prefix)) counts.set(d.name, (counts.get(d.name) ?? 0) + 1);
  return counts;
}

async function create(uid: string, data: Record<string, unknown>): Promise<string> {
  return expectStatus(await producer.api('POST', `/${PLURAL[uid]}`, { data }), `create ${uid}`).body.data.documentId;
}

async function update(uid: string, documentId: string, data: Record<string, unknown>) {
  expectStatus(await producer.api('PUT', `/${PLURAL[uid]}/${documentId}`, { data }), `update ${uid}`);
}

async function remove(uid: string, documentId: string) {
  expectStatus(await producer.api('DELETE', `/${PLURAL[uid]}/${documentId}`), `delete ${uid}`, [200, 204]);
}

/** Pulls until a pull finds nothing new (the consumer has caught up with the producer's head). */
async function settle(): Promise<void> {
  await eventually(async () => {
    const r = await pullNow(l);
    return !r.busy && r.pulled === 0 && r.cursor === r.headSeq;
  }, 'the consumer to catch up');
}

/**
 * Exactly once, below the API: every producer event of `remoteIds` has exactly one sync-log row
 * (status Synced), and the consumer's sync log has no seq the producer does not.
 */
async function expectExactlyOnce(remoteIds: string[]) {
  const logged = (await updateLogRows(producer)).filter((r) => remoteIds.includes(r.documentId));
  expect(logged.length).toBeGreaterThanOrEqual(remoteIds.length);
  expect(logged.every((r) => r.seq !== null)).toBe(true);
  const seqs = logged.map((r) => r.seq as number).sort((a, b) => a - b);
  const counts = await syncLogCounts(consumer, l.producerId, remoteIds);
  expect([...counts.keys()].sort((a, b) => a - b)).toEqual(seqs);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  const statuses = await sql(
    consumer,
    `SELECT status, COUNT(*) AS n FROM event_streaming_sync_logs WHERE producer_id = ? AND seq >= ? AND seq <= ? GROUP BY status`,
    [l.producerId, seqs[0], seqs[seqs.length - 1]]
  );
  expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['Synced', expect.any(Number)]]);
}

/**
 * Pauses the consumer's pulls of this producer by holding its pull lease from outside (what
 * another instance holding it looks like), so events can pile up on the producer unpulled.
 */
async function holdLease(): Promise<void> {
  await sql(consumer, `UPDATE event_streaming_producers SET lease_owner = ?, lease_until = ? WHERE id = ?`, [
    'held-by-test',
    Date.now() + 600_000,
    l.producerId,
  ]);
  const r = await pullNow(l);
  expect(r.busy).toBe(true);
}

async function releaseLease(): Promise<void> {
  await sql(consumer, `UPDATE event_streaming_producers SET lease_owner = NULL, lease_until = NULL WHERE id = ?`, [l.producerId]);
}

/** Documents of both types named `prefix...` on the consumer, read from its database (works while it is down). */
async function appliedOf(prefix: string): Promise<number> {
  const [{ n }] = await sql(
    consumer,
    `SELECT (SELECT COUNT(*) FROM customers WHERE name LIKE ?) + (SELECT COUNT(*) FROM suppliers WHERE name LIKE ?) AS n`,
    [`${prefix}%`, `${prefix}%`]
  );
  return Number(n);
}

// Every test starts with both sites up, also after a failed one left a site down.
beforeEach(async () => {
  for (const site of [producer, consumer]) if (!site.running) await site.restart();
});

// ---------------------------------------------------------------------------------------------

describe('1. crash mid-stream', () => {
  test('kill -9 while applying a burst of 60 creates: after restart every document arrives exactly once', async () => {
    const tag = tagOf('crash');
    const N = 60;
    // The burst piles up on the producer while the consumer is held back, so that the consumer
    // then applies it in one long stretch, which the kill interrupts.
    await holdLease();
    const remoteIds = await pool(
      4,
      Array.from({ length: N }, (_, i) => i),
      (i) => create(i % 2 ? SUPPLIER : CUSTOMER, { name: `${tag}-${i}` })
    );
    await releaseLease();
    const pulling = consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`).then(
      (res) => res.status,
      (error: Error) => error.message // the connection dies with the process
    );
    // Once it is under way, kill it at a random moment: the database read that tells us so (like
    // any answer of the site) comes between two of its transactions, the jitter decorrelates.
    await waitFor(async () => (await appliedOf(tag)) >= 5, {
      intervalMs: 5,
      timeoutMs: 30_000,
      what: 'the consumer to start applying the burst',
    });
    await new Promise((r) => setTimeout(r, Math.random() * 100));
    await consumer.kill9();
    console.log(`[crash] the pull request ended with: ${await pulling}`);
    const [lease] = await sql(
      consumer,
      `SELECT lease_owner AS owner, last_pulled_seq AS pulled_cursor FROM event_streaming_producers WHERE id = ?`,
      [l.producerId]
    );
    const n = await appliedOf(tag);
    console.log(
      `[crash] killed with ${n}/${N} documents applied; cursor ${lease.pulled_cursor}; ${lease.owner ? 'inside a pull' : 'between pulls'}`
    );
    // The kill did interrupt the stream: part of the burst is applied, part is not.
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(N);

    await consumer.restart();
    // No manual pull: the restarted site resumes by itself (cron, once the dead lease expired).
    await eventually(
      async () => (await countByPrefix(consumer, CUSTOMER, tag)) + (await countByPrefix(consumer, SUPPLIER, tag)) === N,
      'every document of the burst on the restarted consumer',
      40_000
    );
    await settle();

    const names = await nameCounts(consumer, tag);
    expect(names.size).toBe(N);
    expect([...names.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    await expectExactlyOnce(remoteIds);
    // One remote reference per remote document (Use Same Name off relies on it to find its copy).
    const refs = await sql(
      consumer,
      `SELECT remote_document_id AS rid, COUNT(*) AS n FROM event_streaming_remote_refs GROUP BY remote_document_id`
    );
    const refCount = new Map(refs.map((r) => [r.rid, Number(r.n)]));
    expect(remoteIds.map((id) => refCount.get(id))).toEqual(remoteIds.map(() => 1));
  });
});

describe('2. idempotent replay', () => {
  test('the cursor reset to 0 by an operator (site stopped, SQL edit): the replay changes and duplicates nothing, in both naming modes', async () => {
    const tag = tagOf('replay');
    // A history with every kind of event, in both naming modes.
    const c1 = await create(CUSTOMER, { name: `${tag}-c1`, email: 'c1@example.com' });
    const c2 = await create(CUSTOMER, { name: `${tag}-c2` });
    const s1 = await create(SUPPLIER, { name: `${tag}-s1` });
    const s2 = await create(SUPPLIER, { name: `${tag}-s2` });
    await update(CUSTOMER, c1, { email: 'c1@new.example.com' });
    await update(SUPPLIER, s1, { name: `${tag}-s1-renamed` });
    await remove(CUSTOMER, c2);
    await remove(SUPPLIER, s2);
    await eventually(async () => (await getDoc(consumer, 'customers', c1))?.email === 'c1@new.example.com', 'customer update applied');
    await eventually(
      async () => (await docsByPrefix(consumer, SUPPLIER, tag)).map((d) => d.name).join() === `${tag}-s1-renamed`,
      'supplier rename and delete applied'
    );
    await eventually(async () => (await getDoc(consumer, 'customers', c2)) === null, 'customer delete applied');
    await settle();

    const snapshot = async () => ({
      customers: await docsByPrefix(consumer, CUSTOMER, ''),
      suppliers: await docsByPrefix(consumer, SUPPLIER, ''),
      syncLogs: await sql(
        consumer,
        `SELECT id, seq, status, local_document_id, error, attempts FROM event_streaming_sync_logs ORDER BY id`
      ),
      refs: await sql(
        consumer,
        `SELECT id, local_document_id, remote_document_id, last_applied_seq, deleted FROM event_streaming_remote_refs ORDER BY id`
      ),
      consumerUpdateLog: await sql(consumer, `SELECT COUNT(*) AS n FROM event_streaming_update_logs`),
      producerUpdateLog: (await updateLogRows(producer)).length,
    });
    const before = await snapshot();
    const processed = new Set(before.syncLogs.map((r) => Number(r.seq))).size;
    const head = (await eventProducer()).lastPulledSeq;
    expect(processed).toBeGreaterThan(60);

    // The operator's replay: stop the site, rewind its cursor in the database, start it again.
    // The cron stays off for this boot so that the pull below is the one that replays.
    await consumer.stop();
    await sql(consumer, `UPDATE event_streaming_producers SET last_pulled_seq = 0 WHERE id = ?`, [l.producerId]);
    setEnv(consumer, { EVENT_STREAMING_PULL_CRON: NO_CRON, EVENT_STREAMING_PULL_ON_BOOT: 'false' });
    await consumer.restart();
    expect((await eventProducer()).lastPulledSeq).toBe(0);

    const replay = await pullNow(l);
    expect(replay).toMatchObject({ pulled: processed, applied: 0, failed: 0, cursor: head });
    expect(await snapshot()).toEqual(before);

    // Another replay path: a manual resync of old Synced entries re-applies the producer's
    // current state onto the copy it already has: no second copy, same field values.
    for (const remoteId of [c1, s1]) {
      const [entry] = await sql(
        consumer,
        `SELECT id FROM event_streaming_sync_logs WHERE producer_id = ? AND remote_document_id = ? ORDER BY seq LIMIT 1`,
        [l.producerId, remoteId]
      );
      const resynced = expectStatus(await consumer.admin('POST', `/event-streaming/sync-logs/${entry.id}/resync`), 'resync').body.data;
      expect(resynced.status).toBe('Synced');
    }
    // (Strapi stamps updatedAt and, on types without Draft & Publish, publishedAt on every write.)
    const strip = (docs: any[]) => docs.map(({ updatedAt, publishedAt, ...rest }) => rest);
    const after = await snapshot();
    expect(strip(after.customers)).toEqual(strip(before.customers));
    expect(strip(after.suppliers)).toEqual(strip(before.suppliers));
    expect(after.syncLogs.length).toBe(before.syncLogs.length);
    expect(after.refs.length).toBe(before.refs.length);
  });
});

describe('3. outages', () => {
  test('changes made while the consumer is down arrive after its restart through the cron alone, exactly once', async () => {
    const tag = tagOf('offline');
    await consumer.stop();
    setEnv(consumer, { EVENT_STREAMING_PULL_CRON: FAST_CRON, EVENT_STREAMING_PULL_ON_BOOT: 'true' });
    // Meanwhile the producer changes; its notifications to the dead consumer are lost.
    const customers = await pool(3, [0, 1, 2, 3], (i) => create(CUSTOMER, { name: `${tag}-c${i}`, email: `c${i}@example.com` }));
    const suppliers = await pool(3, [0, 1, 2, 3], (i) => create(SUPPLIER, { name: `${tag}-s${i}` }));
    await update(CUSTOMER, customers[0], { email: 'c0@changed.example.com' });
    await update(SUPPLIER, suppliers[0], { name: `${tag}-s0-changed` });
    await remove(CUSTOMER, customers[1]);
    await remove(SUPPLIER, suppliers[1]);

    await consumer.restart();
    // No pullNow: only the periodic pull can bring these.
    await eventually(
      async () => {
        const names = [...(await nameCounts(consumer, tag)).keys()].sort();
        return names.join() === [`${tag}-c0`, `${tag}-c2`, `${tag}-c3`, `${tag}-s0-changed`, `${tag}-s2`, `${tag}-s3`].join();
      },
      'the offline changes on the consumer',
      30_000
    );
    expect((await getDoc(consumer, 'customers', customers[0]))?.email).toBe('c0@changed.example.com');
    const names = await nameCounts(consumer, tag);
    expect([...names.values()].every((n) => n === 1)).toBe(true);
    await eventually(async () => (await eventProducer()).lag === 0, 'lag 0');
    await expectExactlyOnce([...customers, ...suppliers]);
  });

  test('producer down: pull now is a clear 4xx and the health says why; producer back: the cron catches up with no manual action', async () => {
    const tag = tagOf('outage');
    // A crash of the producer right after its commits: the last ones may not even be sequenced or
    // notified yet (bootstrap sequences them; only the consumer's cron can then bring them).
    const ids = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => create(CUSTOMER, { name: `${tag}-${i}` })));
    await producer.kill9();

    const res = await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.message).toContain(`Could not reach ${producer.url}`);
    const down = await eventProducer();
    expect(down.lastError).toMatch(new RegExp(`Could not reach ${producer.url.replace(/[.:/]/g, '\\$&')}.*ECONNREFUSED`));
    expect(down.lastErrorAt).toBeTruthy();
    // The cron keeps trying (and keeps failing) while the producer is down.
    await eventually(async () => Date.parse((await eventProducer()).lastErrorAt) > Date.parse(down.lastErrorAt), 'a failed cron pull');

    await producer.restart();
    const back = Date.now();
    // No manual action from here: the cron finds the producer again and catches up.
    const healthy = await eventually(
      async () => {
        const p = await eventProducer();
        return p.lastError === null && Date.parse(p.lastSuccessAt) >= back - 1000 ? p : null;
      },
      'the health to recover by itself',
      30_000
    );
    expect(healthy.lag).toBe(0);
    await eventually(async () => (await countByPrefix(consumer, CUSTOMER, tag)) === ids.length, 'the documents written before the crash');
    await expectExactlyOnce(ids);
    // And the push path works again after the restart.
    const after = await create(CUSTOMER, { name: `${tag}-after` });
    await eventually(() => getDoc(consumer, 'customers', after), 'a document written after the restart');
  });
});

describe('4. reject, unsubscribe, delete', () => {
  let keeper: { remote: string; local: string };

  beforeAll(async () => {
    await settle();
    const remote = await create(SUPPLIER, { name: tagOf('keeper') });
    const local = await eventually(async () => {
      const [ref] = await sql(consumer, `SELECT local_document_id AS id FROM event_streaming_remote_refs WHERE remote_document_id = ?`, [
        remote,
      ]);
      return ref?.id as string | undefined;
    }, 'the keeper supplier on the consumer');
    keeper = { remote, local };
  });

  test('rejecting a type on the producer stops it at once, also for events logged before the reject', async () => {
    const tag = tagOf('rejected');
    const keeperLogId = Math.max(...(await updateLogRows(producer)).map((r) => r.id));
    await holdLease();
    try {
      const fresh = await create(SUPPLIER, { name: `${tag}-new` });
      await update(SUPPLIER, keeper.remote, { name: `${tag}-keeper-renamed` });
      // Both are in the producer's log, not yet pulled.
      const logged = (await updateLogRows(producer)).filter((r) => [fresh, keeper.remote].includes(r.documentId) && r.id > keeperLogId);
      expect(logged.map((r) => r.updateType).sort()).toEqual(['Create', 'Update']);
      await setStatus(l, { [SUPPLIER]: 'Rejected' });
    } finally {
      await releaseLease();
    }
    // The other type still streams: a customer written after the reject is the barrier.
    const barrier = await create(CUSTOMER, { name: `${tag}-barrier` });
    await eventually(() => getDoc(consumer, 'customers', barrier), 'the barrier customer');
    await settle();
    expect(await countByPrefix(consumer, SUPPLIER, tag)).toBe(0);
    const kept = await getDoc(consumer, 'suppliers', keeper.local);
    expect(kept.name).not.toContain('renamed');
    expect((await eventProducer()).subscriptions.find((s: any) => s.contentType === SUPPLIER).status).toBe('Rejected');
    // A supplier change now is not even logged (no consumer has the type Approved).
    const later = await create(SUPPLIER, { name: `${tag}-later` });
    expect((await updateLogRows(producer)).filter((r) => r.documentId === later)).toEqual([]);
  });

  test('unsubscribing a type on the consumer stops it at once, also for events logged before', async () => {
    const tag = tagOf('unsub');
    const old = await create(CUSTOMER, { name: `${tag}-old`, email: 'old@example.com' });
    await eventually(() => getDoc(consumer, 'customers', old), 'the customer before unsubscribing');
    await holdLease();
    let fresh: string;
    let head: number;
    try {
      fresh = await create(CUSTOMER, { name: `${tag}-new` });
      await update(CUSTOMER, old, { email: 'old@changed.example.com' });
      expect((await updateLogRows(producer)).filter((r) => [fresh, old].includes(r.documentId)).length).toBe(3);
      head = (await updateLogRows(producer)).reduce((m, r) => Math.max(m, r.seq ?? 0), 0);
      expectStatus(
        await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
          producerUrl: producer.url,
          subscriptions: subscriptions({ customer: { unsubscribed: true } }),
        }),
        'unsubscribe'
      );
    } finally {
      await releaseLease();
    }
    const r = await pullNow(l);
    expect(r.cursor).toBeGreaterThanOrEqual(head!); // the events were passed over, not left behind
    expect(await getDoc(consumer, 'customers', fresh!)).toBeNull();
    expect((await getDoc(consumer, 'customers', old)).email).toBe('old@example.com');
    const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'Event Consumer').body.data;
    expect(ec.subscriptions.filter((s: any) => s.contentType === CUSTOMER && !s.unsubscribed)).toEqual([]);
    // Nothing consumes customers any more: a change is not even logged.
    const later = await create(CUSTOMER, { name: `${tag}-later` });
    expect((await updateLogRows(producer)).filter((r) => r.documentId === later)).toEqual([]);
  });

  test('deleting the Event Producer deregisters and revokes the callback token; re-creating it needs only a new approval', async () => {
    const tag = tagOf('recreate');
    const siteId = expectStatus(await consumer.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
    const callbackTokens = async () =>
      (expectStatus(await consumer.admin('GET', '/admin/api-tokens'), 'api tokens').body.data as any[]).filter((t) =>
        t.name.startsWith(`event-streaming callbacks from ${producer.url}`)
      );
    expect(await callbackTokens()).toHaveLength(1);

    expectStatus(await consumer.admin('DELETE', `/event-streaming/producers/${l.producerId}`), 'delete Event Producer');
    const consumers = expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'consumers').body.data as any[];
    expect(consumers.filter((c) => c.consumerSiteId === siteId)).toEqual([]);
    expect(await callbackTokens()).toHaveLength(0);
    expect(expectStatus(await consumer.admin('GET', '/event-streaming/producers'), 'producers').body.data).toEqual([]);

    // Same URL, same API token, no clean-up anywhere: a fresh, Pending registration.
    const created = expectStatus(
      await consumer.admin('POST', '/event-streaming/producers', {
        producerUrl: producer.url,
        apiToken: l.token,
        subscriptions: subscriptions(),
      }),
      're-create Event Producer',
      201
    ).body.data;
    const ec = (expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'consumers').body.data as any[]).find(
      (c) => c.consumerSiteId === siteId
    );
    expect(ec.subscriptions.map((s: any) => [s.contentType, s.status])).toEqual([
      [CUSTOMER, 'Pending'],
      [SUPPLIER, 'Pending'],
    ]);
    expect(await callbackTokens()).toHaveLength(1);
    l = { ...l, producerId: created.id, consumerId: ec.id };

    const pending = await create(CUSTOMER, { name: `${tag}-pending` });
    expect((await pullNow(l)).pulled).toBe(0);
    expect(await getDoc(consumer, 'customers', pending)).toBeNull();

    await setStatus(l, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved' });
    const fresh = await create(CUSTOMER, { name: `${tag}-fresh` });
    await update(SUPPLIER, keeper.remote, { name: `${tag}-keeper` });
    await eventually(() => getDoc(consumer, 'customers', fresh), 'a customer after the new approval');
    // The supplier synced under the deleted Event Producer is found again (Use Same Name off):
    // the same local document is updated, no second copy appears.
    await eventually(async () => (await getDoc(consumer, 'suppliers', keeper.local))?.name === `${tag}-keeper`, 'the keeper renamed');
    expect(await countByPrefix(consumer, SUPPLIER, `${tag}-keeper`)).toBe(1);
  });
});
