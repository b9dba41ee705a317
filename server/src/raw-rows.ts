import type { Core } from '@strapi/strapi';
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
  'increments', 'password', 'email', 'string', 'uid', 'richtext', 'text', 'json', 'enumeration', 'integer',
  'biginteger', 'float', 'decimal', 'date', 'time', 'datetime', 'timestamp', 'boolean', 'blocks',
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
export function rowToEntry(strapi: Core.Strapi, uid: string, row: Record<string, unknown> | undefined | null): Record<string, unknown> | null {
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
 * Inserts rows of model `uid` with one multi-row `INSERT` on `trx`, as the Query Engine's
 * `createMany` would: scalar attributes only (no relations), every attribute default applied
 * (`documentId`, `publishedAt` of a type without Draft & Publish, ...), `createdAt`/`updatedAt`
 * set to now (Strapi's timestamps lifecycle), JSON serialised. Unlike `createMany` it runs no
 * lifecycle hooks of the model. Only for the plugin's own content types, whose attribute types
 * `toDb` covers (strings, numbers, json, datetimes given as Date).
 */
export async function insertRows(strapi: Core.Strapi, trx: Trx, uid: string, data: Array<Record<string, unknown>>): Promise<void> {
  if (!data.length) return;
  const meta = metaOf(strapi, uid);
  const now = new Date();
  const rows = data.map((datum) => {
    const row: Record<string, unknown> = {};
    for (const [name, attr] of Object.entries(meta.attributes)) {
      if (!SCALAR_TYPES.has(attr.type) || attr.type === 'increments') continue;
      let value = datum[name];
      if (value === undefined) {
        if (name === 'createdAt' || name === 'updatedAt') value = now;
        else if (attr.default !== undefined) value = typeof attr.default === 'function' ? (attr.default as () => unknown)() : attr.default;
        else continue;
      }
      row[attr.columnName ?? name] = value === null ? null : toDb(attr.type, value);
    }
    return row;
  });
  const batch = Math.max(1, Number((strapi.db.dialect as unknown as { getBatchInsertSize?: () => number }).getBatchInsertSize?.() ?? 100));
  for (let i = 0; i < rows.length; i += batch) await trx(meta.tableName).insert(rows.slice(i, i + batch));
}

