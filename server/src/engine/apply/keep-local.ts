/**
 * Fields kept local (per subscription, on the consumer): local fields the stream fills when it
 * creates a document here and never overwrites afterwards (a branch's own price, its SEO fields, a
 * local note). Strapi-free.
 *
 * PATHS name LOCAL fields (after mapping): `price`, or a field inside a single component,
 * dotted: `seo.metaTitle`, `seo.social.title` (every step a non-repeatable component).
 * A path into a repeatable component or a dynamic zone is refused: its entries have no stable
 * identity between the two sites (the producer may reorder, insert, remove), so "the same entry"
 * is undefined there — keep the whole field local instead (`lines`, `blocks`).
 *
 * INVARIANTS
 * 1. Create (a document, or a new locale of one) writes the incoming data whole: kept-local
 *    fields are filled from the stream.
 * 2. Update (every later event: stream, retry, resync, back-fill / re-copy, a dependency met
 *    again) never changes a kept-local field: a top-level one is left out of the update data (the
 *    Document Service keeps what an update does not name); one inside a component that the update
 *    rewrites is given the local copy's current value, because a component is written as a unit.
 * 3. When the local copy has no such component yet (or the update removes the component) the
 *    incoming component is taken as it comes: there is no local value to keep.
 */
import { fieldKind, type ModelDef } from '../schema';
import { isObject } from './guard';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface KeepLocalSchema {
  model(uid: string): ModelDef | undefined;
}

/**
 * Why `path` cannot be kept local on local type `uid` (a sentence naming the path), or null when
 * it can: each step an attribute of the (component) model that streams, every step but the last a
 * non-repeatable component.
 */
export function keepLocalProblem(schema: KeepLocalSchema, uid: string, path: string): string | null {
  const segments = path.split('.');
  if (!path || segments.some((s) => !SEGMENT.test(s))) return `"${path}" is not a field path (field, or component.field)`;
  let model = schema.model(uid);
  for (const [i, name] of segments.entries()) {
    const where = i === 0 ? uid : `${uid}.${segments.slice(0, i).join('.')}`;
    const attr = model && Object.hasOwn(model.attributes, name) ? model.attributes[name] : undefined;
    if (!attr) return `"${path}": ${where} has no field "${name}"`;
    const kind = fieldKind(name, attr);
    if (kind === 'skip') return `"${path}": ${where}.${name} is not streamed (system, private or account field), so it is always local`;
    if (i === segments.length - 1) return null;
    if (kind === 'dynamiczone' || (kind === 'component' && attr.repeatable))
      return `"${path}": ${where}.${name} is a ${kind === 'dynamiczone' ? 'dynamic zone' : 'repeatable component'}; keep the whole field "${segments.slice(0, i + 1).join('.')}" local instead`;
    if (kind !== 'component') return `"${path}": ${where}.${name} is not a component, it has no field "${segments[i + 1]}"`;
    model = schema.model(attr.component!);
  }
  return null;
}

/** Each problem of a kept-local list on `uid` (duplicates included), in order. */
export function keepLocalProblems(schema: KeepLocalSchema, uid: string, paths: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of paths) {
    if (seen.has(path)) out.push(`"${path}" is listed twice`);
    seen.add(path);
    const problem = keepLocalProblem(schema, uid, path);
    if (problem) out.push(problem);
  }
  return out;
}

/**
 * The kept-local paths inside components that an update's `data` rewrites: the local copy's
 * current values of these are needed (invariant 2). Top-level paths need nothing.
 */
export function componentPathsTouched(data: Record<string, unknown>, paths: string[]): string[] {
  return paths.filter((p) => p.includes('.') && isObject(data[p.split('.')[0]]));
}

/**
 * The Document Service populate that reads `paths` (inside components) of a local document:
 * `{ seo: { populate: { social: { populate: '*' } } } }` — the innermost component's own fields
 * with its relations and media one level deep.
 */
export function keepLocalPopulate(paths: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const components = path.split('.').slice(0, -1);
    let level = out;
    for (const [i, name] of components.entries()) {
      const last = i === components.length - 1;
      const entry = (level[name] ??= { populate: last ? '*' : {} }) as { populate: Record<string, unknown> | '*' };
      if (last) break;
      if (entry.populate === '*') entry.populate = {};
      level = entry.populate;
    }
  }
  return out;
}

/**
 * A value read from a local document, as Document Service input data: a file as its id, a
 * relation as `{ set: [...] }` of documentIds, anything else as is.
 */
function asInput(value: unknown, kind: ReturnType<typeof fieldKind>): unknown {
  if (kind === 'media') return Array.isArray(value) ? value.map((f) => (isObject(f) ? f.id : f)) : isObject(value) ? value.id : value;
  if (kind === 'relation') {
    const list = Array.isArray(value) ? value : value == null ? [] : [value];
    const set = list
      .filter(isObject)
      .map((r) => (typeof r.locale === 'string' ? { documentId: r.documentId, locale: r.locale } : { documentId: r.documentId }));
    return { set };
  }
  return value;
}

/**
 * The update data for local type `uid` with its kept-local fields left alone (invariant 2):
 * top-level paths removed, paths inside a component that `data` rewrites set to the value in
 * `current` (the local copy, read with keepLocalPopulate; null when not needed). `data` is not
 * changed; the result is a copy where it differs.
 */
export function withoutKeptLocal(
  schema: KeepLocalSchema,
  uid: string,
  data: Record<string, unknown>,
  paths: string[],
  current: Record<string, unknown> | null
): Record<string, unknown> {
  if (!paths.length) return data;
  const out: Record<string, unknown> = { ...data };
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length === 1) {
      delete out[path];
      continue;
    }
    // Walk the incoming component and the local one side by side, copying as we go (data is not mutated).
    let target: Record<string, unknown> = out;
    let local: unknown = current;
    let model = schema.model(uid);
    for (const [i, name] of segments.entries()) {
      const attr = model && Object.hasOwn(model.attributes, name) ? model.attributes[name] : undefined;
      if (!attr) break;
      local = isObject(local) ? local[name] : undefined;
      if (i === segments.length - 1) {
        if (local !== undefined) target[name] = asInput(local, fieldKind(name, attr));
        break;
      }
      // Invariant 3: no incoming component (removed, or not in this update) or no local one: nothing to keep.
      if (!isObject(target[name]) || !isObject(local)) break;
      target = target[name] = { ...(target[name] as Record<string, unknown>) };
      model = schema.model(attr.component!);
    }
  }
  return out;
}
