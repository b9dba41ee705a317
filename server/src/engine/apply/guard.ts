import { ApplyError } from '../errors';
import { applyMapping, type MappingLoader } from '../mapping';
import { DOC_ID_RE, LOCALE_RE } from '../refs';
import type { Snapshot } from '../snapshot';
import { linkedTargets, linker, type Linker } from './linked';
import type { ApplyPorts, Route } from './ports';

/** Keys that reach an object's prototype when assigned or looked up; never taken from a producer. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 64;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks document data received from a producer before the engine reads any of it (issue 13):
 * no prototype key (`__proto__`, `constructor`, `prototype`) at any depth, and every reference
 * (`{ __ref }`) well-formed — a string type, a documentId matching DOC_ID_RE, a locale code or
 * nothing. Throws ApplyError naming the document `what` and the path of the offending value.
 */
export function checkProducerData(value: unknown, what: string, path = 'data', depth = 0): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw new ApplyError(`The data of ${what} nests deeper than ${MAX_DEPTH} levels (at ${path})`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkProducerData(v, what, `${path}[${i}]`, depth + 1));
    return;
  }
  const keys = Object.keys(value);
  const bad = keys.find((k) => PROTOTYPE_KEYS.has(k));
  if (bad !== undefined) throw new ApplyError(`The data of ${what} holds the key "${bad}" (at ${path}); prototype keys are refused`);
  const row = value as Record<string, unknown>;
  if (Object.hasOwn(row, '__ref')) {
    const { __ref: type, documentId, locale } = row;
    if (typeof type !== 'string') throw new ApplyError(`The data of ${what} holds a reference without a type (at ${path})`);
    if (typeof documentId !== 'string' || !DOC_ID_RE.test(documentId))
      throw new ApplyError(`The data of ${what} holds a reference to ${type} with a malformed documentId (at ${path})`);
    if (locale !== undefined && locale !== null && (typeof locale !== 'string' || !LOCALE_RE.test(locale)))
      throw new ApplyError(`The data of ${what} holds a reference to ${type} with a malformed locale (at ${path})`);
  }
  for (const k of keys) checkProducerData(row[k], what, `${path}.${k}`, depth + 1);
}

/**
 * Data of route `r` in its local type's shape: unmapped data as it is, mapped data through the
 * route's Document Type Mapping (the mappings are read once per shaper). Both the dependency walk
 * and the write read producer data through it, so that a reference is followed and linked only
 * where a local field holds it — in mapped data too (issue 13: a `__ref` in a remote field no
 * mapping reads must not create a document). Made once per event (prepare), reused by apply.
 * @throws ApplyError when the route's mapping does not exist.
 */
export type LocalShaper = ((r: Route, d: Snapshot, partial: boolean) => Promise<Snapshot>) & {
  /** Linked-document targets of the shaped data: looked up while shaping, written when linked (linked.ts). */
  linker: Linker;
};

/**
 * `offline` (a batch's transaction): a linked document not looked up yet throws NeedsNetworkError
 * instead of asking the producer (linked.ts invariant 1).
 */
export function localShaper(ports: ApplyPorts, offline = false): LocalShaper {
  let loader: Promise<MappingLoader> | undefined;
  const links = linker(ports, offline);
  const shape = async (r: Route, d: Snapshot, partial: boolean): Promise<Snapshot> => {
    if (!r.mapping) return d;
    loader ??= ports.loadMappings().then((all) => {
      const byName = new Map(all.map((m) => [m.mappingName, m]));
      return (n: string) => byName.get(n);
    });
    const load = await loader;
    const mapping = load(r.mapping);
    if (!mapping) throw new ApplyError(`Document Type Mapping "${r.mapping}" does not exist`);
    const out = applyMapping(d, mapping, load, partial);
    // The walk shapes whole documents as partial too: a linked row without remote field, which only
    // a whole document fills, is looked up here as well, so that the write never needs the network.
    await links.lookUp(linkedTargets(partial ? [out, applyMapping(d, mapping, load, false)] : out), load);
    return out;
  };
  return Object.assign(shape, { linker: links });
}
