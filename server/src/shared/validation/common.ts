/**
 * Building blocks of the input schemas. Shared by the server and the admin panel: yup only,
 * nothing Node- or Strapi-specific. Messages use yup's `${path}` (e.g. `subscriptions[1].status`).
 */
import * as yup from 'yup';

/** Upper bounds of every input; nothing unbounded reaches a service. */
export const LIMITS = {
  /** A content type or component UID. */
  uid: 200,
  /** A site's display name. */
  name: 200,
  /** An API token (producer token, callback token). */
  token: 1024,
  /** A site base URL. */
  url: 2048,
  /** A site id (UUID-like). */
  siteId: 64,
  /** A Document Type Mapping's name, a field name. */
  mappingName: 100,
  fieldName: 100,
  /** Entries of a subscriptions / fieldMappings list. */
  list: 200,
  /** A free JSON value (a field's default value, relation filters), as JSON text. */
  json: 10_000,
  /** Keys of a remoteValueFilters object. */
  filterKeys: 50,
  /** A single-valued query-string filter. */
  filter: 200,
  /** The `via` query parameter (JSON text). */
  via: 4000,
  /** A locale code. */
  locale: 35,
} as const;

/**
 * Formats the wire protocol shares with the engine (engine/refs.ts DOC_ID_RE, engine/cursor.ts
 * MAX_CURSOR, protocol/via.ts UID_RE and LOCALE_RE): kept equal by tests/unit/validation-*.test.ts.
 */
export const DOC_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
export const LOCALE_RE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$/;
export const MAX_CURSOR = 2 ** 31 - 1;
/** A site id as sites generate them (letters, digits, dashes). */
export const SITE_ID_RE = /^[A-Za-z0-9-]{8,64}$/;
/** An API token: 8-1024 visible ASCII characters (no spaces, no line breaks: it goes into a header). */
export const TOKEN_RE = /^[\x21-\x7e]{8,1024}$/;
/** A collection type UID on a producer (`api::name.name`). */
export const API_UID_RE = /^api::[a-z0-9-]+\.[a-z0-9-]+$/;
/** A content type (`api::name.name`) or component (`category.name`) UID. */
export const TYPE_OR_COMPONENT_UID_RE = /^([a-z]+::)?[a-z0-9-]+\.[a-z0-9-]+$/;
export const MAPPING_NAME_RE = /^[\w .-]{1,100}$/;
export const FIELD_NAME_RE = /^[A-Za-z_][\w]{0,99}$/;

export const SUBSCRIPTION_STATUSES = ['Pending', 'Approved', 'Rejected'] as const;
export const UPDATE_TYPES = ['Create', 'Update', 'Delete'] as const;
export const SYNC_STATUSES = ['Synced', 'Failed', 'Blocked', 'AwaitingReview', 'Rejected'] as const;
export const MAPPING_TYPES = ['none', 'component', 'relation', 'dynamiczone'] as const;

/** At most this much of a caller's value is quoted back in a message. */
const quote = (value: unknown, max = 40) => (JSON.stringify(value) ?? String(value)).slice(0, max);

/** "Unknown field(s): a, b" (the path prefixed below the root); long lists and keys are cut. */
export const unknownFields =
  (what: 'field' | 'query parameter' = 'field') =>
  ({ path, unknown }: { path?: string; unknown?: string }) => {
    const keys = String(unknown ?? '')
      .split(', ')
      .slice(0, 10)
      .map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k))
      .join(', ');
    return path && path !== 'this' ? `${path} has unknown ${what}(s): ${keys}` : `Unknown ${what}(s): ${keys}`;
  };

/** The request body: a JSON object with exactly these fields. */
export const bodyObject = <S extends NonNullable<Parameters<typeof yup.object>[0]>>(shape: S) =>
  yup.object(shape).noUnknown(true, unknownFields()).typeError('The body must be a JSON object').defined('The body must be a JSON object');

/**
 * A list of at most `max` entries. A longer one is refused before any entry is looked at, so a
 * 100 000-entry body costs one length check, not 100 000 entry validations.
 */
export const cappedList = <T extends yup.AnySchema>(max: number, message: string, full: T) =>
  yup.lazy((value: unknown) => (Array.isArray(value) && value.length > max ? yup.array().max(max, message) : full));

/** A string of at most `max` characters; anything else (number, list, object) gets `message`. */
export const boundedString = (max: number, message: string) => yup.string().typeError(message).max(max, message);

/** A site URL field: a string of at most LIMITS.url characters, the length named when it is over (checked before any parsing). */
export const urlString = (field: string) =>
  yup
    .string()
    .typeError(`${field} must be a non-empty URL (at most ${LIMITS.url} characters)`)
    .max(LIMITS.url, ({ value }: { value: unknown }) =>
      typeof value === 'string' ? `${field} is too long (${value.length} characters; at most ${LIMITS.url})` : `${field} is too long`
    );

/** A JSON value whose text is at most `max` characters. */
export const boundedJson = (max: number) =>
  yup
    .mixed()
    .nullable()
    .test('json-size', `\${path} is too large (at most ${max} characters as JSON)`, (value) => {
      if (value === undefined || value === null) return true;
      const text = JSON.stringify(value);
      return text === undefined || text.length <= max;
    });

/** A single-valued query-string filter (`?status=Failed`, not `?status[$ne]=x`), optionally one of `allowed`. */
export const queryFilter = (name: string, allowed?: readonly string[]) => {
  const base = boundedString(LIMITS.filter, `${name} must be a single value`);
  return allowed
    ? base.test(
        'one-of',
        `${name} must be one of ${allowed.join(', ')}`,
        (value) => value === undefined || value === '' || allowed.includes(value)
      )
    : base;
};

/** A positive integer query parameter (`page`, `pageSize`); empty means absent. */
export const positiveIntegerParam = (name: string, digits = 6) =>
  boundedString(digits, `${name} must be a positive integer`).test(
    'positive-integer',
    `${name} must be a positive integer`,
    (value) => value === undefined || value === '' || (new RegExp(`^\\d{1,${digits}}$`).test(value) && Number(value) >= 1)
  );

/** A cursor query parameter (`after`): a non-negative integer up to MAX_CURSOR; empty means 0. */
export const cursorParam = (name = 'after') =>
  yup
    .string()
    .typeError(`${name} must be a non-negative integer`)
    .test('cursor', `${name} must be a non-negative integer`, function check(value) {
      if (value === undefined || value === '') return true;
      if (!/^\d{1,10}$/.test(value)) return this.createError({ message: `${name} must be a non-negative integer, got ${quote(value)}` });
      if (Number(value) > MAX_CURSOR) return this.createError({ message: `${name} is out of range` });
      return true;
    });

/** Items of a list whose `key(item)` repeats (first repeat only), for "listed twice" messages. */
export const firstDuplicate = <T>(items: readonly T[], key: (item: T) => unknown): { index: number; key: unknown } | null => {
  const seen = new Set<unknown>();
  for (const [index, item] of items.entries()) {
    const k = key(item);
    if (seen.has(k)) return { index, key: k };
    seen.add(k);
  }
  return null;
};

export { quote };
