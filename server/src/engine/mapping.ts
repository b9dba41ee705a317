import { InputError } from './errors';
import { isDocRef } from './refs';
import type { FieldMapping } from '../shared/contracts';
import type { Snapshot } from './snapshot';

/** A Document Type Mapping as the engine uses it. */
export interface MappingDef {
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMapping[];
}

export type MappingLoader = (name: string) => MappingDef | undefined;

const empty = (v: unknown) => v === undefined || v === null || v === '';

const matchesFilters = (value: unknown, filters: Record<string, unknown> | null): boolean => {
  if (!filters) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(filters).every(([k, v]) => (value as Record<string, unknown>)[k] === v);
};

/**
 * Reshapes a remote snapshot (or an Update's changed fields) into the local type's shape
 * (seed §3.6): each local field takes its remote field's value, or `defaultValue` when the
 * remote field is unmapped or empty; component fields go through their inner mapping row by row;
 * relation fields keep only references whose remote value matches `remoteValueFilters`;
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
      // References stay remote identities: the consumer resolves them to its own documents.
      const retarget = (v: unknown) => (isDocRef(v) && matchesFilters(v, fm.remoteValueFilters) ? v : null);
      if (Array.isArray(raw)) out[fm.localField] = raw.map(retarget).filter(Boolean);
      else out[fm.localField] = empty(raw) ? (fm.defaultValue ?? null) : retarget(raw);
      continue;
    }
    out[fm.localField] = empty(raw) ? (fm.defaultValue ?? null) : raw;
  }
  return out;
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
