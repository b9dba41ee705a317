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

/**
 * The rows of a page whose values of `uniqueFields` are not repeated in it: the first of two
 * documents with one value stays, the second takes the per-document path (where Strapi's unique
 * check sees the first). Null and absent values never clash.
 */
export function withoutRepeats<T extends { row: Record<string, unknown> }>(items: T[], uniqueFields: string[]): T[] {
  const seen = new Map<string, Set<string>>(uniqueFields.map((f) => [f, new Set<string>()]));
  return items.filter((item) => {
    const values = uniqueFields.map((f) => [f, item.row[f]] as const).filter(([, v]) => v !== null && v !== undefined);
    if (values.some(([f, v]) => seen.get(f)!.has(JSON.stringify(v)))) return false;
    for (const [f, v] of values) seen.get(f)!.add(JSON.stringify(v));
    return true;
  });
}
