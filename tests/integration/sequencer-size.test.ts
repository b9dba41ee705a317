/**
 * The sequencer moves a backlog of big entries in batches bounded by size (issue 17.6), two real
 * sites on PostgreSQL or MariaDB. While a test session holds the sequencer's lock (PostgreSQL: its
 * advisory lock; MariaDB: the row lock on the site-id row), the producer takes 20 published
 * articles of about 1 MB each through REST: capture commits their entries to the outbox, nothing
 * sequences them. Released, one run moves the whole backlog. Before the batches were bounded it
 * read, parsed and inserted the 20 MB at once (up to 2,000 entries a batch): on MariaDB that insert
 * is over max_allowed_packet (16 MiB by default) and the log stopped there; the producer's memory
 * peaked with the batch (bench `bigdocs`: 3 GB for 500 documents).
 *
 * Meanwhile the health report answers at once (its sampler does not wait for the sequencer's
 * lock: samples that waited exhausted the connection pool and the writes stalled), and its lag
 * counts the entries waiting in the outbox.
 *
 * Not on SQLite: a test cannot hold its single writer's lock without stopping the writes too.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { dbSession, sql } from '../helpers/db';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { ARTICLE } from '../helpers/uids';
import { STREAM_ACTIONS } from '../../server/src/constants';

const client = process.env.DATABASE_CLIENT ?? 'sqlite';
const DOCS = 20;
const CHARS = 1_000_000;
/** update-log.ts SEQUENCER_LOCK. */
const SEQUENCER_LOCK = 815_700_101;

let producer: Site;
let consumer: Site;
let l: Link;

const serverDb = client === 'postgres' || client === 'mysql';

beforeAll(async () => {
  if (!serverDb) return;
  [producer, consumer] = await startSites([{ name: 'seqsize-producer' }, { name: 'seqsize-consumer' }]);
  l = await link(producer, consumer, [{ contentType: ARTICLE, useSameName: true }]);
  await setStatus(l, { [ARTICLE]: 'Approved' });
}, 240_000);

afterAll(() => stopAll());

(serverDb ? test : test.skip)(
  'a backlog of 20 one-megabyte entries is sequenced in size-bounded batches: gap-free, in outbox order, every one delivered',
  async () => {
    const tag = `seqsize-${Date.now().toString(36)}`;
    const lock = await dbSession(producer);
    let held = false;
    const ids: string[] = [];
    try {
      if (client === 'postgres') await lock.query('SELECT pg_advisory_lock(?)', [SEQUENCER_LOCK]);
      else {
        await lock.query('START TRANSACTION');
        await lock.query('SELECT id FROM event_streaming_site WHERE id = 1 FOR UPDATE');
      }
      held = true;
      for (let i = 0; i < DOCS; i += 1) {
        const body = { data: { title: `${tag} ${i}`, content: `${i} `.padEnd(CHARS, 'x') } };
        ids.push(expectStatus(await producer.api('POST', '/articles?status=published', body), `article ${i}`, 201).body.data.documentId);
      }
      // The health sampler meanwhile does not wait for the lock (each sample that waited held a
      // pooled connection: every few seconds one more, until the pool, and these writes, stalled).
      const t0 = Date.now();
      const monitor = (await producer.createApiToken({ name: `monitor-${tag}`, type: 'custom', permissions: [STREAM_ACTIONS.health] }))
        .accessKey;
      const report = expectStatus(
        await producer.api('GET', '/event-streaming/health', undefined, { token: monitor }),
        'health while the lock is held'
      ).body;
      expect(Date.now() - t0).toBeLessThan(5_000);
      // Committed, not sequenced: the whole backlog waits in the outbox, with its sizes.
      const waiting = await sql(producer, 'SELECT id, entry_chars AS chars FROM event_streaming_outbox ORDER BY id');
      expect(waiting.length).toBeGreaterThanOrEqual(DOCS);
      expect(waiting.reduce((n, r) => n + Number(r.chars), 0)).toBeGreaterThan(DOCS * CHARS);
      // ... and the report counts them: a write whose response came back is in the consumer's lag,
      // sequenced or not (it reported the committed head alone, CI of stop 22: lag 3 after 5 writes).
      const [state] = await sql(producer, 'SELECT head FROM event_streaming_log_state WHERE id = 1');
      const stream = report.consumers.find((c: { id: number }) => c.id === l.consumerId);
      expect(stream.headSeq).toBe(Number(state.head) + waiting.length);
      expect(stream.lagEvents).toBe(stream.headSeq - stream.ackSeq);
      expect(stream.lagEvents).toBeGreaterThanOrEqual(DOCS);
    } finally {
      if (held)
        await lock.query(client === 'postgres' ? 'SELECT pg_advisory_unlock(?)' : 'COMMIT', client === 'postgres' ? [SEQUENCER_LOCK] : []);
      await lock.end();
    }

    await eventually(async () => (await sql(producer, 'SELECT id FROM event_streaming_outbox')).length === 0, 'the outbox moved', 60_000);
    const rows = await sql(
      producer,
      'SELECT seq, target_document_id AS d FROM event_streaming_update_logs WHERE content_type = ? ORDER BY seq',
      [ARTICLE]
    );
    const mine = rows.filter((r) => ids.includes(r.d));
    // Every article in the log once per entry, in the order it was written, with consecutive seqs.
    expect([...new Set(mine.map((r) => r.d))]).toEqual(ids);
    const seqs = mine.map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));

    // And the consumer has every one, whole.
    await eventually(
      async () =>
        Number((await sql(consumer, 'SELECT COUNT(DISTINCT document_id) AS n FROM articles WHERE title LIKE ?', [`${tag}%`]))[0].n) ===
        DOCS,
      'the articles on the consumer',
      120_000
    );
    const lengths = await sql(consumer, 'SELECT title, content FROM articles WHERE title LIKE ? AND published_at IS NOT NULL', [`${tag}%`]);
    expect(lengths.map((r) => String(r.content).length)).toEqual(new Array(DOCS).fill(CHARS));
  },
  300_000
);
