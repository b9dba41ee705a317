import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { OUTBOX_TABLE, PLUGIN_ID, UID } from '../constants';
import { SITE_ID_TABLE } from '../site/site-id';
import type { StreamEvent, UpdateLogEntry } from '../shared/contracts';
import { getService, tableOf, repo } from '../utils';

/** Key of the PostgreSQL advisory lock that serialises the sequencer across instances. */
const SEQUENCER_LOCK = 815_700_101;
const SEQUENCE_BATCH = 2_000;
/** MySQL/MariaDB: smaller batches, so that one insert of them stays under max_allowed_packet (16 MiB by default). */
const SEQUENCE_BATCH_MYSQL = 200;
/** Ids per DELETE ... IN (...) (well under SQLite's bound-parameter limit). */
const DELETE_CHUNK = 500;

type LogRow = {
  id: number;
  seq: number | null;
  updateType: StreamEvent['updateType'];
  contentType: string;
  targetDocumentId: string;
  docLocale: string | null;
  data: Record<string, unknown> | null;
  originSiteId: string | null;
  createdAt: string;
};

export const toStreamEvent = (row: LogRow): StreamEvent => ({
  seq: Number(row.seq),
  updateType: row.updateType,
  contentType: row.contentType,
  documentId: row.targetDocumentId,
  locale: row.docLocale ?? null,
  data: row.data ?? null,
  originSiteId: row.originSiteId ?? null,
});

/** What capture appends to the outbox per changed (document, locale): an update-log row without its seq. */
export interface OutboxEntry {
  updateType: StreamEvent['updateType'];
  contentType: string;
  targetDocumentId: string;
  docLocale: string | null;
  data: Record<string, unknown> | null;
  originSiteId: string;
  /** When the write happened (ISO). */
  createdAt: string;
}

