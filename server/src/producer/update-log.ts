import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { OUTBOX_TABLE, UID } from '../constants';
import { createLogTables, LOG_STATE_TABLE, OUTBOX_SIZE_COLUMN } from './log-tables';
import { checkedState, lock, maxSeqOf, readState, STATE_COLUMNS, toState, tryLock, type LogState, type StateRow } from './log-state';
import { toStreamEvent, type LogRow, type OutboxEntry } from './log-rows';
import { boundByBytes } from '../engine/page-size';
import type { StreamEvent, UpdateLogEntry } from '../shared/contracts';
import { getService, repo } from '../utils';

const SEQUENCE_BATCH = 2_000;
/** MySQL/MariaDB: smaller batches, so that one insert of them stays under max_allowed_packet (16 MiB by default). */
const SEQUENCE_BATCH_MYSQL = 200;
/**
 * At most this many characters of entries per batch (at least one entry): a batch is read, parsed
 * and inserted whole, so big documents (1 MB each, bench `bigdocs`) must not come 2,000 at a time
 * (the producer peaked at 3 GB sequencing 500 of them); on MySQL it also keeps one insert under
 * max_allowed_packet. Sized from the column capture writes beside each entry (OUTBOX_SIZE_COLUMN),
 * so the entries are read once: measuring them in SQL (`LENGTH(entry)`) reads every remaining one
 * again for each batch.
 */
const SEQUENCE_CHARS = 4 * 1024 * 1024;
/** Ids per DELETE ... IN (...) (well under SQLite's bound-parameter limit). */
const DELETE_CHUNK = 500;
export { LOG_STATE_TABLE } from './log-tables';

/**
 * The log's state as `advance` returns it. `pending`: with `wait: false` only, when another run
 * held the lock — the committed entries still in the outbox (they get seqs above `head` when that
 * run commits or the next one runs), so that `head + pending` counts every committed write.
 */
export type SampledState = LogState & { pending?: number };

/** The state row and one figure of the outbox (`pending`) read in one statement, so in one snapshot. */
const stateWith = async (db: Knex, outbox: Knex.QueryBuilder) =>
  (await db(LOG_STATE_TABLE)
    .where({ id: 1 })
    .first(...STATE_COLUMNS, outbox.as('pending'))) as (StateRow & { pending: number | string | null }) | undefined;

/** A new row key: 16 random bytes, lowercase hex (shared/validation EVENT_KEY_RE). */
const newEventKey = () => crypto.randomBytes(16).toString('hex');

