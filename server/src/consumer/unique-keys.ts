import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';
import { tryAdvisoryLock } from '../site/db-lock';

/** Database lock namespace of this one-time upgrade step (second key: 1). */
const UNIQUE_KEYS_LOCK_NS = 0x45530002;

/**
 * Unique keys of the consumer's tables that Strapi's content-type schema cannot declare (its
 * `indexes` are plain column lists: no expression, and a unique one would fail the schema sync
 * of a database that already holds duplicates). `key`: SQL expressions; a NULL locale is one
 * value (`COALESCE(doc_locale, '')`), since a unique index treats NULLs as distinct.
 */
export const UNIQUE_KEYS = [
  {
    // One sync-log row per event: (producer, seq).
    name: 'event_streaming_sync_logs_producer_seq_uq',
    table: 'event_streaming_sync_logs',
    key: ['producer_id', 'seq'],
    // Re-copy notes (document '*', one per type, at the head the re-copy reached) are not events.
    where: "remote_document_id <> '*'",
  },
  {
    // One remote reference per (producer site, remote type, remote documentId, locale).
    name: 'event_streaming_remote_refs_remote_uq',
    table: 'event_streaming_remote_refs',
    key: ['producer_site_id', 'remote_content_type', 'remote_document_id', "COALESCE(doc_locale, '')"],
    where: null,
  },
] as const;

type Raw = (sql: string, bindings?: unknown[]) => Promise<unknown>;
const rowsOf = (res: unknown): unknown[] => (Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? []));

/**
 * Creates the unique keys that are missing, after deleting the duplicates an older version could
 * leave (kept: the newest row of each key, the highest id; deterministic), each table in one
 * transaction. PostgreSQL and SQLite (expression indexes); elsewhere skipped with a notice.
 * Several instances booting at once take turns (a database lock). A failure is logged and the
 * boot goes on (retried at the next boot): the exclusion of writers still holds without them.
 */
export async function ensureUniqueKeys(strapi: Core.Strapi): Promise<void> {
  const client = strapi.db.dialect.client;
  if (client !== 'postgres' && client !== 'sqlite') {
    strapi.log.info(`event-streaming: unique keys of the sync log and remote references are not created on ${client}`);
    return;
  }
  const knex = strapi.db.connection;
  const deadline = Date.now() + 60_000;
  let lock = await tryAdvisoryLock(strapi, UNIQUE_KEYS_LOCK_NS, 1);
  while (!lock && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    lock = await tryAdvisoryLock(strapi, UNIQUE_KEYS_LOCK_NS, 1);
  }
  if (!lock) {
    strapi.log.warn('event-streaming: another instance kept creating the unique keys for a minute; checked again at the next boot');
    return;
  }
  try {
    for (const k of UNIQUE_KEYS) {
      const exists =
        client === 'postgres'
          ? await knex.raw('SELECT 1 FROM pg_indexes WHERE tablename = ? AND indexname = ?', [k.table, k.name])
          : await knex.raw(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`, [k.name]);
      if (rowsOf(exists).length) continue;
      const key = k.key.join(', ');
      const rows = k.where ? `(SELECT * FROM ${k.table} WHERE ${k.where})` : k.table;
      try {
        const removed = await knex.transaction(async (trx) => {
          const raw: Raw = (sql, bindings = []) => trx.raw(sql, bindings as never[]);
          const dup = await raw(
            `SELECT COUNT(*) AS n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY id DESC) AS rn FROM ${rows} keyed) ranked WHERE rn > 1`
          );
          const n = Number((rowsOf(dup)[0] as { n?: unknown } | undefined)?.n ?? 0);
          if (n)
            await raw(
              `DELETE FROM ${k.table} WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY id DESC) AS rn FROM ${rows} keyed) ranked WHERE rn > 1)`
            );
          const columns = k.key.map((c) => (c.includes('(') ? `(${c})` : c)).join(', ');
          await raw(`CREATE UNIQUE INDEX ${k.name} ON ${k.table} (${columns})${k.where ? ` WHERE ${k.where}` : ''}`);
          return n;
        });
        strapi.log.info(`event-streaming: created unique key ${k.name}${removed ? `, after deleting ${removed} duplicate row(s)` : ''}`);
      } catch (error) {
        strapi.log.warn(`event-streaming: creating unique key ${k.name} failed (retried at the next boot): ${errorMessage(error)}`);
      }
    }
  } finally {
    await lock.unlock();
  }
}
