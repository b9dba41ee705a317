/**
 * Retention never breaks delivery (issue 12). The producer prunes with retention 0 (every
 * acknowledged row at once) and rows nobody acknowledged after 6 s (an offline consumer's), the
 * maintenance job every second:
 * - the head is a persisted high-water mark: after every row is pruned, new writes get new seqs;
 * - a consumer offline while the producer pruned past its cursor re-copies by itself on return
 *   (updates and deletes included) and streams on;
 * - a producer restored from a backup (SQLite: the database file; PostgreSQL: a template copy of
 *   the database) is detected (cursor above its head) and the consumer re-copies to its state;
 * - a producer restored and then written past the consumer's cursor (same epoch, head above the
 *   cursor: only the key of the row at the cursor tells) is detected the same way;
 * - adaptive pages: with a small maxResponseBytes on the consumer, one huge document is recorded
 *   Failed ("too large to transfer") and the others still arrive.
 */
import fs from 'node:fs';
import { Client } from 'pg';
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ARTICLE, CUSTOMER } from '../helpers/uids';
import { sql } from '../helpers/db';
const { adminConnection, dropDatabase: dropPgDatabase } = require('../helpers/pg');
const mysql = require('../helpers/mysql');

const onMysql = process.env.DATABASE_CLIENT === 'mysql';
/** Drops a server database of the run's client (PostgreSQL or MariaDB). */
const dropDatabase = (name: string): Promise<void> => (onMysql ? mysql.dropDatabase(name) : dropPgDatabase(name));
/** Copies a server database: CREATE DATABASE … TEMPLATE on PostgreSQL, a dump and reload on MariaDB. */
const copyDatabase = (from: string, to: string): Promise<void> => (onMysql ? mysql.copyDatabase(from, to) : copyPgDatabase(from, to));

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([
    {
      name: 'retention-producer',
      env: {
        EVENT_STREAMING_UPDATE_LOG_DAYS: '0',
        EVENT_STREAMING_UNACKED_LOG_DAYS: String(6 / 86_400),
        EVENT_STREAMING_MAINTENANCE_CRON: '*/1 * * * * *',
      },
    },
    { name: 'retention-consumer', env: { EVENT_STREAMING_MAX_RESPONSE_BYTES: '200000' } },
  ]);
  l = await link(producer, consumer, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: ARTICLE, useSameName: true },
  ]);
  await setStatus(l, { [CUSTOMER]: 'Approved', [ARTICLE]: 'Approved' });
}, 240_000);

afterAll(async () => {
  await stopAll(); // drops the producer's database (same name after a restore) / removes its temp dir
  if (producer?.dbName) await dropDatabase(`${producer.dbName}_bk`);
});

const updateLog = async () => expectStatus(await producer.admin('GET', '/event-streaming/update-logs?pageSize=100'), 'update log').body;
const health = async () => expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
const create = async (name: string) =>
  expectStatus(await producer.api('POST', '/customers', { data: { name } }), name).body.data.documentId as string;
const nameOn = async (site: Site, documentId: string) => (await getDoc(site, 'customers', documentId))?.name ?? null;
/** The consumer's sync-log rows of a document (newest first). */
const rowsOf = async (documentId: string) =>
  (await syncLogs(consumer)).data.filter((r: { remoteDocumentId: string }) => r.remoteDocumentId === documentId);
/** The consumer's sync-log notes of re-copies of customers, newest first. */
const recopyNotes = async () =>
  (await syncLogs(consumer)).data
    .filter((r: { remoteDocumentId: string; remoteContentType: string }) => r.remoteDocumentId === '*' && r.remoteContentType === CUSTOMER)
    .map((r: { error: string }) => r.error);

// The restore cases copy the producer's database: a SQLite file, a PostgreSQL TEMPLATE, or a
// MariaDB dump reloaded.