/**
 * The producer's update log.
 *
 * Capture appends an entry to the outbox (OUTBOX_TABLE, a plain table with only a primary key)
 * inside the writing transaction (services/capture.ts), so a rolled-back write leaves nothing and
 * a committed one always has its entry. The sequencer moves committed entries into the update log
 * afterwards, in outbox id order, giving each its `seq`, one run at a time (PostgreSQL: an
 * advisory transaction lock; MySQL/MariaDB: a row lock (FOR UPDATE) on the site-id row, taken
 * before the transaction's first read, so that its REPEATABLE READ snapshot starts after the
 * previous run's commit; SQLite: the single writer), each run starting above the highest seq
 * so far, and deletes exactly the entries it moved, in the same transaction. Hence the cursor
 * invariant (streaming/cursor.ts): a visible seq N implies every seq < N is visible — entries that
 * commit out of id order (concurrent transactions) are simply moved by the run after their commit,
 * never skipped.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const t = () => tableOf(strapi, UID.updateLog);
  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  const isMysql = () => strapi.db.dialect.client === 'mysql';
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });

  const headOf = async (trx: Knex.Transaction) => {
    const { table, col } = t();
    const row = await trx(table)
      .max({ head: col('seq') })
      .first();
    return Number(row?.head ?? 0);
  };

  return {
    /** Creates the outbox table when it is missing (bootstrap; idempotent, also across instances). */
    async ensureOutbox(): Promise<void> {
      const schema = strapi.db.connection.schema;
      if (await schema.hasTable(OUTBOX_TABLE)) return;
      try {
        await schema.createTable(OUTBOX_TABLE, (table) => {
          table.bigIncrements('id').primary();
          table.text('entry').notNullable();
        });
      } catch (error) {
        if (!(await schema.hasTable(OUTBOX_TABLE))) throw error; // else: another instance made it meanwhile
      }
    },

    /** Moves every committed outbox entry into the log with its seq. Returns the new head. */
    async sequence(): Promise<number> {
      const batchSize = isMysql() ? SEQUENCE_BATCH_MYSQL : SEQUENCE_BATCH;
      return strapi.db.transaction(async ({ trx }) => {
        // MySQL: the lock comes first (one statement more per run), see above.
        if (isMysql()) await trx(SITE_ID_TABLE).where({ id: 1 }).forUpdate().first('id');
        // Nothing to sequence (the common case of a pull): read the head without a write or the
        // lock. Entries committed after this read are sequenced by the next run, above this head.
        if (!(await trx(OUTBOX_TABLE).first('id'))) return headOf(trx);
        if (isPostgres()) await trx.raw('SELECT pg_advisory_xact_lock(?)', [SEQUENCER_LOCK]);
        for (;;) {
          // After the lock: this sees every entry committed before it (READ COMMITTED; MySQL: the snapshot taken after the lock).
          const batch = (await trx(OUTBOX_TABLE).select('id', 'entry').orderBy('id', 'asc').limit(batchSize)) as Array<{
            id: number | string;
            entry: string;
          }>;
          if (!batch.length) break;
          const head = await headOf(trx);
          const rows = batch.map((b, i) => {
            const e = JSON.parse(b.entry) as OutboxEntry;
            return { ...e, seq: head + i + 1, createdAt: new Date(e.createdAt) };
          });
          await repo(strapi, UID.updateLog).createMany({ data: rows });
          const ids = batch.map((b) => b.id);
          // MySQL: one primary-key DELETE per entry. For an IN list covering most of the (small)
          // outbox its optimizer scans the table, and a scanning DELETE under REPEATABLE READ waits
          // for the uncommitted outbox rows of every open write (measured: a GET /updates held up
          // for as long as another transaction stayed open).
          if (isMysql()) for (const id of ids) await trx(OUTBOX_TABLE).where('id', id).delete();
          else
            for (let i = 0; i < ids.length; i += DELETE_CHUNK)
              await trx(OUTBOX_TABLE)
                .whereIn('id', ids.slice(i, i + DELETE_CHUNK))
                .delete();
          if (batch.length < batchSize) break;
        }
        return headOf(trx);
      });
    },

    /** Highest assigned seq (0 when the log is empty). */
    async head(): Promise<number> {
      const { table, col } = t();
      const row = await strapi.db
        .connection(table)
        .max({ head: col('seq') })
        .first();
      return Number(row?.head ?? 0);
    },

    /** Rows with after < seq <= head of the given types, ascending, at most `limit` (keyset paging on the seq index). */
    async page(after: number, head: number, types: string[], limit: number): Promise<StreamEvent[]> {
      if (!types.length || head <= after) return [];
      const rows = (await repo<LogRow>(strapi, UID.updateLog).findMany({
        where: { seq: { $gt: after, $lte: head }, contentType: { $in: types } },
        orderBy: { seq: 'asc' },
        limit,
      })) as LogRow[];
      return rows.map(toStreamEvent);
    },

    /** Admin listing, newest first. */
    async list(filters: { contentType?: string; updateType?: string; documentId?: string }, page: number, pageSize: number) {
      await this.sequence(); // rows of pull-only consumers wait for a pull otherwise (notifier skips them)
      const where: Record<string, unknown> = {};
      if (filters.contentType) where.contentType = filters.contentType;
      if (filters.updateType) where.updateType = filters.updateType;
      if (filters.documentId) where.targetDocumentId = filters.documentId;
      const res = await repo<LogRow>(strapi, UID.updateLog).findPage({ where, orderBy: [{ seq: 'desc' }, { id: 'desc' }], page, pageSize });
      const data: UpdateLogEntry[] = res.results.map((r) => ({ ...toStreamEvent(r), id: r.id, createdAt: r.createdAt }));
      return { data, meta: { pagination: res.pagination } };
    },

    /**
     * Deletes rows every consumer has acknowledged (seq <= the lowest ackSeq) and that are older
     * than the retention. With no consumer, everything older than the retention goes.
     */
    async prune(retentionDays: number): Promise<number> {
      const minAck = await getService(strapi, 'consumer-store').minAckSeq();
      const head = await this.head();
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      // Never the newest row: the head (MAX(seq)) must not move backwards, or new writes would
      // reuse seqs that consumers have already applied.
      const below = Math.min(head - 1, minAck ?? Number.MAX_SAFE_INTEGER);
      const where = { seq: { $notNull: true, $lte: below }, createdAt: { $lte: cutoff } };
      const newest = await repo(strapi, UID.updateLog).findOne({ where, orderBy: { seq: 'desc' }, select: ['seq'] });
      if (!newest) return 0;
      // Remember how far the log is gone: a cursor below it could miss events (pull refuses it).
      const prunedThrough = Math.max(await this.prunedThrough(), Number(newest.seq));
      const { count } = await repo(strapi, UID.updateLog).deleteMany({ where });
      await store().set({ key: 'prunedThrough', value: prunedThrough });
      return count;
    },

    /** The highest seq pruning has removed (0 when nothing was). */
    async prunedThrough(): Promise<number> {
      return Number((await store().get({ key: 'prunedThrough' })) ?? 0);
    },
  };
};
