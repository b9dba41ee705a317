import type { Core } from '@strapi/strapi';
import { randomBytes } from 'crypto';
import type { Knex } from 'knex';
import toNumber from 'lodash/toNumber';
import toString from 'lodash/toString';

/**
 * Raw knex reads and writes of plain (scalar) rows that give exactly what Strapi's Query Engine
 * gives, for the producer's write path: there the plugin's own statements are cheap in SQL but the
 * Query Engine's pipeline around each (query building, lifecycles, entity mapping) is not.
 *
 * `fromDb` / `toDb` mirror the field classes of @strapi/database 5 (`fields/*.js`: `fromDB`, used
 * by `fromRow` for every scalar column; `toDB`, used by `processData` on insert);
 * tests/unit/raw-rows.test.ts checks them against Strapi's own classes, type by type.
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

/** A non-null column value as the Query Engine returns it for an attribute of `type` (Strapi's `fromDB`). */
export function fromDb(type: string, value: unknown): unknown {
  if (STRING_TYPES.has(type)) return toString(value);
  switch (type) {
    case 'json':
    case 'blocks': {
      if (typeof value !== 'string') return value;
      try {
        const parsed = JSON.parse(value);
        // Strapi 5 before rc.7 stored some values stringified twice; the Query Engine parses those twice.
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

interface ScalarMeta {
  tableName: string;
  attributes: Record<string, { type: string; columnName?: string; default?: unknown }>;
}

const metaOf = (strapi: Core.Strapi, uid: string): ScalarMeta => strapi.db.metadata.get(uid as never) as unknown as ScalarMeta;

/**
 * One row of model `uid` as the Query Engine's `findOne` (no `select`, no `populate`) returns it:
 * every scalar column under its attribute name, converted by `fromDb`. Relation columns are left
 * out (callers read scalar-only models).
 */
export function rowToEntry(
  strapi: Core.Strapi,
  uid: string,
  row: Record<string, unknown> | undefined | null
): Record<string, unknown> | null {
  if (!row) return null;
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(metaOf(strapi, uid).attributes)) {
    if (!SCALAR_TYPES.has(attr.type)) continue;
    const column = attr.columnName ?? name;
    if (!(column in row)) continue;
    const value = row[column];
    out[name] = value === null ? null : fromDb(attr.type, value);
  }
  return out;
}

/** A value as the Query Engine writes it for an attribute of `type` (Strapi's `toDB`), for the types the plugin inserts raw. */
function toDb(type: string, value: unknown): unknown {
  if (type === 'json' || type === 'blocks') return typeof value === 'object' ? JSON.stringify(value) : value;
  if (STRING_TYPES.has(type)) return toString(value);
  return value;
}

/**
 * Statement texts, built once per (dialect, shape) and run with `trx.raw`: knex's query builder
 * costs more CPU than the statement itself here (~15 µs of ~35 µs per statement on SQLite).
 * Identifiers are quoted by knex (`??`), values are always bound (`?`).
 */
const sqlCache = new Map<string, string>();
const statement = (trx: Trx, key: string, build: (q: (identifier: string) => string) => string): string => {
  const client = String((trx as unknown as { client?: { config?: { client?: unknown } } }).client?.config?.client ?? '');
  const k = `${client}\u0000${key}`;
  let sql = sqlCache.get(k);
  if (sql === undefined) {
    sql = build((identifier) => trx.raw('??', [identifier]).toQuery());
    sqlCache.set(k, sql);
  }
  return sql;
};

/** The rows of a raw SELECT, whatever the driver's raw result shape (SQLite: rows; PostgreSQL: { rows }; MySQL: [rows, fields]). */
async function selectRaw(trx: Trx, sql: string, bindings: readonly unknown[]): Promise<Array<Record<string, unknown>>> {
  const res = (await trx.raw(sql, bindings as Knex.RawBinding[])) as unknown;
  if (Array.isArray(res)) return (Array.isArray(res[0]) ? res[0] : res) as Array<Record<string, unknown>>;
  return ((res as { rows?: Array<Record<string, unknown>> } | null)?.rows ?? []) as Array<Record<string, unknown>>;
}

/** One column of every row of a table (e.g. the consumers' subscriptions). */
export function selectColumn(trx: Trx, table: string, column: string): Promise<Array<Record<string, unknown>>> {
  return selectRaw(
    trx,
    statement(trx, `col|${table}|${column}`, (q) => `select ${q(column)} from ${q(table)}`),
    []
  );
}

/**
 * The row the Query Engine's `findOne({ where })` reads for one document (`select * ... limit 1`):
 * by document id, locale when given, only the published row when `publishedOnly`.
 */
export async function selectDocumentRow(
  trx: Trx,
  table: string,
  cols: { documentId: string; locale: string; publishedAt: string },
  documentId: string,
  locale: string | null,
  publishedOnly: boolean
): Promise<Record<string, unknown> | undefined> {
  const key = `doc|${table}|${cols.documentId}|${locale === null ? '' : cols.locale}|${publishedOnly ? cols.publishedAt : ''}`;
  const sql = statement(trx, key, (q) => {
    let text = `select * from ${q(table)} where ${q(cols.documentId)} = ?`;
    if (locale !== null) text += ` and ${q(cols.locale)} = ?`;
    if (publishedOnly) text += ` and ${q(cols.publishedAt)} is not null`;
    return `${text} limit 1`;
  });
  const rows = await selectRaw(trx, sql, locale === null ? [documentId] : [documentId, locale]);
  return rows[0];
}

/**
 * A document id like Strapi's (24 characters, [a-z0-9], starting with a letter; the default,
 * cuid2, hashes with SHA-3 and costs ~15 µs each), for the plugin's own log rows: 122 random
 * bits, from a pooled random buffer.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
let pool = Buffer.alloc(0);
let poolAt = 0;
export function newDocumentId(): string {
  if (poolAt + 24 > pool.length) {
    pool = randomBytes(24 * 256);
    poolAt = 0;
  }
  // 256 % 26 and 256 % 36 leave a bias below 1 % per character; irrelevant for an identifier.
  let id = ALPHABET[pool[poolAt++] % 26];
  for (let i = 1; i < 24; i += 1) id += ALPHABET[pool[poolAt++] % 36];
  return id;
}

/**
 * Inserts rows of model `uid` with one multi-row `INSERT` on `trx`, as the Query Engine's
 * `createMany` would: scalar attributes only (no relations), every attribute default applied
 * (`publishedAt` of a type without Draft & Publish, ...; `documentId` from `newDocumentId`),
 * `createdAt`/`updatedAt` set to now (Strapi's timestamps lifecycle), JSON serialised. Unlike
 * `createMany` it runs no lifecycle hooks of the model. Only for the plugin's own content types,
 * whose attribute types `toDb` covers (strings, numbers, json, datetimes given as Date).
 */
export async function insertRows(strapi: Core.Strapi, trx: Trx, uid: string, data: Array<Record<string, unknown>>): Promise<void> {
  if (!data.length) return;
  const meta = metaOf(strapi, uid);
  const now = new Date();
  const columns: string[] = [];
  const rows = data.map((datum, n) => {
    const row: unknown[] = [];
    for (const [name, attr] of Object.entries(meta.attributes)) {
      if (!SCALAR_TYPES.has(attr.type) || attr.type === 'increments') continue;
      let value = datum[name];
      if (value === undefined) {
        if (name === 'createdAt' || name === 'updatedAt') value = now;
        else if (name === 'documentId') value = newDocumentId();
        else if (attr.default !== undefined) value = typeof attr.default === 'function' ? (attr.default as () => unknown)() : attr.default;
        else continue;
      }
      if (n === 0) columns.push(attr.columnName ?? name);
      else if (columns[row.length] !== (attr.columnName ?? name))
        throw new Error(`insertRows: rows of ${uid} must set the same attributes`);
      row.push(value === null ? null : toDb(attr.type, value));
    }
    return row;
  });
  const batch = Math.max(
    1,
    Math.floor(Number((strapi.db.dialect as unknown as { getBatchInsertSize?: () => number }).getBatchInsertSize?.() ?? 100))
  );
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const sql = statement(trx, `ins|${meta.tableName}|${columns.join(',')}|${chunk.length}`, (q) => {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      return `insert into ${q(meta.tableName)} (${columns.map(q).join(', ')}) values ${chunk.map(() => tuple).join(', ')}`;
    });
    await trx.raw(sql, chunk.flat() as Knex.RawBinding[]);
  }
}

/**
 * Appends entries (JSON texts) to a one-column outbox table with one multi-row `INSERT` on `trx`.
 * The table has no index but its primary key, so an append touches the fewest pages a write can.
 */
export async function appendEntries(trx: Trx, table: string, entries: string[]): Promise<void> {
  if (!entries.length) return;
  const sql = statement(
    trx,
    `append|${table}|${entries.length}`,
    (q) => `insert into ${q(table)} (${q('entry')}) values ${entries.map(() => '(?)').join(', ')}`
  );
  await trx.raw(sql, entries);
}

/** JSON array aggregate per dialect (the dialects this was measured on; others: null = not offered). */
const JSON_AGG: Record<string, string> = {
  sqlite: 'json_group_array',
  'better-sqlite3': 'json_group_array',
  postgres: 'json_agg',
  pg: 'json_agg',
};

/**
 * One column of every row of `aggTable` AND the row `selectDocumentRow` reads (locale-less), in ONE
 * statement — one round trip instead of two, which is what a statement costs on PostgreSQL:
 * `select t.*, (select <json agg>(column) from aggTable) from (select 1) left join table t on ...`.
 * `values`: the column's values (as stored: JSON text on SQLite, parsed JSON on PostgreSQL);
 * `row`: undefined when there is no such document. Null when the dialect has no JSON aggregate here.
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
  const key = `colrow|${agg.table}|${agg.column}|${table}|${cols.documentId}|${publishedOnly ? cols.publishedAt : ''}`;
  const sql = statement(trx, key, (q) => {
    let on = `${q('t')}.${q(cols.documentId)} = ?`;
    if (publishedOnly) on += ` and ${q('t')}.${q(cols.publishedAt)} is not null`;
    return `select ${q('t')}.*, (select ${fn}(${q(agg.column)}) from ${q(agg.table)}) as ${q('__es_agg')} from (select 1 as ${q('__es_one')}) as ${q('__es_x')} left join ${q(table)} as ${q('t')} on ${on} limit 1`;
  });
  const [first] = await selectRaw(trx, sql, [documentId]);
  const raw = first?.__es_agg ?? null;
  const values = raw === null ? [] : ((typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[]);
  if (!first || first[cols.documentId] === null || first[cols.documentId] === undefined) return { values, row: undefined };
  const { __es_agg: _agg, ...row } = first;
  return { values, row };
}
