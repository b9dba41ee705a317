import { InputError } from './errors';
import { isDocRef } from './refs';
import type { FieldMapping } from '../shared/contracts';
import type { DocRef, Snapshot } from './snapshot';

/** A Document Type Mapping as the engine uses it. */
export interface MappingDef {
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMapping[];
}

export type MappingLoader = (name: string) => MappingDef | undefined;

const empty = (v: unknown) => v === undefined || v === null || v === '';

/**
 * A relation row with an inner mapping (seed §3.6, "Document" mapping type): the local relation is
 * filled with a document built through `mapping` from the producer's document of `remoteUid`
 * found by `filters` (apply/linked.ts looks it up, creates or updates it, and links it).
 * `fallback`: the row's plain default (local documentIds), used when no producer document matches.
 */
export interface LinkedTarget {
  __linked: string;
  remoteUid: string;
  field: string;
  filters: Record<string, unknown>;
  fallback: string[] | null;
}

/** A plain default of a relation row: a local document of the field's target, by documentId. */
export interface LocalTarget {
  __local: string;
}

/**
 * What applyMapping itself made, kept aside so that the data keeps its shape: references read by
 * a mapped relation row (copies; each must be linked, or the event fails — never silently
 * unlinked), LinkedTargets and LocalTargets. Only these are honoured: the same keys sent by a
 * producer (`{__local: id}` in unmapped data) are not a mapping's, and link nothing.
 */
const strictRefs = new WeakSet<object>();
const madeTargets = new WeakSet<object>();
const made = <T extends object>(set: WeakSet<object>, v: T): T => {
  set.add(v);
  return v;
};
export const isStrictRef = (v: unknown): boolean => typeof v === 'object' && v !== null && strictRefs.has(v);
const strictCopy = (ref: DocRef): DocRef => made(strictRefs, { ...ref });

export const isLinkedTarget = (v: unknown): v is LinkedTarget =>
  typeof v === 'object' && v !== null && madeTargets.has(v) && typeof (v as LinkedTarget).__linked === 'string';
export const isLocalTarget = (v: unknown): v is LocalTarget =>
  typeof v === 'object' && v !== null && madeTargets.has(v) && typeof (v as LocalTarget).__local === 'string';

/** A relation row's default as local documentIds (a documentId, a list of them, or `{ documentId }`s), or null. */
export function localDefault(value: unknown): string[] | null {
  const ids = (Array.isArray(value) ? value : [value])
    .map((v) => (typeof v === 'string' ? v : isDocIdObject(v) ? v.documentId : null))
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
  return ids.length ? ids : null;
}
const isDocIdObject = (v: unknown): v is { documentId: string } =>
  typeof v === 'object' && v !== null && typeof (v as { documentId?: unknown }).documentId === 'string';

/**
 * The filters of a linked row with their values taken from the outer (remote) document, as the
 * seed's system reads them: a value naming a field of `data` takes that field's value, any other
 * value is used as it is. Without filters, the row's own reference names the document.
 */
export function linkedFilters(filters: Record<string, unknown> | null, data: Snapshot, raw: unknown): Array<Record<string, unknown>> {
  if (filters && Object.keys(filters).length) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(filters)) out[k] = typeof v === 'string' && Object.hasOwn(data, v) ? data[v] : v;
    return [out];
  }
  return (Array.isArray(raw) ? raw : [raw])
    .filter(isDocRef)
    .map((r) => ({ documentId: r.documentId, ...(r.locale ? { locale: r.locale } : {}) }));
}

const matchesFilters = (value: unknown, filters: Record<string, unknown> | null): boolean => {
  if (!filters) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(filters).every(([k, v]) => (value as Record<string, unknown>)[k] === v);
};

/**
 * Reshapes a remote snapshot (or an Update's changed fields) into the local type's shape
 * (seed §3.6): each local field takes its remote field's value, or `defaultValue` when the
 * remote field is unmapped or empty; component fields go through their inner mapping row by row;
 * relation fields keep only references whose remote value matches `remoteValueFilters` — or,
 * with an inner mapping, become LinkedTargets (the document found on the producer by the filters,
 * built through the inner mapping; apply/linked.ts); a relation's default is local documentIds;
 * dynamic-zone fields go through `mapDynamicZone`.
 *
 * Local fields no row lists are left out of the result: a created document gets the schema's
 * default for them, an updated one keeps its value. Remote fields no row reads are dropped.
 *
 * `partial`: the input holds only changed fields (an Update); local fields whose remote field is
 * absent are left out instead of being reset to their default.
 */