/**
 * The producer's update log.
 *
 * Capture appends an entry to the outbox (OUTBOX_TABLE, a plain table with only a primary key)
 * inside the writing transaction (services/capture.ts), so a rolled-back write leaves nothing and
 * a committed one always has its entry. The sequencer moves committed entries into the update log
 * afterwards, in outbox id order, giving each its `seq`, one run at a time (PostgreSQL: an
 * advisory transaction lock; MySQL/MariaDB: a row lock (FOR UPDATE) on the site-id row, taken
 * before the transaction's first read, so that its REPEATABLE READ snapshot starts after the
 * previous run's commit; SQLite: the single writer), each run starting above the high-water
 * mark (`LogState.head`, advanced in the same transaction), and deletes exactly the entries it
 * moved, in the same transaction. Pruning takes the same lock. Hence the cursor
 * invariant (streaming/cursor.ts): a visible seq N implies every seq < N is visible — entries that
 * commit out of id order (concurrent transactions) are simply moved by the run after their commit,
 * never skipped.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const isMysql = () => strapi.db.dialect.client === 'mysql';

  return {
    /**
     * Creates the outbox and log-state tables when missing, and the state row (bootstrap;
     * idempotent, also across instances).
     */
    async ensureOutbox(): Promise<void> {
      await createLogTables(strapi);
      await strapi.db.transaction(async ({ trx }) => {
        await lock(strapi, trx);
        await checkedState(strapi, trx);
      });
    },

    /** Moves every committed outbox entry into the log with its seq. Returns the new head. */
    async sequence(): Promise<number> {
      return (await this.advance()).head;
    },

    /**
     * Sequences (as `sequence`) and returns the log's state after it: head, epoch, pruned through.
     * `moved`: called inside the transaction once it moved entries, with the new head, so that a
     * write that follows from them commits with them (the notifier's claims: one commit less on
     * the way to the consumers).
     */
    async advance(opts: { moved?: (head: number) => Promise<void>; wait?: boolean } = {}): Promise<SampledState> {
      const batchSize = isMysql() ? SEQUENCE_BATCH_MYSQL : SEQUENCE_BATCH;
      // Nothing to sequence (the common case of a pull, every idle poll): the state and whether the
      // outbox holds anything in one statement, without a transaction (one round trip instead of
      // four on PostgreSQL). Entries committed after it are sequenced by the next run, above this
      // head. Not on MySQL, whose runs take the lock first (below), nor inside a transaction (its
      // connection is the one to read on: the transaction below joins it).
      if (!isMysql() && !strapi.db.inTransaction()) {
        const knex = strapi.db.connection;
        const row = await stateWith(knex, knex(OUTBOX_TABLE).select('id').limit(1));
        if (row && (row.pending === null || row.pending === undefined)) return toState(row);
      }
      // `wait: false` (monitoring): while another run holds the lock, the state as committed and
      // the outbox's count (`pending`), at once. A caller that waited held a pooled connection
      // meanwhile: the health sampler, every few seconds behind a stalled run (a slow batch of big
      // entries, a lock held elsewhere), piled them up until the pool, and every write of the
      // site, ran dry. Pulls wait: a pull right after a commit must get it, and they come one at a
      // time per consumer.
      const take = async (trx: Knex.Transaction): Promise<SampledState | null> => {
        if (opts.wait === false && !(await tryLock(strapi, trx))) {
          // The state and the outbox's count in one statement (one snapshot): the run holding the
          // lock moves entries out of the outbox and raises the head in one commit, so the sum
          // counts every committed write exactly once, before, during and after that run.
          const row = await stateWith(trx, trx(OUTBOX_TABLE).count('* as n'));
          if (row) return { ...toState(row), pending: Number(row.pending ?? 0) };
          // No state row yet: it is made under the lock (below).
        }
        await lock(strapi, trx);
        return null;
      };
      return strapi.db.transaction(async ({ trx }) => {
        // MySQL: the lock comes first (one statement more per run), see above.
        if (isMysql()) {
          const committed = await take(trx);
          if (committed) return committed;
        }
        // Nothing to sequence (the common case of a pull): read the state without a write or the
        // lock. Entries committed after this read are sequenced by the next run, above this head.
        if (!(await trx(OUTBOX_TABLE).first('id'))) {
          const state = await readState(trx);
          if (state) return state;
        }
        if (!isMysql()) {
          const committed = await take(trx);
          if (committed) return committed;
        }
        let state = await checkedState(strapi, trx);
        const before = state.head;
        for (;;) {
          // After the lock: this sees every entry committed before it (READ COMMITTED; MySQL: the snapshot taken after the lock).
          const next = (await trx(OUTBOX_TABLE).select('id', OUTBOX_SIZE_COLUMN).orderBy('id', 'asc').limit(batchSize)) as Array<{
            id: number | string;
            entry_chars: number | string | null;
          }>;
          if (!next.length) break;
          // The entries of the first ids that fit (an entry of an earlier version has no size: counted as none).
          const fits = boundByBytes(next, SEQUENCE_CHARS, (r) => Number(r.entry_chars ?? 0));
          const batch = (await trx(OUTBOX_TABLE)
            .select('id', 'entry')
            .whereBetween('id', [fits[0].id, fits[fits.length - 1].id])
            .orderBy('id', 'asc')) as Array<{ id: number | string; entry: string }>;
          if (!batch.length) break;
          const head = state.head;
          const rows = batch.map((b, i) => {
            const e = JSON.parse(b.entry) as OutboxEntry;
            // dataChars: the entry's size, an upper bound of its data's (pages are cut by it before the data is read).
            return { ...e, seq: head + i + 1, eventKey: newEventKey(), createdAt: new Date(e.createdAt), dataChars: b.entry.length };
          });
          await repo(strapi, UID.updateLog).createMany({ data: rows });
          // The high-water mark moves in the transaction that assigns the seqs.
          state = { ...state, head: head + rows.length };
          await trx(LOG_STATE_TABLE).where({ id: 1 }).update({ head: state.head });
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
          // Everything there was fitted in (an entry that committed meanwhile with an id in the
          // range is moved with it; one committed above it, by the next run).
          if (next.length < batchSize && fits.length === next.length) break;
        }
        if (opts.moved && state.head > before) await opts.moved(state.head);
        return state;
      });
    },

    /** Highest seq ever assigned (the high-water mark; 0 for a new log). */
    async head(): Promise<number> {
      return (await readState(strapi.db.connection))?.head ?? maxSeqOf(strapi, strapi.db.connection);
    },

    /**
     * Rows with after < seq <= head of the given types, ascending, at most `limit` (keyset paging
     * on the seq index). `maxChars`: only the first rows whose data fits in it (at least one), cut
     * by the size the sequencer stored (`dataChars`) before any data is read — `sized` says the
     * page was cut so, and ends before `limit`. A page of 100 documents of 1 MB for a budget of
     * 10 MB read (and parsed) 100 MB before.
     */
    async page(
      after: number,
      head: number,
      types: string[],
      limit: number,
      maxChars: number | null = null
    ): Promise<{ rows: StreamEvent[]; sized: boolean }> {
      if (!types.length || head <= after) return { rows: [], sized: false };
      const logs = repo<LogRow>(strapi, UID.updateLog);
      let upTo = head;
      let sized = false;
      if (maxChars !== null) {
        const sizes = (await logs.findMany({
          where: { seq: { $gt: after, $lte: head }, contentType: { $in: types } },
          orderBy: { seq: 'asc' },
          limit,
          select: ['seq', 'dataChars'],
        })) as Array<Pick<LogRow, 'seq' | 'dataChars'>>;
        // A row sequenced before sizes were stored counts as none (the caller still bounds the data it reads).
        const fits = boundByBytes(sizes, maxChars, (r) => Number(r.dataChars ?? 0));
        if (fits.length < sizes.length) {
          upTo = Number(fits[fits.length - 1].seq);
          sized = true;
        }
      }
      const rows = (await logs.findMany({
        where: { seq: { $gt: after, $lte: upTo }, contentType: { $in: types } },
        orderBy: { seq: 'asc' },
        limit,
      })) as LogRow[];
      return { rows: rows.map(toStreamEvent), sized };
    },

    /** The keys of the rows at `seqs` (a seq without a row is absent; a row without a key maps to null). */
    async keysAt(seqs: number[]): Promise<Map<number, string | null>> {
      const wanted = [...new Set(seqs.filter((s) => s > 0))];
      if (!wanted.length) return new Map();
      const rows = (await repo<LogRow>(strapi, UID.updateLog).findMany({
        where: { seq: { $in: wanted } },
        select: ['seq', 'eventKey'],
      })) as Array<Pick<LogRow, 'seq' | 'eventKey'>>;
      const keys = new Map(rows.map((r) => [Number(r.seq), r.eventKey ?? null]));
      if (wanted.every((s) => keys.has(s))) return keys;
      // The row at prunedThrough is gone, its key is kept (LogState.prunedKey): read after the rows.
      const state = await readState(strapi.db.connection);
      if (state?.prunedKey && wanted.includes(state.prunedThrough) && !keys.has(state.prunedThrough)) {
        keys.set(state.prunedThrough, state.prunedKey);
      }
      return keys;
    },

    /**
     * Admin listing, newest first. Read-only (it never runs the sequencer): entries still waiting
     * in the outbox (committed, not yet given a seq by the notifier's run or a consumer's pull)
     * come first with `seq: null` and a negative id (minus their outbox id), then the log rows.
     * The outbox is read before the log: an entry the sequencer moves in between may show twice
     * for one listing, never not at all. The outbox holds what no pull has sequenced yet, usually
     * nothing; it is read whole and filtered here.
     */
    async list(filters: { contentType?: string; updateType?: string; documentId?: string }, page: number, pageSize: number) {
      const matches = (e: OutboxEntry) =>
        (!filters.contentType || e.contentType === filters.contentType) &&
        (!filters.updateType || e.updateType === filters.updateType) &&
        (!filters.documentId || e.targetDocumentId === filters.documentId);
      const outbox = (await strapi.db.connection(OUTBOX_TABLE).select('id', 'entry').orderBy('id', 'desc')) as Array<{
        id: number | string;
        entry: string;
      }>;
      const pending: UpdateLogEntry[] = [];
      for (const { id, entry } of outbox) {
        const e = JSON.parse(entry) as OutboxEntry;
        if (!matches(e)) continue;
        pending.push({ ...toStreamEvent({ ...e, id: 0, seq: null, eventKey: null }), seq: null, id: -Number(id), createdAt: e.createdAt });
      }
      const where: Record<string, unknown> = {};
      if (filters.contentType) where.contentType = filters.contentType;
      if (filters.updateType) where.updateType = filters.updateType;
      if (filters.documentId) where.targetDocumentId = filters.documentId;
      const logs = repo<LogRow>(strapi, UID.updateLog);
      const offset = (page - 1) * pageSize;
      const data = pending.slice(offset, offset + pageSize);
      if (data.length < pageSize) {
        const rows = (await logs.findMany({
          where,
          orderBy: [{ seq: 'desc' }, { id: 'desc' }],
          offset: Math.max(0, offset - pending.length),
          limit: pageSize - data.length,
        })) as LogRow[];
        for (const r of rows) data.push({ ...toStreamEvent(r), id: r.id, createdAt: r.createdAt });
      }
      const total = pending.length + (await logs.count({ where }));
      return { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
    },

    /**
     * Deletes rows every consumer has acknowledged (seq <= the lowest ackSeq) and that are older
     * than `retentionDays`, and — when `unacknowledgedDays` is set — rows older than that whoever
     * has acknowledged them (a consumer that comes back after that re-copies). With no consumer,
     * everything older than the retention goes. Every row may go: the head is the persisted
     * high-water mark, not MAX(seq). The rows and `prunedThrough` change in one transaction.
     */
    async prune(retentionDays: number, unacknowledgedDays: number | null = null): Promise<number> {
      const minAck = await getService(strapi, 'consumer-store').minAckSeq();
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      const acknowledged = { seq: { $notNull: true, $lte: minAck ?? Number.MAX_SAFE_INTEGER }, createdAt: { $lte: cutoff } };
      const where =
        unacknowledgedDays === null
          ? acknowledged
          : {
              $or: [acknowledged, { seq: { $notNull: true }, createdAt: { $lte: new Date(Date.now() - unacknowledgedDays * 86_400_000) } }],
            };
      return strapi.db.transaction(async ({ trx }) => {
        await lock(strapi, trx);
        const newest = await repo(strapi, UID.updateLog).findOne({ where, orderBy: { seq: 'desc' }, select: ['seq', 'eventKey'] });
        if (!newest) return 0;
        // How far the log is gone: a consumer whose cursor is below it re-copies.
        const state = await checkedState(strapi, trx);
        const { count } = await repo(strapi, UID.updateLog).deleteMany({ where });
        const moved = Number(newest.seq) > state.prunedThrough;
        await trx(LOG_STATE_TABLE)
          .where({ id: 1 })
          .update(
            moved ? { pruned_through: Number(newest.seq), pruned_key: newest.eventKey ?? null } : { pruned_through: state.prunedThrough }
          );
        return count;
      });
    },

    /** When each of `seqs` was logged (ms), in one query; pruned or unknown seqs are absent. */
    async loggedAt(seqs: number[]): Promise<Map<number, number>> {
      if (!seqs.length) return new Map();
      const rows = await repo<LogRow>(strapi, UID.updateLog).findMany({ where: { seq: { $in: seqs } }, select: ['seq', 'createdAt'] });
      return new Map(rows.map((r) => [Number(r.seq), Date.parse(String(r.createdAt))]));
    },

    /** The highest seq pruning has removed (0 when nothing was). */
    async prunedThrough(): Promise<number> {
      return (await readState(strapi.db.connection))?.prunedThrough ?? 0;
    },
  };
};
