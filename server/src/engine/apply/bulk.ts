import { inlineKindOf } from '../inline-media';
import { fieldKind, type ModelDef } from '../schema';
import type { Snapshot } from '../snapshot';
import { checkProducerData, isObject } from './guard';
import type { Route } from './ports';

/**
 * Bulk copy (back-fill): which listed documents can be inserted with one statement per page
 * instead of one Document Service create each, and the row each becomes. Strapi-free; the adapter
 * is consumer/bulk-copy.ts.
 *
 * INVARIANTS
 * 1. A bulk-copied document's rows end up as the per-document path would write them (apply/write.ts
 *    `write` of a Create; only the side effects differ: no Document Service middleware, per-row
 *    lifecycle or webhook runs, hence config `bulkBackfill` is off by default): the same fields (only the local model's own scalar attributes, as
 *    translate.ts keeps them), the same documentId (Use Same Name: the producer's; off: one Strapi
 *    makes), the same remote reference and fingerprint. Whatever could make the two differ sends
 *    the document down the per-document path instead:
 *    - the route has a mapping or kept-local fields (reshaped data);
 *    - the local type has Draft & Publish (two rows, publish) or is localized (locales, siblings);
 *    - the data holds a value in a relation, media, component or dynamic-zone field
 *      (dependencies, files, component rows), or in a rich-text, Blocks or JSON field (inline
 *      media and links are rewritten), or fails the producer-data guard (guard.ts);
 *    - the adapter's checks: a reference or a local document already there, a value of a unique
 *      field repeated in the page, Strapi's validation of the row, this site capturing the type
 *      (its consumers get events from the Document Service path only), a model whose own lifecycles
 *      handle creates (`handlesCreates`).
 * 2. Bulk is an optimisation, never a second behaviour: a document refused here is applied alone
 *    exactly as before, so its failure (if any) is recorded with the same message.
 * 3. Unique values are checked as Strapi's validator checks them, with fewer reads: a value repeated
 *    in the page (`withoutRepeats`, compared more loosely than any collation) leaves all but the
 *    first to the per-document path; and a unique text attribute whose page values are all strings
 *    and all absent from the table (one `$in` query, in the copy's transaction, with the validator's own
 *    condition) is validated without its per-row read (`withoutUniqueChecks`). When that query
 *    finds any of them, the per-row check stays on for the whole page, so which rows are refused
 *    never depends on matching the database's answer back to a row.
 */

/** Why a route or model cannot be bulk-copied, or null when it can. */
export function bulkRouteRefusal(route: Route, model: ModelDef | undefined): string | null {
  if (!model) return 'unknown local type';
  if (route.mapping) return 'mapped';
  if (route.keepLocal?.length) return 'fields kept local';
  if (model.draftAndPublish) return 'Draft & Publish';
  if (model.localized) return 'localized';
  return null;
}

/** Lifecycle hooks of a model that see a create (Strapi runs `*CreateMany` for a bulk insert, not the per-row ones). */
const CREATE_LIFECYCLES = ['beforeCreate', 'afterCreate', 'beforeCreateMany', 'afterCreateMany'];

/** Whether the local model's own lifecycles (its `lifecycles` file) handle creates: then no bulk copy (invariant 1). */
export const handlesCreates = (lifecycles: Record<string, unknown> | undefined): boolean =>
  CREATE_LIFECYCLES.some((l) => typeof lifecycles?.[l] === 'function');

const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/**
 * The local row of one listed document's data (the model's own scalar attributes), or null when
 * the document must take the per-document path (invariant 1).
 */
export function bulkRow(model: ModelDef, data: unknown): Record<string, unknown> | null {
  if (!isObject(data)) return null;
  try {
    checkProducerData(data, 'bulk');
  } catch {
    return null; // the per-document path refuses it with its message
  }
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data as Snapshot)) {
    if (!Object.hasOwn(model.attributes, name) || name === '__component') continue;
    const attr = model.attributes[name];
    const kind = fieldKind(name, attr);
    if (kind === 'skip') continue;
    if (kind !== 'scalar') {
      if (!isEmpty(value)) return null;
      continue;
    }
    if (inlineKindOf(attr) && value !== null && value !== undefined) return null;
    row[name] = value;
  }
  return row;
}

/** Attributes Strapi's validator checks for uniqueness against the table: `unique: true`, and every `uid`. */
export function uniqueFieldsOf(attributes: Record<string, { type?: string; unique?: boolean }>): string[] {
  return Object.entries(attributes)
    .filter(([, a]) => a.unique === true || a.type === 'uid')
    .map(([name]) => name);
}

/**
 * Unique attributes whose check against the table can be one query per page instead of one per
 * row (invariant 3): plain text kinds (a numeric column would make the database, not the
 * validator, refuse an invalid value), and not `uid`, whose format check and unique check Strapi
 * cannot run apart.
 */
export function pageCheckableUniqueFields(attributes: Record<string, { type?: string; unique?: boolean }>): string[] {
  return uniqueFieldsOf(attributes).filter((name) => ['string', 'text', 'email'].includes(attributes[name].type ?? ''));
}

/**
 * The key under which two values of a unique field count as the same in a page: strings compare
 * without case, accents or trailing spaces (what a case- and accent-insensitive collation such as
 * MariaDB's calls equal), anything else by its JSON. Matching more than the database does is safe
 * (the second document takes the per-document path); matching less is not.
 */
export function sameValueKey(value: unknown): string {
  if (typeof value === 'string') return `s:${value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+$/u, '')}`;
  return `j:${JSON.stringify(value)}`;
}

/**
 * The rows of a page whose values of `uniqueFields` are not repeated in it: the first of two
 * documents with one value (`sameValueKey`) stays, the second takes the per-document path (where
 * Strapi's unique check sees the first). Null, absent and empty values never clash (Strapi skips them).
 */
export function withoutRepeats<T extends { row: Record<string, unknown> }>(items: T[], uniqueFields: string[]): T[] {
  const seen = new Map<string, Set<string>>(uniqueFields.map((f) => [f, new Set<string>()]));
  return items.filter((item) => {
    const values = uniqueFields
      .map((f) => [f, item.row[f]] as const)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([f, v]) => [f, sameValueKey(v)] as const);
    if (values.some(([f, k]) => seen.get(f)!.has(k))) return false;
    for (const [f, k] of values) seen.get(f)!.add(k);
    return true;
  });
}

/**
 * The content type as the page's validation sees it: the unique attributes in `checked` (found
 * free for every value of the page by one query each, invariant 3) without their per-row check.
 */
export function withoutUniqueChecks<M extends { attributes: Record<string, object> }>(model: M, checked: string[]): M {
  if (!checked.length) return model;
  const attributes = { ...model.attributes };
  for (const name of checked) attributes[name] = { ...attributes[name], unique: false };
  return { ...model, attributes };
}
