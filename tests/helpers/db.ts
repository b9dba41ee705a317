/**
 * Direct SQL against a test site's database, the way an operator (or a test that must look
 * below the HTTP API) would: better-sqlite3 on the site's SQLite file, or a `pg` connection to
 * its PostgreSQL database. Write `?` placeholders; they become `$1, $2, ...` on PostgreSQL.
 *
 * Reads are fine while the site runs (short statements; SQLite's busy handler absorbs the
 * moment of locking). Edits of plugin state should be made with the site stopped.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { Site } from './sites';

const { adminConnection } = require('./pg') as { adminConnection: () => Record<string, unknown> };

export type Row = Record<string, any>;

const toPg = (query: string) => {
  let n = 0;
  return query.replace(/\?/g, () => `$${(n += 1)}`);
};

/** Runs one statement; returns the rows (SELECT / RETURNING) or [] for other statements. */
export async function sql<T extends Row = Row>(site: Site, query: string, params: unknown[] = []): Promise<T[]> {
  if (site.client === 'sqlite') {
    if (!site.dbFile) throw new Error(`${site.name} has no SQLite file`);
    const db = new Database(site.dbFile, { fileMustExist: true, timeout: 10_000 });
    try {
      const stmt = db.prepare(query);
      const bound = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      if (stmt.reader) return stmt.all(...bound) as T[];
      stmt.run(...bound);
      return [];
    } finally {
      db.close();
    }
  }
  if (!site.dbName) throw new Error(`${site.name} has no PostgreSQL database`);
  const client = new Client({ ...adminConnection(), database: site.dbName });
  await client.connect();
  try {
    return (await client.query(toPg(query), params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A long-lived PostgreSQL session on a site's database (for holding a transaction open). */
export async function pgSession(site: Site): Promise<Client> {
  if (site.client !== 'postgres' || !site.dbName) throw new Error(`${site.name} is not on PostgreSQL`);
  const client = new Client({ ...adminConnection(), database: site.dbName });
  await client.connect();
  return client;
}

/** seq -> number of sync-log rows of that seq, for one Event Producer on the consumer. */
export async function syncLogCounts(consumer: Site, producerId: number, remoteDocumentIds?: string[]): Promise<Map<number, number>> {
  const rows = await sql(consumer, `SELECT seq, remote_document_id AS rid FROM event_streaming_sync_logs WHERE producer_id = ?`, [
    producerId,
  ]);
  const only = remoteDocumentIds ? new Set(remoteDocumentIds) : null;
  const counts = new Map<number, number>();
  for (const r of rows) {
    if (only && !only.has(r.rid)) continue;
    counts.set(Number(r.seq), (counts.get(Number(r.seq)) ?? 0) + 1);
  }
  return counts;
}

/**
 * The producer's update log, oldest id first. While the producer runs, waits up to 5 s for the
 * sequencer (the notifier's run, a pull) to move committed writes in with their seq. Entries
 * still waiting in the outbox (a stopped producer, no pull yet) follow, with seq null and id 0.
 */
export async function updateLogRows(
  producer: Site
): Promise<
  Array<{ id: number; seq: number | null; contentType: string; documentId: string; updateType: string; originSiteId: string | null }>
> {
  // The notifier (after a write) and every pull sequence committed entries; give them a moment.
  for (let waited = 0; producer.running && waited < 5000; waited += 100) {
    if (!(await sql(producer, `SELECT id FROM event_streaming_outbox`)).length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const rows = await sql(
    producer,
    `SELECT id, seq, content_type AS ct, target_document_id AS did, update_type AS ut, origin_site_id AS origin FROM event_streaming_update_logs ORDER BY id`
  );
  const pending = (await sql(producer, `SELECT entry FROM event_streaming_outbox ORDER BY id`)).map((r) => JSON.parse(r.entry));
  return [
    ...rows.map((r) => ({
      id: Number(r.id),
      seq: r.seq === null ? null : Number(r.seq),
      contentType: r.ct,
      documentId: r.did,
      updateType: r.ut,
      originSiteId: r.origin ?? null,
    })),
    ...pending.map((e) => ({
      id: 0,
      seq: null,
      contentType: e.contentType,
      documentId: e.targetDocumentId,
      updateType: e.updateType,
      originSiteId: e.originSiteId ?? null,
    })),
  ];
}

/** Number of rows of a table. */
export async function countRows(site: Site, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const [row] = await sql(site, `SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}
