import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import toNumber from 'lodash/toNumber';
import toString from 'lodash/toString';

/**
 * The raw statements of the plugin: the one left on the producer's write path with the row
 * mapping it needs (below), and the producer's acknowledgements of many consumers in one
 * statement (`writeAcknowledgements`, at the end).
 *
 * Capture checks, before every write to an `api::` type, which types some consumer has Approved;
 * for an update of a scalar-only, non-localized model it also needs the document's streamed
 * version before the write. `selectColumnAndDocumentRow` reads both in ONE statement, where the
 * Query Engine needs two (`findMany` of the consumers' subscriptions, `findOne` of the document):
 * one round trip less per update, which is what a statement costs on PostgreSQL.
 *
 * Measured 2026-11-30 (commit d28432d with a temporary `return null` at the top of capture's
 * `typesAndBefore`, switched per batch, so these updates take the two-statement path; one process, interleaved batches of 10 create+update pairs of a customer,
 * 1500 pairs per arm, harness modelled on `bench/inproc.js overhead`; 2 cores shared with other
 * jobs, load 4–8), ratio of the mean pair time to capture off:
 * - PostgreSQL: this statement 1.074, two statements 1.117 (+4.3 % of the write; CPU +5.6 %,
 *   p50 +1.6 %).
 * - SQLite: 1.014 vs 1.056 (+4.2 %; p50 and CPU even): kept there too, so that both databases
 *   run the same path (and the SQLite integration tests cover it).
 * Everything else capture used to send raw (the subscriptions read alone, the document read, the
 * outbox append) and the sequencer's update-log insert go through the Query Engine or the knex
 * builder: all of capture through them measured +3.5 % on PostgreSQL (the split included) and
 * ±0 on SQLite (1000 pairs per arm, same harness), i.e. no more than this statement's share.
 *
 * `rowToEntry` / `fromDb` mirror what the Query Engine's `fromRow` does to a row of a scalar
 * column set (`@strapi/database` 5.54, `query/helpers/transform.js` and `fields/*.js`).
 * tests/unit/raw-rows.test.ts pins the statement + mapping against the Query Engine's own
 * `findOne` on a real database (the public `Database` of @strapi/database), for every scalar
 * type and the shapes the drivers hand back. The whole-write figure:
 * `BENCH_DB=both BENCH_ONLY=overhead BENCH_SCALE=0.3 npm run bench` (writeOverheadRatio).
 */

export type Trx = Knex.Transaction;

/** Attribute types the Query Engine maps column by column (`SCALAR_TYPES` of @strapi/database). */
const SCALAR_TYPES = new Set([
  'increments',
  'password',
  'email',
  'string',
  'uid',
  'richtext',
  'text',
  'json',
  'enumeration',
  'integer',
  'biginteger',
  'float',
  'decimal',
  'date',
  'time',
  'datetime',
  'timestamp',
  'boolean',
  'blocks',
]);
const STRING_TYPES = new Set(['password', 'email', 'string', 'uid', 'richtext', 'text', 'enumeration']);
const BIG_INTEGER = /^[+-]?\d+$/;

const bigIntegerString = (value: unknown): string => {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value)) return value.toString();
  if (typeof value === 'string' && BIG_INTEGER.test(value.trim())) return BigInt(value.trim()).toString();
  throw new Error(`Expected a valid BigInteger, got ${String(value)}`);
};

/** A non-null column value as the Query Engine returns it for an attribute of `type` (`fromDB` of Strapi's field classes). */
export function fromDb(type: string, value: unknown): unknown {
  if (STRING_TYPES.has(type)) return toString(value);
  switch (type) {
    case 'json':
    case 'blocks': {
      if (typeof value !== 'string') return value;
      try {
        const parsed: unknown = JSON.parse(value);
        // JSONField.fromDB of 5.54 parses a JSON string value a second time (its comment: values
        // some 5.0 release candidates stored stringified twice); mirrored as is.
        return typeof parsed === 'string' ? JSON.parse(parsed) : parsed;
      } catch {
        return value;
      }
    }
    case 'integer':
    case 'float':
    case 'decimal':
      return toNumber(value);
    case 'biginteger':
      if (value === undefined) return value;
      try {
        return bigIntegerString(value);
      } catch {
        return toString(value);
      }
    case 'datetime': {
      const d = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(d.getTime()) ? null : d.toISOString();
    }
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(d.getTime()) ? null : String(d.getTime());
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const s = toString(value);
      return s === '1' ? true : s === '0' ? false : null;
    }
    default: // increments, date, time
      return value;
  }
}

/**
 * A row of model `uid` as the Query Engine's `findOne` (no `select`, no `populate`) returns it:
 * every column that maps to a scalar attribute, under the attribute's name, through `fromDb`.
 * Relation columns are left out (callers read scalar-only models).
 */
