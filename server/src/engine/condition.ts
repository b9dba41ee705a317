import crypto from 'node:crypto';
import { InputError } from './errors';
import { fieldKind, type AttributeDef, type SchemaLookup } from './schema';

/**
 * Conditions on a subscription: which documents of an approved type a consumer receives. A
 * condition is a Strapi `filters` object (the REST API's and the Document Service's syntax):
 * field names with operators (`{ title: { $startsWith: 'A' } }`, a bare value meaning `$eq`),
 * `$and` / `$or` lists, `$not`, and fields of relations and components as nested objects
 * (`{ category: { name: { $eq: 'x' } } }`). The producer evaluates it with the Document Service
 * (producer/conditions.ts); this module only checks and combines conditions, free of Strapi.
 *
 * INVARIANTS
 * - A saved condition names only fields that stream (engine/schema.ts fieldKind: no private or
 *   password field, no relation to accounts), so a consumer that asks for one cannot probe what
 *   it could never read.
 * - The effective condition of a subscription is the producer admin's AND the consumer's
 *   (`effectiveCondition`); null means every document.
 * - `conditionKey` changes exactly when the effective condition changes: the consumer compares it
 *   to the one it saw last and reconciles (back-fill that removes) when it differs.
 */

export type Condition = Record<string, unknown>;
export type OnExit = 'delete' | 'keep';

/** Comparison operators of Strapi's filters, and what each takes. */
const SCALAR_OPS = new Set([
  '$eq',
  '$eqi',
  '$ne',
  '$nei',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
]);
const LIST_OPS = new Set(['$in', '$notIn']);
const FLAG_OPS = new Set(['$null', '$notNull']);
export const CONDITION_OPERATORS = [...SCALAR_OPS, ...LIST_OPS, ...FLAG_OPS, '$between'];

/** Fields every document has that a condition may name (Strapi manages them). */
const SYSTEM_FILTERABLE = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale']);
const MAX_DEPTH = 8;
const MAX_NODES = 200;
const MAX_JSON = 10_000;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

interface Walk {
  lookup: SchemaLookup;
  nodes: number;
}

const fail = (path: string, message: string): never => {
  throw new InputError(`condition${path ? `.${path}` : ''}: ${message}`, { path: `condition${path ? `.${path}` : ''}` });
};