test('after every row is pruned, new writes get new seqs (never reused) and still arrive', async () => {
  const first: string[] = [];
  for (const name of ['Ret 1', 'Ret 2', 'Ret 3']) first.push(await create(name));
  await eventually(async () => (await getDoc(consumer, 'customers', first[2])) !== null, 'the first three on the consumer', 15_000);
  // The rows may be pruned already (acknowledged, retention 0): the seqs as the consumer logged them.
  const seqs = (await Promise.all(first.map(rowsOf))).flat().map((r: { seq: number }) => r.seq);
  const head = Math.max(...seqs);
  expect(seqs.length).toBe(3);
  expect(head).toBeGreaterThanOrEqual(3);

  // One more pull acknowledges the head; then the maintenance job prunes every row.
  await pullNow(l);
  await eventually(async () => (await updateLog()).data.length === 0, 'the log pruned down to nothing', 20_000);

  const later = await create('Ret 4');
  await eventually(async () => (await getDoc(consumer, 'customers', later)) !== null, 'a write after pruning arrives', 15_000);
  expect((await rowsOf(later)).map((r: { seq: number }) => r.seq)).toEqual([head + 1]);
  // Nothing was refused or re-copied on the way.
  expect((await health()).lastError).toBeNull();
  expect(await recopyNotes()).toEqual([]);
});

test("a cursor exactly at what was pruned is still checked: the last pruned row's key is kept", async () => {
  const doc = await create('Edge 1');
  await eventually(async () => (await getDoc(consumer, 'customers', doc)) !== null, 'Edge 1 on the consumer', 15_000);
  await pullNow(l); // acknowledges the head
  await eventually(async () => (await updateLog()).data.length === 0, 'the log pruned down to nothing', 20_000);
  const cursor = (await health()).lastPulledSeq as number;
  const [{ last_pulled_key: key }] = await sql(consumer, 'SELECT last_pulled_key FROM event_streaming_producers WHERE id = ?', [
    l.producerId,
  ]);
  expect(key).toMatch(/^[0-9a-f]{32}$/);
  const at = async (afterKey: string) =>
    expectStatus(
      await producer.request('GET', `/api/event-streaming/updates?after=${cursor}&afterKey=${afterKey}`, undefined, { token: l.token }),
      'pull at the pruned cursor'
    ).body;
  // The row at the cursor is gone: its key still tells the consumer's history from another one.
  expect(await at(key)).toMatchObject({ prunedThrough: cursor, diverged: false, nextCursor: cursor });
  expect(await at('0'.repeat(32))).toMatchObject({ prunedThrough: cursor, diverged: true, events: [] });
  expect((await health()).lastError).toBeNull();
});

test('a consumer offline while the producer pruned past its cursor re-copies on return, then streams on', async () => {
  const kept = await create('Off kept');
  const gone = await create('Off gone');
  await eventually(async () => (await getDoc(consumer, 'customers', gone)) !== null, 'both on the consumer', 15_000);
  await consumer.stop();

  expectStatus(await producer.api('PUT', `/customers/${kept}`, { data: { name: 'Off kept, renamed' } }), 'update');
  expectStatus(await producer.api('DELETE', `/customers/${gone}`), 'delete', [200, 204]);
  const added = await create('Off added');
  // Nobody acknowledged these: they go after 6 s.
  await eventually(async () => (await updateLog()).data.length === 0, 'the offline consumer’s events pruned', 30_000);

  await consumer.restart(); // pulls at boot
  await eventually(async () => (await nameOn(consumer, kept)) === 'Off kept, renamed', 'the update re-copied', 30_000);
  // The rename can be visible before the re-copy's removal pass (after the listing) has run.
  await eventually(async () => (await getDoc(consumer, 'customers', gone)) === null, 'the deleted document removed by the re-copy', 30_000);
  expect(await nameOn(consumer, added)).toBe('Off added');
  await eventually(async () => (await recopyNotes()).length > 0, 'the re-copy note', 15_000);
  const notes = await recopyNotes();
  expect(notes.length).toBe(1);
  expect(notes[0]).toMatch(
    /^Re-copied from the producer because cursor \d+ is behind what the producer pruned \(through \d+\): events were lost: \d+ copied, 1 deleted$/
  );

  const after = await create('Off after');
  await eventually(async () => (await nameOn(consumer, after)) === 'Off after', 'a new write streams after the re-copy', 15_000);
  expect((await health()).lastError).toBeNull();
});

