import type { ProducerSubscription, StreamEvent } from '../../shared/contracts';
import { ApplyError, NeedsNetworkError } from '../errors';
import type { ApplyOutcome } from '../pull-loop';
import type { DocRef, Snapshot } from '../snapshot';
import { discardUploads, walkDependencies } from './dependencies';
import { checkProducerData, isObject, localShaper, type LocalShaper } from './guard';
import type { InlineCopies } from './inline';
import { localIdOf, memoLocalIds, type LocalIds } from './lookups';
import type { ApplyPorts, Dependency, Route } from './ports';
import { eventRoute } from './routing';
import { saveRef, writeUpsert } from './write';

export type Prepared =
  | { kind: 'ignore'; note: string }
  /** `reconcile`: the producer no longer serves it at all (a reconciling back-fill): applied even at or below lastAppliedSeq. */
  | { kind: 'delete'; route: Route; reconcile?: boolean }
  | { kind: 'gone'; route: Route }
  | {
      kind: 'upsert';
      route: Route;
      data: Snapshot;
      /** The data is the whole document (Create, or re-fetched), not a diff. */
      full: boolean;
      /** Events up to this seq are reflected in `data` (re-fetched state), else 0. */
      reflectsSeq: number;
      deps: Dependency[];
      /** Remote file key -> local file id, uploaded during preparation. */
      files: Map<string, number>;
      /** Remote keys of the files this preparation uploaded (a subset of `files`): removed if the event does not apply. */
      uploaded: string[];
      /** Uploads referenced inline (rich text, Blocks, JSON), by the URL written: their local copies (inline.ts). */
      inline?: InlineCopies;
      /** The dependency lookups made while preparing, reused by apply (the root is looked up again). */
      lookups: LocalIds;
      /** Reshapes mapped data (the mappings read once per event), reused by apply. */
      shape: LocalShaper;
    };

/**
 * Network phase (outside any transaction): route the event, re-fetch the whole document when an
 * Update finds no local copy ("gone" when the producer has it no more), walk the dependencies.
 * `offline` (inside a batch's transaction): NeedsNetworkError instead of any call to the producer.
 * @throws ApplyError for an event this site refuses (type not subscribed, bad data, limits).
 */
export async function prepareEvent(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  event: StreamEvent,
  opts: { offline?: boolean } = {}
): Promise<Prepared> {
  const offline = opts.offline === true;
  const route = eventRoute(subs, event, ports.isStreamable);
  if ('ignore' in route) return { kind: 'ignore', note: route.ignore };
  if (event.updateType === 'Delete') return { kind: 'delete', route };
  if (!isObject(event.data)) throw new ApplyError(`The ${event.updateType} event #${event.seq} carries no document data`);
  const what = `${event.contentType} ${event.documentId}`;
  checkProducerData(event.data, what);

  let data: Snapshot = event.data;
  let full = event.updateType === 'Create';
  let reflectsSeq = 0;
  const remote = { uid: event.contentType, documentId: event.documentId, locale: event.locale };
  const lookups = memoLocalIds(ports);
  if (!full && !(await lookups.get(route, remote))) {
    // An update for a document this site does not have: fetch its whole current state.
    if (offline) throw new NeedsNetworkError(what);
    const fetched = await ports.fetchDocument(remote, []);
    if (!fetched.data) return { kind: 'gone', route };
    checkProducerData(fetched.data, what);
    data = fetched.data;
    full = true;
    reflectsSeq = fetched.headSeq;
  }
  const root: DocRef = { __ref: event.contentType, documentId: event.documentId, locale: event.locale };
  const shape = localShaper(ports, offline);
  const { deps, files, inline, uploaded } = await walkDependencies(ports, subs, { ref: root, data, route }, lookups, offline, shape);
  return { kind: 'upsert', route, data, full, reflectsSeq, deps, files, inline, uploaded, lookups, shape };
}

/**
 * A prepared event that was not applied after all (its apply failed and rolled back, it is
 * Blocked, or it was processed already): removes the files its preparation uploaded, so that no
 * upload is left without the document that referenced it.
 */
export async function discardPrepared(ports: ApplyPorts, prepared: Prepared): Promise<void> {
  if (prepared.kind === 'upsert' && prepared.uploaded.length) await discardUploads(ports, prepared.uploaded);
}

/**
 * Database phase, inside the caller's transaction (the adapter marks its writes with their
 * origin). Returns the outcome for the sync log.
 * @throws ApplyError (or the write port's error) when the document cannot be written; the
 *   caller's transaction then rolls back every write made here.
 */
export async function applyEvent(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  event: StreamEvent,
  prepared: Prepared
): Promise<ApplyOutcome> {
  if (prepared.kind === 'ignore') return { localDocumentId: null, data: null, skipped: true, note: prepared.note };
  const remote = { uid: event.contentType, documentId: event.documentId, locale: event.locale };
  const { route } = prepared;
  // The document's reference, read once: idempotency, its local id, and the reference written back.
  const ref = await ports.findReference(remote);
  let localId: string | null | undefined;
  // A reconciling Delete (the producer no longer serves the document) applies whatever the seq.
  const reconciling = prepared.kind === 'delete' && prepared.reconcile === true;
  if (ref && Number(ref.lastAppliedSeq ?? 0) >= event.seq && !reconciling) {
    // Already reflected — unless this is the whole document (back-fill, resync) and its local
    // copy is gone (deleted here): then it is restored.
    const skipped = {
      localDocumentId: ref.localDocumentId,
      data: null,
      skipped: true,
      note: `already applied (document is at #${ref.lastAppliedSeq})`,
    };
    if (!(prepared.kind === 'upsert' && prepared.full)) return skipped;
    localId = await localIdOf(ports, route, remote, ref);
    if (localId) return skipped;
  }
  // Dependencies: what preparing found (a moment ago, under this pull's lease). The document
  // itself: looked up again inside this transaction.
  if (localId === undefined) localId = await localIdOf(ports, route, remote, ref);
  if (prepared.kind === 'gone') {
    return {
      localDocumentId: localId,
      data: null,
      skipped: true,
      note: 'the document no longer exists on the producer; its Delete event follows',
    };
  }
  if (prepared.kind === 'delete') {
    if (localId) {
      const localized = ports.model(route.localUid)?.localized === true;
      await ports.delete(route.localUid, localId, localized && remote.locale ? { locale: remote.locale } : {});
    }
    await saveRef(ports, route, remote, localId ?? ref?.localDocumentId ?? remote.documentId, event.seq, true, ref);
    return { localDocumentId: localId, data: null, note: localId ? undefined : 'already absent here' };
  }
  prepared.lookups.set(route, remote, localId);
  return writeUpsert(ports, subs, { event, remote, ref, localId }, prepared);
}

/**
 * The event that brings one document to the producer's current state (resync, back-fill of a
 * document that needs the network): a Create of its data at the producer's head, or a Delete.
 */
export async function reconcileEvent(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  remoteUid: string,
  documentId: string,
  locale: string | null
): Promise<{ event: StreamEvent; prepared: Prepared }> {
  const fetched = await ports.fetchDocument({ uid: remoteUid, documentId, locale }, []);
  const event: StreamEvent = {
    seq: fetched.headSeq,
    updateType: fetched.data ? 'Create' : 'Delete',
    contentType: remoteUid,
    documentId,
    locale,
    data: fetched.data,
    originSiteId: null,
  };
  return { event, prepared: await prepareEvent(ports, subs, event) };
}