/** Operators applied to one scalar field: `{ $eq: 1 }`, `{ $not: { $eq: 1 } }`, `{ $or: [{ $eq: 1 }, …] }`, or a bare value. */
function checkOperators(value: unknown, path: string, depth: number, w: Walk): void {
  if (depth > MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels`);
  if ((w.nodes += 1) > MAX_NODES) fail(path, `has more than ${MAX_NODES} parts`);
  if (!isPlainObject(value)) {
    if (!isScalar(value)) fail(path, 'must be a value or an object of operators such as { "$eq": … }');
    return;
  }
  if (!Object.keys(value).length) fail(path, 'names no operator');
  for (const [op, arg] of Object.entries(value)) {
    const at = `${path}.${op}`;
    if (op === '$and' || op === '$or') {
      if (!Array.isArray(arg) || !arg.length) fail(at, 'must be a non-empty list');
      (arg as unknown[]).forEach((a, i) => checkOperators(a, `${at}[${i}]`, depth + 1, w));
    } else if (op === '$not') {
      checkOperators(arg, at, depth + 1, w);
    } else if (SCALAR_OPS.has(op)) {
      if (!isScalar(arg)) fail(at, 'must be a string, number, boolean or null');
    } else if (LIST_OPS.has(op)) {
      if (!Array.isArray(arg) || !arg.every(isScalar)) fail(at, 'must be a list of values');
    } else if (FLAG_OPS.has(op)) {
      if (typeof arg !== 'boolean' && arg !== 'true' && arg !== 'false') fail(at, 'must be true or false');
    } else if (op === '$between') {
      if (!Array.isArray(arg) || arg.length !== 2 || !arg.every(isScalar)) fail(at, 'must be a list of two values');
    } else {
      fail(at, `unknown operator ${op.slice(0, 40)} (known: ${CONDITION_OPERATORS.join(', ')}, $and, $or, $not)`);
    }
  }
}

/** A filters object on model `uid`: field names (scalar, relation, component), `$and`, `$or`, `$not`. */
function checkFilters(uid: string, filters: unknown, path: string, depth: number, w: Walk): void {
  if (depth > MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels`);
  if ((w.nodes += 1) > MAX_NODES) fail(path, `has more than ${MAX_NODES} parts`);
  if (!isPlainObject(filters)) fail(path, 'must be an object of field names and operators');
  const model = w.lookup.model(uid);
  if (!model) fail(path, `unknown model ${uid}`);
  for (const [key, value] of Object.entries(filters as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || !value.length) fail(at, 'must be a non-empty list of conditions');
      (value as unknown[]).forEach((v, i) => checkFilters(uid, v, `${at}[${i}]`, depth + 1, w));
      continue;
    }
    if (key === '$not') {
      checkFilters(uid, value, at, depth + 1, w);
      continue;
    }
    if (key.startsWith('$')) fail(at, `${key.slice(0, 40)} is not allowed here (only $and, $or, $not or a field name)`);
    if (SYSTEM_FILTERABLE.has(key)) {
      checkOperators(value, at, depth + 1, w);
      continue;
    }
    const attr: AttributeDef | undefined = model!.attributes[key];
    if (!attr) fail(at, `${uid} has no field ${key.slice(0, 60)}`);
    const kind = fieldKind(key, attr!);
    if (kind === 'skip')
      fail(at, `${key} is not a field that streams (private, password or a relation to accounts): it cannot be filtered on`);
    if (kind === 'dynamiczone') fail(at, `${key} is a dynamic zone: it cannot be filtered on`);
    if (kind === 'scalar') {
      checkOperators(value, at, depth + 1, w);
    } else {
      const target = kind === 'component' ? attr!.component : kind === 'media' ? 'plugin::upload.file' : attr!.target;
      if (!target) fail(at, `${key} is a polymorphic relation: it cannot be filtered on`);
      if (isPlainObject(value) && Object.keys(value).some((k) => FLAG_OPS.has(k)) && Object.keys(value).length === 1) {
        checkOperators(value, at, depth + 1, w); // { category: { $null: true } }
      } else {
        checkFilters(target!, value, at, depth + 1, w);
      }
    }
  }
}

/**
 * Checks a condition against the schema of `uid` and returns it (null stays null; an empty
 * object is null: no condition). @throws InputError naming the bad field or operator.
 */
export function validateCondition(uid: string, condition: unknown, lookup: SchemaLookup): Condition | null {
  if (condition === null || condition === undefined) return null;
  if (!isPlainObject(condition)) fail('', 'must be an object (Strapi filters) or null');
  if (!Object.keys(condition as object).length) return null;
  if (JSON.stringify(condition).length > MAX_JSON) fail('', `is longer than ${MAX_JSON} characters`);
  checkFilters(uid, condition, '', 0, { lookup, nodes: 0 });
  return condition as Condition;
}

/** Both conditions must hold (null: no condition). */
export function effectiveCondition(admin: Condition | null | undefined, requested: Condition | null | undefined): Condition | null {
  const parts = [admin, requested].filter((c): c is Condition => isPlainObject(c) && Object.keys(c).length > 0);
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0] : { $and: parts };
}

/** JSON with object keys sorted, so equal conditions give equal text. */
const stable = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
};

/** A short fingerprint of an effective condition (null for none); see INVARIANTS. */
export function conditionKey(condition: Condition | null): string | null {
  return condition ? crypto.createHash('sha256').update(stable(condition)).digest('hex').slice(0, 16) : null;
}

/**
 * What one event of a conditioned type becomes for one consumer, given whether the document
 * matches now and whether the consumer may hold it (`held`: it was sent and no exit since, or
 * its exit is at or after this event's seq — a page served again).
 * - matching: the whole current document (Create if not held, else Update);
 * - not matching and held: a Delete (onExit delete) or nothing (keep) — and the exit is remembered;
 * - not matching, not held: nothing.
 */
export function conditionedOutcome(matches: boolean, held: boolean, onExit: OnExit): 'create' | 'update' | 'delete' | 'exit' | 'drop' {
  if (matches) return held ? 'update' : 'create';
  if (!held) return 'drop';
  return onExit === 'delete' ? 'delete' : 'exit';
}
