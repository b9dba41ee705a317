/**
 * Issue 12 item 4: a consumer restarted after kill -9 resumes at once. Its dead predecessor's pull
 * lease (the playground's default, 60 s: not shortened here) must not hold it back, and it must not
 * wait for the next minute's cron: on boot it pulls every producer.
 */
import { expectStatus, startSites, stopAll, waitFor, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { sql, syncLogCounts, updateLogRows } from '../helpers/db';
import { CUSTOMER } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  // Default pull cron (every minute) and default lease (60 s) on the consumer.
  [producer, consumer] = await startSites([{ name: 'rel-producer' }, { name: 'rel-consumer' }]);
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  await eventually(async () => {
    const p = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
    return p.subscriptions.every((s: { status: string }) => s.status === 'Approved');
  }, 'consumer sees Approved');
});

afterAll(() => stopAll());

const appliedOf = async (prefix: string): Promise<number> =>
  Number((await sql(consumer, `SELECT COUNT(*) AS n FROM customers WHERE name LIKE ?`, [`${prefix}%`]))[0].n);

test('300 creates, the consumer killed -9 twice mid-stream and restarted at once: all 300 exactly once within 10 s of the last restart', async () => {
  const tag = `rel-${Date.now().toString(36)}`;
  const N = 300;
  const created: string[] = [];
  let next = 0;
  const stream = Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < N) {
        const i = next;
        next += 1;
        const res = await producer.api('POST', '/customers', { data: { name: `${tag}-${i}` } });
        created.push(expectStatus(res, `create ${i}`).body.data.documentId);
      }
    })
  );

  let lastRestart = 0;
  let appliedBefore = 0;
  for (const at of [90, 200]) {
    await waitFor(async () => created.length >= at, { timeoutMs: 120_000, intervalMs: 20, what: `${at} creates` });
    // Kill it while it is applying: it has applied more than before the previous kill (so the
    // restarted process did resume), not all of it.
    await waitFor(async () => (await appliedOf(tag)) > appliedBefore, { timeoutMs: 30_000, intervalMs: 20, what: 'the consumer applying' });
    await consumer.kill9();
    const [row] = await sql(
      consumer,
      `SELECT lease_owner AS owner, last_pulled_seq AS pulled_cursor FROM event_streaming_producers WHERE id = ?`,
      [l.producerId]
    );
    console.log(
      `[reliability] killed at ${created.length}/${N} creates, ${await appliedOf(tag)} applied, cursor ${row.pulled_cursor}, lease ${row.owner ? 'held' : 'free'}`
    );
    appliedBefore = await appliedOf(tag);
    await consumer.restart();
    lastRestart = Date.now();
  }
  await stream;
  // From the last restart, or from the last create if the stream outlasted it.
  const from = Math.max(lastRestart, Date.now());
  await waitFor(async () => (await appliedOf(tag)) >= N, {
    timeoutMs: from + 10_000 - Date.now(),
    intervalMs: 100,
    what: `all ${N} documents within 10 s of the last restart`,
  }).catch(async (error: Error) => {
    const [row] = await sql(
      consumer,
      `SELECT lease_owner AS owner, lease_until AS lease_until FROM event_streaming_producers WHERE id = ?`,
      [l.producerId]
    );
    throw new Error(`${error.message}; ${await appliedOf(tag)} applied; lease ${JSON.stringify(row)} at ${Date.now()}`);
  });
  console.log(
    `[reliability] converged ${Date.now() - lastRestart} ms after the last restart, ${Date.now() - from} ms after the bound's start`
  );

  // Exactly once: one document per name, one Synced sync-log row per producer seq.
  const names = await sql(consumer, `SELECT name, COUNT(*) AS n FROM customers WHERE name LIKE ? GROUP BY name`, [`${tag}%`]);
  expect(names.length).toBe(N);
  expect(names.filter((r) => Number(r.n) !== 1)).toEqual([]);
  const seqs = (await updateLogRows(producer))
    .filter((r) => created.includes(r.documentId))
    .map((r) => r.seq)
    .sort((a, b) => Number(a) - Number(b));
  expect(seqs.length).toBe(N);
  const counts = await syncLogCounts(consumer, l.producerId, created);
  expect([...counts.keys()].sort((a, b) => a - b)).toEqual(seqs);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  const statuses = await sql(consumer, `SELECT DISTINCT status FROM event_streaming_sync_logs WHERE producer_id = ?`, [l.producerId]);
  expect(statuses.map((s) => s.status)).toEqual(['Synced']);
});