export function applyMapping(data: Snapshot, mapping: MappingDef, load: MappingLoader, partial: boolean, depth = 0): Snapshot {
  if (depth > 8) throw new InputError(`Mapping "${mapping.mappingName}" nests too deeply (a cycle of inner mappings?)`);
  const out: Snapshot = {};
  for (const fm of mapping.fieldMappings) {
    const present = fm.remoteField !== null && fm.remoteField in data;
    if (partial && !present) continue;
    const raw = present ? data[fm.remoteField as string] : undefined;
    if (fm.mappingType === 'component' && fm.mapping) {
      const inner = load(fm.mapping);
      if (!inner) throw new InputError(`Inner mapping "${fm.mapping}" of "${mapping.mappingName}" does not exist`);
      const map1 = (v: unknown) => (v && typeof v === 'object' ? applyMapping(v as Snapshot, inner, load, false, depth + 1) : null);
      out[fm.localField] = empty(raw) ? (fm.defaultValue ?? null) : Array.isArray(raw) ? raw.map(map1) : map1(raw);
      continue;
    }
    if (fm.mappingType === 'dynamiczone') {
      out[fm.localField] = Array.isArray(raw) ? mapDynamicZone(raw, fm, mapping, load, depth) : (fm.defaultValue ?? null);
      continue;
    }
    if (fm.mappingType === 'relation') {
      out[fm.localField] = mapRelation(fm, data, raw, load, mapping);
      continue;
    }
    out[fm.localField] = empty(raw) ? (fm.defaultValue ?? null) : raw;
  }
  return out;
}

/**
 * A relation row. Empty: its default (local documentIds) or null. With an inner mapping: one
 * LinkedTarget per document to find (by the filters, or by the references the row reads). Else:
 * the references themselves (remote identities, resolved to local documents when written), only
 * those matching `remoteValueFilters`, marked strict: one that cannot be linked fails the event.
 */
function mapRelation(fm: FieldMapping, data: Snapshot, raw: unknown, load: MappingLoader, parent: MappingDef): unknown {
  const fallback = localDefault(fm.defaultValue);
  const plain = () =>
    fallback ? fallback.map((id) => made<LocalTarget>(madeTargets, { __local: id })) : empty(fm.defaultValue) ? null : fm.defaultValue;
  // A linked row with filters and no remote field is looked up for every whole document.
  const always = fm.mapping !== null && fm.remoteField === null && Object.keys(fm.remoteValueFilters ?? {}).length > 0;
  if (!always && (empty(raw) || (Array.isArray(raw) && raw.length === 0))) return Array.isArray(raw) && !fallback ? [] : plain();
  if (fm.mapping) {
    const inner = load(fm.mapping);
    if (!inner) throw new InputError(`Inner mapping "${fm.mapping}" of "${parent.mappingName}" does not exist`);
    const targets = linkedFilters(fm.remoteValueFilters, data, raw).map((filters) =>
      made<LinkedTarget>(madeTargets, {
        __linked: inner.mappingName,
        remoteUid: inner.remoteContentType,
        field: fm.localField,
        filters,
        fallback,
      })
    );
    return Array.isArray(raw) ? targets : (targets[0] ?? plain());
  }
  // References stay remote identities: the consumer resolves them to its own documents.
  const retarget = (v: unknown): DocRef | null => (isDocRef(v) && matchesFilters(v, fm.remoteValueFilters) ? strictCopy(v) : null);
  return Array.isArray(raw) ? raw.map(retarget).filter(Boolean) : retarget(raw);
}

/**
 * A dynamic zone's entries (`{ __component: uid, ...fields }`), entry by entry: an entry whose
 * remote component one of the row's `componentMappings` reads (its `remoteContentType`) becomes
 * `{ __component: <its localContentType>, ...fields through it }`. An entry no component mapping
 * reads is copied unchanged, under its own component UID: the write keeps it only when the local
 * dynamic zone allows that same component (then its fields are matched by name), and drops it
 * otherwise.
 * @throws InputError when a listed component mapping does not exist.
 */
function mapDynamicZone(entries: unknown[], fm: FieldMapping, parent: MappingDef, load: MappingLoader, depth: number): unknown[] {
  const byRemote = new Map<string, MappingDef>();
  for (const name of fm.componentMappings ?? []) {
    const inner = load(name);
    if (!inner) throw new InputError(`Component mapping "${name}" of "${parent.mappingName}" does not exist`);
    byRemote.set(inner.remoteContentType, inner);
  }
  return entries
    .filter((e): e is Snapshot => typeof e === 'object' && e !== null && !Array.isArray(e))
    .map((e) => {
      const inner = typeof e.__component === 'string' ? byRemote.get(e.__component) : undefined;
      return inner ? { ...applyMapping(e, inner, load, false, depth + 1), __component: inner.localContentType } : e;
    });
}
