/**
 * A pull mirrors the producer's statuses into the consumer's producer row while a registration may
 * be saving that row (the admin unsubscribes a type: producer-registry.ts `update`). The pull must
 * not write back what the row held when it started reading: that undid the unsubscribe (registry
 * test on PostgreSQL, CI of this stop: the producer said unsubscribed, the consumer's row did not).
 *
 * Two real sites on PostgreSQL or MariaDB. The pull is held between its fetch and its mirror:
 * a test session holds the producer's sequencer lock while a customer waits in its outbox, so
 * the consumer's pull (its lease taken) waits for the producer's answer. Meanwhile a second session
 * stands for the registration's save: it locks the consumer's producer row and writes "customers
 * unsubscribed". The producer is let go, the pull reaches its mirror while the save still holds
 * the row, and the save commits a moment later. The mirror must keep the unsubscribe (it reads
 * the row once the save committed) and still record what it saw.
 *
 * Not on SQLite: one connection there, so a save and a pull's mirror never interleave.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { dbSession, sql } from '../helpers/db';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER } from '../helpers/uids';

const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const serverDb = client === 'postgres' || client === 'mysql';
const NEVER = '0 0 1 1 *';

let producer: Site;
let consumer: Site;
let l: Link;

type Sub = { remoteContentType: string; status?: string; unsubscribed?: boolean };
const subscriptionsOf = (row: { subscriptions: unknown }): Sub[] =>
  (typeof row.subscriptions === 'string' ? JSON.parse(row.subscriptions) : row.subscriptions) as Sub[];
const producerRow = async () =>
  (await sql(consumer, 'SELECT subscriptions, remote_schema_hash AS hash FROM event_streaming_producers WHERE id = ?', [l.producerId]))[0];

beforeAll(async () => {
  if (!serverDb) return;
  [producer, consumer] = await startSites([
    { name: 'mirror-producer' },
    { name: 'mirror-consumer', env: { EVENT_STREAMING_PULL_CRON: NEVER } },
  ]);
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }], { pullOnly: true });
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  await eventually(async () => {
    expectStatus(await consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`), 'pull');
    return subscriptionsOf(await producerRow()).find((s) => s.remoteContentType === CUSTOMER)?.status === 'Approved';
  }, 'the approval mirrored');
}, 240_000);

afterAll(() => stopAll());

/** update-log.ts SEQUENCER_LOCK. */
const SEQUENCER_LOCK = 815_700_101;
const begin = client === 'postgres' ? 'BEGIN' : 'START TRANSACTION';

(serverDb ? test : test.skip)('a pull that mirrors while the row is being saved keeps what the save wrote', async () => {
  const before = await producerRow();
  const realHash = before.hash;
  expect(realHash).toBeTruthy();
  // What the pull will see as changed (so it writes the row): a schema hash other than the producer's.
  await sql(consumer, 'UPDATE event_streaming_producers SET remote_schema_hash = ? WHERE id = ?', ['stale', l.producerId]);

  const sequencer = await dbSession(producer);
  const save = await dbSession(consumer);
  let pulling: Promise<unknown> | null = null;
  let released = false;
  try {
    // The producer's answer held back: its sequencer locked, a change waiting in its outbox.
    if (client === 'postgres') await sequencer.query('SELECT pg_advisory_lock(?)', [SEQUENCER_LOCK]);
    else {
      await sequencer.query('START TRANSACTION');
      await sequencer.query('SELECT id FROM event_streaming_site WHERE id = 1 FOR UPDATE');
    }
    expectStatus(await producer.api('POST', '/customers', { data: { name: 'mirror held' } }), 'customer', 201);
    pulling = consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`);
    await new Promise((r) => setTimeout(r, 1000)); // the pull has its lease and waits for the page
    // The registration's save: the row locked and written, not committed yet.
    await save.query(begin);
    await save.query('SELECT id FROM event_streaming_producers WHERE id = ? FOR UPDATE', [l.producerId]);
    const unsubscribed = subscriptionsOf(before).map((s) => (s.remoteContentType === CUSTOMER ? { ...s, unsubscribed: true } : s));
    await save.query('UPDATE event_streaming_producers SET subscriptions = ? WHERE id = ?', [JSON.stringify(unsubscribed), l.producerId]);
    // The page goes out; the pull reaches its mirror while the save holds the row.
    await sequencer.query(client === 'postgres' ? 'SELECT pg_advisory_unlock(?)' : 'COMMIT', client === 'postgres' ? [SEQUENCER_LOCK] : []);
    released = true;
    await new Promise((r) => setTimeout(r, 1500));
    await save.query('COMMIT');
  } finally {
    if (!released)
      await sequencer.query(
        client === 'postgres' ? 'SELECT pg_advisory_unlock(?)' : 'COMMIT',
        client === 'postgres' ? [SEQUENCER_LOCK] : []
      );
    await sequencer.end();
    await save.end();
  }
  expectStatus((await pulling) as Awaited<ReturnType<Site['admin']>>, 'the pull');

  const after = await producerRow();
  // The save's unsubscribe survived the pull's mirror (before: the pull wrote back `unsubscribed: false`) ...
  expect(subscriptionsOf(after).find((s) => s.remoteContentType === CUSTOMER)).toMatchObject({ status: 'Approved', unsubscribed: true });
  // ... and the mirror still recorded what the page said.
  expect(after.hash).toBe(realHash);
});
