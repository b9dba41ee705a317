import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { PLUGIN_ID, UID } from '../constants';
import { SITE_ID_TABLE } from '../site/site-id';
import { LOG_STATE_TABLE } from './log-tables';
import { tableOf } from '../utils';

/** Key of the PostgreSQL advisory lock that serialises the sequencer across instances. */
const SEQUENCER_LOCK = 815_700_101;

/**
 * The persisted state of the log, one row written only in the sequencer's and pruning's
 * transactions (under the sequencer lock):
 * - `head`: the high-water mark, the highest seq ever assigned. The sequencer assigns seqs above
 *   it and advances it in the same transaction, so the head never moves backwards and no seq is
 *   reused, even when pruning has removed every row.
 * - `prunedThrough`: the highest seq pruning removed, written in the transaction that deletes.
 * - `prunedKey`: the key (eventKey) of the row at `prunedThrough`, kept when the row goes, so that
 *   a consumer whose cursor is exactly there (the steady state once acknowledged rows are pruned)
 *   is still checked for divergence (keysAt answers it for that seq).
 * - `epoch`: a random id made with the row. RULE: the row and the log rows live in one database,
 *   so a backup restores them together; a consumer whose cursor is above the restored head (or
 *   whose stored epoch differs) knows its producer went back in time. Where the row and the rows
 *   disagree — the row is missing while the log has rows, or its head is below MAX(seq) (a
 *   partial restore) — the log's history is unknown: a new epoch is made (head = MAX(seq)), so
 *   every consumer that stored the old one re-copies.
 */
export interface LogState {
  epoch: string;
  head: number;
  prunedThrough: number;
  prunedKey: string | null;
}
export type StateRow = { epoch: string; head: number | string; pruned_through: number | string; pruned_key?: string | null };

const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';
const isMysql = (strapi: Core.Strapi) => strapi.db.dialect.client === 'mysql';

export const maxSeqOf = async (strapi: Core.Strapi, db: Knex) => {
  const { table, col } = tableOf(strapi, UID.updateLog);
  const row = await db(table)
    .max({ head: col('seq') })
    .first();
  return Number(row?.head ?? 0);
};
export const toState = (r: StateRow): LogState => ({
  epoch: r.epoch,
  head: Number(r.head),
  prunedThrough: Number(r.pruned_through),
  prunedKey: r.pruned_key ?? null,
});
/** The state row's columns (readState; update-log.ts reads them with the outbox check in one statement). */
export const STATE_COLUMNS = ['epoch', 'head', 'pruned_through', 'pruned_key'] as const;
export const readState = async (db: Knex): Promise<LogState | null> => {
  const row = (await db(LOG_STATE_TABLE)
    .where({ id: 1 })
    .first(...STATE_COLUMNS)) as StateRow | undefined;
  return row ? toState(row) : null;
};
/**
 * The sequencer lock (see the service's doc in update-log.ts), held to the transaction's end; taken
 * again by MySQL's own transaction: a no-op.
 */
export const lock = async (strapi: Core.Strapi, trx: Knex.Transaction) => {
  if (isPostgres(strapi)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [SEQUENCER_LOCK]);
  else if (isMysql(strapi)) await trx(SITE_ID_TABLE).where({ id: 1 }).forUpdate().first('id');
};
/** The lock if it is free now; false when another run holds it (SQLite: its single writer, always true). */
export const tryLock = async (strapi: Core.Strapi, trx: Knex.Transaction): Promise<boolean> => {
  if (isPostgres(strapi)) {
    const res = (await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [SEQUENCER_LOCK])) as { rows: Array<{ ok: boolean }> };
    return res.rows[0]?.ok === true;
  }
  if (!isMysql(strapi)) return true;
  try {
    await trx.raw(`SELECT id FROM ?? WHERE id = 1 FOR UPDATE NOWAIT`, [SITE_ID_TABLE]);
    return true;
  } catch (error) {
    // MariaDB: ER_LOCK_WAIT_TIMEOUT (1205); MySQL 8: ER_LOCK_NOWAIT (3572).
    const errno = (error as { errno?: number }).errno;
    if (errno === 1205 || errno === 3572) return false;
    throw error;
  }
};
/**
 * The state, checked against the rows (see LogState: a missing row or a head below MAX(seq)
 * makes a new epoch). Inside a transaction that holds the sequencer lock.
 */
export const checkedState = async (strapi: Core.Strapi, trx: Knex.Transaction): Promise<LogState> => {
  const maxSeq = await maxSeqOf(strapi, trx);
  const state = await readState(trx);
  if (state && state.head >= maxSeq) return state;
  const epoch = crypto.randomUUID();
  if (state) {
    strapi.log.warn(
      `event-streaming: the update log's high-water mark (${state.head}) is below its rows (${maxSeq}): new log epoch ${epoch}`
    );
    await trx(LOG_STATE_TABLE).where({ id: 1 }).update({ epoch, head: maxSeq });
    return { ...state, epoch, head: maxSeq };
  }
  // Earlier versions kept "pruned through" in the plugin store.
  const prunedThrough = Number((await strapi.store({ type: 'plugin', name: PLUGIN_ID }).get({ key: 'prunedThrough' })) ?? 0);
  await trx(LOG_STATE_TABLE).insert({ id: 1, epoch, head: maxSeq, pruned_through: prunedThrough }).onConflict('id').ignore();
  return (await readState(trx)) as LogState;
};
