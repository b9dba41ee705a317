import type { ProducerSubscription, StreamEvent } from '../../shared/contracts';
import { ApplyError } from '../errors';
import type { ApplyOutcome } from '../pull-loop';
import { docKey, walkRefs } from '../refs';
import type { DocRef, Snapshot } from '../snapshot';
import { inlineRewriter } from './inline';
import { componentPathsTouched, keepLocalPopulate, withoutKeptLocal } from './keep-local';
import { siblingLocalId } from './lookups';
import type { Prepared } from './phases';
import type { ApplyPorts, ReferenceRow, RemoteDoc, Route, WriteOptions } from './ports';
import { routeFor } from './routing';
import { translate, type LocalRef } from './translate';

/**
 * Records that local document `localDocumentId` mirrors `remote` up to `seq` (never lowering the
 * seq already recorded). `known`: the reference, already read; undefined: looked up here.
 */
export async function saveRef(
  ports: ApplyPorts,
  route: Route,
  remote: RemoteDoc,
  localDocumentId: string,
  seq: number,
  deleted: boolean,
  known?: ReferenceRow | null
): Promise<void> {
  const existing = known !== undefined ? known : await ports.findReference(remote);
  const lastAppliedSeq = Math.max(seq, Number(existing?.lastAppliedSeq ?? 0));
  await ports.saveReference({ localContentType: route.localUid, localDocumentId, remote, lastAppliedSeq, deleted }, existing?.id ?? null);
}

/**
 * The update data of an existing local document with the route's kept-local fields left alone
 * (keep-local.ts, invariant 2); the local copy is read only when a component holding one is rewritten.
 */
async function keptLocal(
  ports: ApplyPorts,
  route: Route,
  documentId: string,
  locale: string | null,
  data: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const paths = route.keepLocal ?? [];
  if (!paths.length) return data;
  const touched = componentPathsTouched(data, paths);
  const current = touched.length ? await ports.readLocal(route.localUid, documentId, locale, keepLocalPopulate(touched)) : null;
  return withoutKeptLocal(ports, route.localUid, data, paths, current);
}

/**
 * Writes one document; returns its local documentId. An existing local copy is updated; a new
 * locale of a document that exists here in another locale is added to it; else it is created
 * (Use Same Name: with the producer's documentId). Kept-local fields: filled when created (a new
 * locale too), left alone when updated. Published when the type has Draft & Publish.
 */
async function write(
  ports: ApplyPorts,
  route: Route,
  remote: RemoteDoc,
  data: Record<string, unknown>,
  existingId: string | null
): Promise<string> {
  const uid = route.localUid;
  const model = ports.model(uid);
  if (!model) throw new ApplyError(`Content type ${uid} does not exist on this site`);
  const locale = model.localized ? remote.locale : null;
  if (locale && !(await ports.localeExists(locale)))
    throw new ApplyError(`Locale "${locale}" does not exist on this site; add it in Settings > Internationalization`);
  const options: WriteOptions = { ...(locale ? { locale } : {}), ...(model.draftAndPublish ? { status: 'published' as const } : {}) };
  if (existingId) {
    if (!(await ports.update(uid, existingId, await keptLocal(ports, route, existingId, locale, data), options)))
      throw new ApplyError(`Local ${uid} ${existingId} vanished while it was being updated`);
    return existingId;
  }
  const sibling = locale ? await siblingLocalId(ports, route, remote) : null;
  if (sibling) {
    if (!(await ports.update(uid, sibling, data, options)))
      throw new ApplyError(`Could not add locale ${locale} to local ${uid} ${sibling}`);
    return sibling;
  }
  return ports.create(uid, route.useSameName ? { ...data, documentId: remote.documentId } : data, options);
}

const remoteOf = (ref: DocRef): RemoteDoc => ({ uid: ref.__ref, documentId: ref.documentId, locale: ref.locale ?? null });

/**
 * The upsert's three steps (invariant 3 in index.ts): missing dependencies created without
 * relations, the document written, then the dependencies given their relations.
 */
export async function writeUpsert(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  at: { event: StreamEvent; remote: RemoteDoc; ref: ReferenceRow | null; localId: string | null },
  prepared: Extract<Prepared, { kind: 'upsert' }>
): Promise<ApplyOutcome> {
  const { route, deps, files, lookups, shape: mapped } = prepared;
  const { event, remote, ref, localId } = at;
  const created = new Map<string, string>(); // docKey(remote) -> local documentId
  const resolve = async (r: DocRef): Promise<LocalRef | null> => {
    const target = routeFor(subs, r.__ref, ports.isStreamable, route);
    if (!target) return null;
    const id = created.get(docKey(r.__ref, r.documentId, r.locale)) ?? (await lookups.get(target, remoteOf(r)));
    if (!id) return null;
    return ports.model(target.localUid)?.localized === true && r.locale
      ? { uid: target.localUid, documentId: id, locale: r.locale }
      : { uid: target.localUid, documentId: id };
  };
  const inline = inlineRewriter(ports, prepared.inline);
  const translated = async (r: Route, d: Snapshot, partial: boolean, relations: boolean) =>
    translate(ports, r.localUid, await mapped(r, d, partial), resolve, files, { relations, inline, link: mapped.linker });

  // 1. Missing dependencies first, without relations (they may point at each other or at the root).
  for (const dep of deps) {
    const depRemote = remoteOf(dep.ref);
    const existing = await lookups.get(dep.route, depRemote);
    const id = await write(ports, dep.route, depRemote, await translated(dep.route, dep.data, false, false), existing);
    created.set(docKey(depRemote.uid, depRemote.documentId, depRemote.locale), id);
  }
  // 2. The document itself.
  const rootData = await translated(route, prepared.data, !prepared.full, true);
  const rootId = await write(ports, route, remote, rootData, localId);
  created.set(docKey(remote.uid, remote.documentId, remote.locale), rootId);
  await saveRef(ports, route, remote, rootId, Math.max(event.seq, prepared.reflectsSeq), false, ref);
  // 3. The dependencies' relations, now that every document exists.
  for (const dep of deps) {
    const depRemote = remoteOf(dep.ref);
    const id = created.get(docKey(depRemote.uid, depRemote.documentId, depRemote.locale))!;
    let hasRefs = false;
    walkRefs(
      dep.data,
      () => (hasRefs = true),
      () => undefined
    );
    // Written whole again: components holding relations are replaced as a unit.
    if (hasRefs) await write(ports, dep.route, depRemote, await translated(dep.route, dep.data, false, true), id);
    await saveRef(ports, dep.route, depRemote, id, dep.headSeq, false);
  }
  const note = deps.length ? `with ${deps.length} dependenc${deps.length === 1 ? 'y' : 'ies'}` : undefined;
  return { localDocumentId: rootId, data: rootData, note };
}