/** A pull page as the consumer gets it (its token), without acknowledging anything beyond the head. */
const pullPage = async (after: number) =>
  expectStatus(await producer.request('GET', `/api/event-streaming/updates?after=${after}`, undefined, { token: l.token }), 'pull page')
    .body;

/** Stops the producer and keeps a copy of its database (the "backup"). */
async function backup(): Promise<void> {
  await producer.stop();
  if (producer.dbFile) {
    fs.copyFileSync(producer.dbFile, `${producer.dbFile}.bk`);
  } else {
    await dropDatabase(`${producer.dbName}_bk`); // an earlier test's backup
    await copyDatabase(producer.dbName!, `${producer.dbName}_bk`);
  }
  await producer.restart();
}

/** Stops the producer, puts the backup back, starts it again. */
async function restore(): Promise<void> {
  await producer.stop();
  if (producer.dbFile) {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${producer.dbFile}${suffix}`, { force: true });
    fs.copyFileSync(`${producer.dbFile}.bk`, producer.dbFile);
  } else {
    await dropDatabase(producer.dbName);
    await copyDatabase(`${producer.dbName}_bk`, producer.dbName!);
  }
  await producer.restart();
}

/** CREATE DATABASE `to` TEMPLATE `from` (retried while an autovacuum worker still holds `from`). */
async function copyPgDatabase(from: string, to: string): Promise<void> {
  const c = new Client(adminConnection());
  await c.connect();
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await c.query(`CREATE DATABASE "${to}" TEMPLATE "${from}"`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e; // 55006: source database in use
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await c.end();
  }
}

test('a producer restored from a backup is detected, the consumer re-copies to its state and streams on', async () => {
  const s1 = await create('Restore S1');
  await eventually(async () => (await nameOn(consumer, s1)) === 'Restore S1', 'S1 on the consumer', 15_000);
  await backup();

  // After the backup: more writes, synced by the consumer (its cursor passes the backup's head).
  expectStatus(await producer.api('PUT', `/customers/${s1}`, { data: { name: 'Restore S1, renamed' } }), 'update');
  const lost = await create('Restore lost');
  await eventually(async () => (await nameOn(consumer, lost)) === 'Restore lost', 'the later writes on the consumer', 15_000);
  expect(await nameOn(consumer, s1)).toBe('Restore S1, renamed');
  const cursorBefore = (await health()).lastPulledSeq;
  const epochBefore = (await pullPage(0)).epoch;

  await restore();
  // What the consumer will see: an empty page at its cursor, above the restored head, same epoch.
  const seen = await pullPage(cursorBefore);
  expect(seen).toMatchObject({ events: [], nextCursor: cursorBefore, hasMore: false, epoch: epochBefore });
  expect(seen.headSeq).toBeLessThan(cursorBefore);
  await pullNow(l);
  // S1 can be back before the re-copy's removal pass has removed the lost document.
  await eventually(
    async () => (await nameOn(consumer, s1)) === 'Restore S1' && (await getDoc(consumer, 'customers', lost)) === null,
    'the consumer back at the restored state (S1 as it was, the lost document removed)',
    30_000
  );
  const notes = await recopyNotes();
  expect(notes.some((n: string) => /cursor \d+ is ahead of the producer's head \d+: its database was restored/.test(n))).toBe(true);
  const h = await health();
  expect(h.lastPulledSeq).toBeLessThan(cursorBefore);

  // New writes reuse the seqs the consumer had seen before the restore: they must still arrive.
  const next = await create('Restore next');
  await eventually(async () => (await nameOn(consumer, next)) === 'Restore next', 'a write after the restore arrives', 15_000);
  expect((await rowsOf(next))[0].seq).toBeLessThanOrEqual(cursorBefore);
  expect((await health()).lastError).toBeNull();
});

test('a producer restored, then written past the consumer’s cursor, is detected by the key at the cursor; the consumer re-copies', async () => {
  const s1 = await create('Fork S1');
  await eventually(async () => (await nameOn(consumer, s1)) === 'Fork S1', 'S1 on the consumer', 15_000);
  await backup();

  expectStatus(await producer.api('PUT', `/customers/${s1}`, { data: { name: 'Fork S1, renamed' } }), 'update');
  const lost = await create('Fork lost');
  await eventually(async () => (await nameOn(consumer, lost)) === 'Fork lost', 'the later writes on the consumer', 15_000);
  expect(await nameOn(consumer, s1)).toBe('Fork S1, renamed');
  const cursorBefore = (await health()).lastPulledSeq;
  const epochBefore = (await pullPage(0)).epoch; // after=0 acknowledges nothing new

  // The consumer is away while the producer is restored and written to: otherwise it would pull
  // between two writes and see its cursor above the head (the case above).
  await consumer.stop();
  // The restored producer keeps the rows nobody acknowledged while the consumer is away (the
  // 6-second limit would prune the row at its cursor, which would then be a "pruned" case).
  (producer as unknown as { env: Record<string, string> }).env.EVENT_STREAMING_UNACKED_LOG_DAYS = '';
  await restore();
  const restoredHead = (await pullPage(0)).headSeq;
  expect(restoredHead).toBeLessThan(cursorBefore);
  const forked: string[] = [];
  for (let i = 0; restoredHead + forked.length < cursorBefore + 2; i += 1) forked.push(await create(`Fork ${i}`));

  // Same epoch, head above the consumer's cursor: only the keys tell the two logs apart.
  const page = await pullPage(restoredHead);
  expect(page).toMatchObject({ epoch: epochBefore, diverged: false });
  expect(page.headSeq).toBeGreaterThan(cursorBefore);
  expect(page.cursorKey).toMatch(/^[0-9a-f]{32}$/);
  for (const e of page.events) expect(e.key).toMatch(/^[0-9a-f]{32}$/);
  const badKey = await producer.request('GET', `/api/event-streaming/updates?after=${cursorBefore}&afterKey=zz`, undefined, {
    token: l.token,
  });
  expect(badKey.status).toBe(400);
  expect(badKey.body.error.message).toMatch(/afterKey must be 32 lowercase hexadecimal characters/);

  await consumer.restart(); // pulls at boot with its cursor and the key it stored with it
  // The re-copy upserts what the producer lists, then removes what it no longer has: S1 can be
  // back before the lost document is gone.
  await eventually(
    async () => (await nameOn(consumer, s1)) === 'Fork S1' && (await getDoc(consumer, 'customers', lost)) === null,
    'the consumer back at the restored state (S1 renamed back, the lost document removed)',
    30_000
  );
  for (const [i, documentId] of forked.entries()) expect(await nameOn(consumer, documentId)).toBe(`Fork ${i}`);
  const notes = await recopyNotes();
  expect(notes.some((n: string) => n.includes(`the producer's log diverged at seq ${cursorBefore} (its database was restored?)`))).toBe(
    true
  );

  const next = await create('Fork next');
  await eventually(async () => (await nameOn(consumer, next)) === 'Fork next', 'a write after the re-copy arrives', 15_000);
  expect((await health()).lastError).toBeNull();
});

test('adaptive pages: one document over maxResponseBytes is recorded Failed, the others arrive', async () => {
  const before = await create('Big before');
  const huge = expectStatus(await producer.api('POST', '/articles', { data: { title: 'Huge', body: 'x'.repeat(300_000) } }), 'huge article')
    .body.data.documentId as string;
  const after = await create('Big after');
  await eventually(async () => (await nameOn(consumer, after)) === 'Big after', 'the document after the huge one', 30_000);
  expect(await nameOn(consumer, before)).toBe('Big before');
  expect(await getDoc(consumer, 'articles', huge)).toBeNull();
  const failed = (await rowsOf(huge)).filter((r: { status: string }) => r.status === 'Failed');
  expect(failed.length).toBeGreaterThanOrEqual(1);
  expect(failed[0].error).toMatch(/is too large to transfer: .*larger than the configured limit \(config maxResponseBytes\b/);
  expect((await health()).lastError).toBeNull();
});