export function rowToEntry(
  db: Pick<Core.Strapi['db'], 'metadata'>,
  uid: string,
  row: Record<string, unknown> | undefined
): Record<string, unknown> | null {
  if (!row) return null;
  const meta = db.metadata.get(uid);
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(row)) {
    if (!Object.prototype.hasOwnProperty.call(meta.columnToAttribute, column)) continue;
    const name = meta.columnToAttribute[column];
    const type = meta.attributes[name]?.type;
    if (type === undefined || !SCALAR_TYPES.has(type)) continue;
    const value = row[column];
    out[name] = value === null ? null : fromDb(type, value);
  }
  return out;
}

/** JSON array aggregate per dialect (the dialects this was measured on; others: null = not offered). */
const JSON_AGG: Record<string, string> = {
  sqlite: 'json_group_array',
  'better-sqlite3': 'json_group_array',
  postgres: 'json_agg',
  pg: 'json_agg',
  mysql: 'JSON_ARRAYAGG',
  mysql2: 'JSON_ARRAYAGG',
};
const AGG = '__es_agg';

/**
 * One column of every row of `agg.table` AND the row the Query Engine's `findOne({ where })`
 * reads for one document (`select * ... limit 1`; by document id, only the published row when
 * `publishedOnly`), in ONE statement:
 * `select t.*, (select <json agg>(column) from aggTable) from (select 1) left join table t on ... limit 1`.
 * `values`: the column's values as stored (JSON text on SQLite and MariaDB, whose JSON is text,
 * parsed JSON on PostgreSQL and MySQL);
 * `row`: the raw row (column names), undefined when there is no such document. Null when the
 * dialect has no JSON aggregate here: the caller asks the Query Engine twice instead.
 */
export async function selectColumnAndDocumentRow(
  trx: Trx,
  dialect: string,
  agg: { table: string; column: string },
  table: string,
  cols: { documentId: string; publishedAt: string },
  documentId: string,
  publishedOnly: boolean
): Promise<{ values: unknown[]; row: Record<string, unknown> | undefined } | null> {
  const fn = JSON_AGG[dialect];
  if (!fn) return null;
  const first: Record<string, unknown> | undefined = await trx
    .select('t.*', trx.raw(`(select ${fn}(??) from ??) as ??`, [agg.column, agg.table, AGG]))
    .from(trx.raw('(select 1 as ??) as ??', ['__es_one', '__es_x']))
    .leftJoin({ t: table }, (join) => {
      join.on(`t.${cols.documentId}`, '=', trx.raw('?', [documentId]));
      if (publishedOnly) join.andOnNotNull(`t.${cols.publishedAt}`);
    })
    .first();
  const raw = first?.[AGG] ?? null;
  const values = raw === null ? [] : ((typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[]);
  if (!first || first[cols.documentId] === null || first[cols.documentId] === undefined) return { values, row: undefined };
  const { [AGG]: _agg, ...row } = first;
  return { values, row };
}

/** One consumer's acknowledgement to write: up to which seq it has everything, and when it was seen. */
export interface AckWrite {
  id: number;
  ackSeq: number;
  seenAt: Date;
}

/**
 * The producer's acknowledgements of many consumers in ONE statement (consumer-store.ts flushes
 * them every ACK_FLUSH_MS): per row, `ack_seq` and `last_seen_at` move only when the new seq is not
 * below the stored one (or none is stored), exactly the rule of the one-row Query Engine
 * `updateMany` it replaces. With a hundred consumers polling, that was a hundred statements per
 * flush (bench fan-out on PostgreSQL). Portable SQL (CASE), so SQLite, PostgreSQL and MariaDB run
 * the same text; `last_seen_at` is set before `ack_seq` because MariaDB evaluates SET clauses left
 * to right on the row as updated so far. The dates are bound as the Query Engine binds a datetime
 * (a Date, converted by the same knex client). tests/unit/raw-rows.test.ts compares it with the
 * Query Engine's write on each database.
 */
export async function writeAcknowledgements(
  db: Knex | Knex.Transaction,
  table: string,
  cols: { id: string; ackSeq: string; lastSeenAt: string },
  acks: AckWrite[]
): Promise<void> {
  if (!acks.length) return;
  const moves = '(?? IS NULL OR ?? <= ?)';
  const seenCase = `CASE ?? ${acks.map(() => `WHEN ? THEN (CASE WHEN ${moves} THEN ? ELSE ?? END)`).join(' ')} ELSE ?? END`;
  const ackCase = `CASE ?? ${acks.map(() => `WHEN ? THEN (CASE WHEN ${moves} THEN ? ELSE ?? END)`).join(' ')} ELSE ?? END`;
  const bindings = [
    table,
    cols.lastSeenAt,
    cols.id,
    ...acks.flatMap((a) => [a.id, cols.ackSeq, cols.ackSeq, a.ackSeq, a.seenAt, cols.lastSeenAt]),
    cols.lastSeenAt,
    cols.ackSeq,
    cols.id,
    ...acks.flatMap((a) => [a.id, cols.ackSeq, cols.ackSeq, a.ackSeq, a.ackSeq, cols.ackSeq]),
    cols.ackSeq,
    cols.id,
    ...acks.map((a) => a.id),
  ];
  await db.raw(`UPDATE ?? SET ?? = ${seenCase}, ?? = ${ackCase} WHERE ?? IN (${acks.map(() => '?').join(', ')})`, bindings);
}
