/**
 * A condition (Strapi `filters`) as the filter builder's rows — field / operator / value, joined
 * by "all" ($and) or "any" ($or) — and back. Only conditions of that shape are shown as rows;
 * anything else (nested groups, $not) is edited as JSON. The server checks fields and operators
 * against the type's schema (engine/condition.ts).
 */
export type Match = 'and' | 'or';

export interface ConditionRow {
  key: string;
  /** `price`, or a relation's / component's field: `supplier.name`. */
  field: string;
  operator: string;
  /** As typed; `$in` / `$notIn`: comma-separated. Unused by `$null` / `$notNull`. */
  value: string;
}

/** Operators offered by the builder (Strapi's names), with their English labels (translated by the modal: `conditions.op.*`). */
export const OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['$eq', 'is'],
  ['$ne', 'is not'],
  ['$lt', 'is lower than'],
  ['$lte', 'is lower than or equal to'],
  ['$gt', 'is greater than'],
  ['$gte', 'is greater than or equal to'],
  ['$contains', 'contains'],
  ['$notContains', 'does not contain'],
  ['$startsWith', 'starts with'],
  ['$endsWith', 'ends with'],
  ['$in', 'is one of'],
  ['$null', 'is null'],
  ['$notNull', 'is not null'],
];
const KNOWN = new Set(OPERATORS.map(([op]) => op));
export const NO_VALUE = new Set(['$null', '$notNull']);

let counter = 0;
export const newConditionRow = (field = ''): ConditionRow => ({ key: `cond-${++counter}`, field, operator: '$eq', value: '' });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ supplier: { name: { $eq: 'x' } } }` -> row, or null when it is not one path to one operator. */
const toRow = (filter: unknown): ConditionRow | null => {
  const path: string[] = [];
  let node: unknown = filter;
  while (isObject(node)) {
    const entries = Object.entries(node);
    if (entries.length !== 1) return null;
    const [key, value] = entries[0];
    if (key.startsWith('$')) {
      if (!KNOWN.has(key) || !path.length) return null;
      const text = Array.isArray(value) ? value.join(', ') : NO_VALUE.has(key) ? '' : value === null ? '' : String(value);
      if (!Array.isArray(value) && isObject(value)) return null;
      return { ...newConditionRow(path.join('.')), operator: key, value: text };
    }
    path.push(key);
    node = value;
  }
  // A bare value: `{ name: 'x' }` is `$eq`.
  return path.length && (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean')
    ? { ...newConditionRow(path.join('.')), operator: '$eq', value: String(node) }
    : null;
};

/** The rows of a condition, or null when it has another shape (edited as JSON). An empty condition has no rows. */
export function conditionToRows(condition: Record<string, unknown> | null | undefined): { match: Match; rows: ConditionRow[] } | null {
  if (!condition || !Object.keys(condition).length) return { match: 'and', rows: [] };
  const keys = Object.keys(condition);
  if (keys.length === 1 && (keys[0] === '$and' || keys[0] === '$or') && Array.isArray(condition[keys[0]])) {
    const rows = (condition[keys[0]] as unknown[]).map(toRow);
    return rows.every(Boolean) ? { match: keys[0] === '$or' ? 'or' : 'and', rows: rows as ConditionRow[] } : null;
  }
  const row = toRow(condition);
  return row ? { match: 'and', rows: [row] } : null;
}

/** A typed value as JSON: numbers and booleans as such (when the field is numeric/boolean), else the text. */
const typed = (text: string, type: string | undefined): unknown => {
  const t = text.trim();
  if (type && ['integer', 'biginteger', 'decimal', 'float'].includes(type) && t !== '' && !Number.isNaN(Number(t))) return Number(t);
  if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  return text;
};

/** The condition of `rows` (null when none is complete). `typeOf(field)`: the field's attribute type, for numbers. */
export function rowsToCondition(
  match: Match,
  rows: ConditionRow[],
  typeOf: (field: string) => string | undefined
): Record<string, unknown> | null {
  const filters = rows
    .filter((r) => r.field && r.operator)
    .map((r) => {
      const type = typeOf(r.field);
      const value = NO_VALUE.has(r.operator)
        ? true
        : r.operator === '$in'
          ? r.value
              .split(',')
              .map((v) => v.trim())
              .filter(Boolean)
              .map((v) => typed(v, type))
          : typed(r.value, type);
      return r.field
        .split('.')
        .reverse()
        .reduce<unknown>((inner, part) => ({ [part]: inner }), { [r.operator]: value }) as Record<string, unknown>;
    });
  if (!filters.length) return null;
  return filters.length === 1 ? filters[0] : { [match === 'or' ? '$or' : '$and']: filters };
}
