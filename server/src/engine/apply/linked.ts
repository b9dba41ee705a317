/**
 * Linked-document mapping (seed §3.6, the "Document" mapping type; its test "inner mapping"): a
 * relation row with an inner mapping fills the local relation with a document built through that
 * inner mapping from the producer's document found by the row's remote value filters (their
 * values read from the outer document, mapping.ts linkedFilters).
 *
 * INVARIANTS
 * 1. Network only while preparing: `lookUp` (called by the shaper on every shaped data, in the
 *    dependency walk) asks the producer once per (inner mapping, filters) and event; `offline`
 *    throws NeedsNetworkError instead. `link` (apply, inside the transaction) only reads what was
 *    found; a target not looked up is an ApplyError, never a call.
 * 2. One local document per (producer document, inner mapping): its remote reference is recorded
 *    under the type key `<remote type>#<inner mapping>` (the producer document may be mirrored by
 *    its own subscription too, as another local type); met again it is updated, not duplicated.
 * 3. Nothing is silently unlinked: no match (and no default), a local type the field does not
 *    point at, or a missing inner mapping is an ApplyError naming the field and why.
 * 4. Each linked document is written once per event (memoised), whatever number of rows or
 *    writes (a dependency's second write) name it.
 */
import { ApplyError, errorMessage, NeedsNetworkError } from '../errors';
import { applyMapping, isLinkedTarget, type LinkedTarget, type MappingLoader } from '../mapping';
import type { Snapshot } from '../snapshot';
import type { LocalRef } from './translate';
import type { ApplyPorts, MatchedDocument, MatchValue, WriteOptions } from './ports';

/** The type key of a linked document's remote reference (invariant 2). */
export const linkedRefType = (remoteUid: string, mapping: string): string => `${remoteUid}#${mapping}`;

const keyOf = (t: LinkedTarget) => `${t.__linked}|${JSON.stringify(t.filters)}`;
const MAX_NESTING = 4;

const isMatchValue = (v: unknown): v is MatchValue =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Every LinkedTarget in shaped data (through components and dynamic zones). */
export function linkedTargets(value: unknown, out: LinkedTarget[] = [], depth = 0): LinkedTarget[] {
  if (depth > 32 || value === null || typeof value !== 'object') return out;
  if (isLinkedTarget(value)) {
    out.push(value);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) linkedTargets(v, out, depth + 1);
  return out;
}

/** Writes the inner-mapped data of a linked document as local data of `uid` (translate, with the event's resolver). */
export type TranslateInner = (uid: string, data: Snapshot) => Promise<Record<string, unknown>>;

export interface Linker {
  /** Prepare: finds the producer documents of these targets (and of the targets their inner mappings produce). */
  lookUp(targets: LinkedTarget[], load: MappingLoader): Promise<void>;
  /** Apply: the local document(s) a target links — created or updated — or its default. */
  link(target: LinkedTarget, accepts: (localUid: string) => boolean, translateInner: TranslateInner): Promise<LocalRef[]>;
}

export function linker(ports: ApplyPorts, offline: boolean): Linker {
  const found = new Map<string, Promise<MatchedDocument>>();
  const written = new Map<string, Promise<LocalRef>>();
  let loader: MappingLoader = () => undefined;

  const innerOf = (t: LinkedTarget) => {
    const inner = loader(t.__linked);
    if (!inner) throw new ApplyError(`${t.field}: its inner mapping "${t.__linked}" does not exist`);
    return inner;
  };

  const lookUp = async (targets: LinkedTarget[], load: MappingLoader, depth = 0): Promise<void> => {
    loader = load;
    for (const t of targets) {
      const key = keyOf(t);
      if (found.has(key)) continue;
      const bad = Object.entries(t.filters).find(([, v]) => !isMatchValue(v));
      if (bad) throw new ApplyError(`${t.field}: the filter ${bad[0]} takes a value that is not plain (text, number, boolean)`);
      if (offline) throw new NeedsNetworkError(`${t.remoteUid} matching ${JSON.stringify(t.filters)}`);
      const inner = innerOf(t);
      const match = ports.matchDocument(t.remoteUid, t.filters as Record<string, MatchValue>);
      found.set(key, match);
      const doc = await match;
      if (doc.data && depth < MAX_NESTING) await lookUp(linkedTargets(applyMapping(doc.data, inner, load, false)), load, depth + 1);
    }
  };

  const write = async (t: LinkedTarget, doc: MatchedDocument & { documentId: string; data: Snapshot }, translateInner: TranslateInner) => {
    const inner = innerOf(t);
    const uid = inner.localContentType;
    const model = ports.model(uid);
    if (!model) throw new ApplyError(`${t.field}: content type ${uid} (inner mapping "${inner.mappingName}") does not exist on this site`);
    const locale = model.localized ? doc.locale : null;
    const remote = { uid: linkedRefType(t.remoteUid, inner.mappingName), documentId: doc.documentId, locale };
    const ref = await ports.findReference(remote);
    const existing = ref && !ref.deleted && (await ports.localExists(uid, ref.localDocumentId, locale)) ? ref.localDocumentId : null;
    const data = await translateInner(uid, applyMapping(doc.data, inner, loader, false));
    const options: WriteOptions = { ...(locale ? { locale } : {}), ...(model.draftAndPublish ? { status: 'published' as const } : {}) };
    let id = existing;
    if (!id || !(await ports.update(uid, id, data, options))) id = await ports.create(uid, data, options);
    await ports.saveReference(
      { localContentType: uid, localDocumentId: id, remote, lastAppliedSeq: doc.headSeq, deleted: false },
      ref?.id ?? null
    );
    return locale ? { uid, documentId: id, locale } : { uid, documentId: id };
  };

  return {
    lookUp: (targets, load) => lookUp(targets, load),
    async link(t, accepts, translateInner) {
      const inner = innerOf(t);
      if (!accepts(inner.localContentType))
        throw new ApplyError(
          `${t.field} cannot be linked: its inner mapping "${inner.mappingName}" builds ${inner.localContentType}, which ${t.field} does not point at`
        );
      const key = keyOf(t);
      const match = found.get(key);
      if (!match) throw new ApplyError(`${t.field} cannot be linked: its document was not looked up on the producer before the write`);
      const doc = await match;
      if (!doc.data || !doc.documentId) {
        if (t.fallback) return t.fallback.map((documentId) => ({ uid: inner.localContentType, documentId }));
        throw new ApplyError(
          `${t.field} cannot be linked: no ${t.remoteUid} on the producer matches ${JSON.stringify(t.filters)} (inner mapping "${inner.mappingName}")`
        );
      }
      const matched = { ...doc, documentId: doc.documentId, data: doc.data };
      let w = written.get(key);
      if (!w) {
        w = write(t, matched, translateInner).catch((error: unknown) => {
          if (error instanceof NeedsNetworkError) throw error;
          throw new ApplyError(`${t.field} cannot be linked: writing its ${inner.localContentType} failed: ${errorMessage(error)}`);
        });
        written.set(key, w);
      }
      return [await w];
    },
  };
}
