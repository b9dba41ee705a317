import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { ProducerSubscription, StreamEvent } from '../shared/contracts';
import {
  applyEvent,
  discardPrepared,
  prepareEvent,
  reconcileEvent,
  routeFor,
  type ApplyPorts,
  type Prepared as EnginePrepared,
  type ReferenceRow,
  type RemoteDoc,
  type Route,
} from '../engine/apply';
import type { ApplyOutcome } from '../engine/pull-loop';
import type { HoldReason } from '../engine/review';
import type { MappingDef } from '../engine/mapping';
import { chunks, contentTypeUid, getService, repo } from '../utils';
import { withOrigin } from '../site/origin';
import type { ProducerRow } from './producer-registry';
import { linkRuleOf } from './link-rule';
import { creatorFields, subscriberOf } from './subscriber';

/** An event held for review before anything was prepared (consumer/review.ts `preGate`). */
export type Held = { kind: 'held'; reason: HoldReason };
export type Prepared = EnginePrepared | Held;

/** The Document Service calls the engine makes, typed at this one boundary. */
interface Docs {
  create(p: object): Promise<{ documentId: string }>;
  update(p: object): Promise<{ documentId: string } | null>;
  delete(p: object): Promise<unknown>;
  findOne(p: object): Promise<unknown>;
}

/**
 * Applies a producer's events to local documents (consumer side): the Strapi adapter of the apply
 * engine (engine/apply, where the phases and their invariants are). It builds the engine's ports
 * from Strapi — Query Engine lookups, `strapi.documents(uid)` writes, the reference table
 * (references.ts), file transfer (files.ts), the producer's documents (producer-client.ts) — and runs every
 * write "with origin", so this site's own capture records where the change came from, and as the
 * producer's Event Subscriber (subscriber.ts).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const schema = () => getService(strapi, 'schema');
  const references = () => getService(strapi, 'references');
  const files = () => getService(strapi, 'files');
  const docs = (uid: string) => strapi.documents(contentTypeUid(uid)) as unknown as Docs;
  const isStreamable = (uid: string) => schema().isStreamable(uid);
  const isOwn = (event: StreamEvent) => event.originSiteId !== null && event.originSiteId === getService(strapi, 'settings').siteId();
  const subscriber = (id: number | null | undefined) => subscriberOf(strapi, id);
  /** This site's public URL, before the path of a local upload in an absolute inline URL. */
  const siteOrigin = (): string | null => {
    const url = strapi.config.get('server.absoluteUrl');
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url.replace(/\/+$/, '') : null;
  };
  const localExists = async (uid: string, documentId: string, locale: string | null) =>
    (await repo(strapi, uid).count({ where: { documentId, ...(locale ? { locale } : {}) } })) > 0;

  /**
   * The Event Subscriber written as creator / updater of what a synced write just wrote: one Query
   * Engine update of the document's rows (draft and published, of the written locale), in the
   * write's transaction. Given to the Document Service with the data instead, the two admin-user
   * relations cost about eight statements per document (their ids looked up and validated, then
   * read again and copied by publish: 19,600 statements for 2,400 streamed documents, bench
   * throughput) where this is one. The Content Manager reads the same columns either way.
   */
  const markCreator = async (uid: string, documentId: string, locale: string | null, fields: Record<string, number>) => {
    if (!Object.keys(fields).length) return;
    await repo(strapi, uid).updateMany({ where: { documentId, ...(locale ? { locale } : {}) }, data: fields });
  };

  const ports = (producer: ProducerRow): ApplyPorts => ({
    limits: (({ maxDependenciesPerEvent, maxFilesPerEvent, maxEventBytes }) => ({
      maxDependencies: maxDependenciesPerEvent,
      maxFiles: maxFilesPerEvent,
      maxBytes: maxEventBytes,
    }))(getService(strapi, 'settings').config()),
    model: (uid) => schema().model(uid),
    isStreamable,
    findReference: (remote) => references().find(producer, remote),
    findReferences: (remoteUid, ids) => references().findMany(producer, remoteUid, ids),
    findSiblingReference: (remoteUid, documentId) => references().findSibling(producer, remoteUid, documentId),
    saveReference: (input, existingId) => references().save(producer, input, existingId),
    localExists,
    async localLocales(uid, documentIds) {
      const localized = schema().model(uid)?.localized === true;
      const found: Array<{ documentId: string; locale: string | null }> = [];
      for (const chunk of chunks(documentIds)) {
        const rows = await repo(strapi, uid).findMany({
          where: { documentId: { $in: chunk } },
          select: localized ? ['documentId', 'locale'] : ['documentId'],
        });
        for (const r of rows) found.push({ documentId: r.documentId, locale: r.locale ?? null });
      }
      return found;
    },
    localeExists: async (code) => Boolean(await strapi.plugin('i18n').service('locales').findByCode(code)),
    // As the Event Subscriber (subscriber.ts): createdBy / updatedBy, like the Content Manager.
    async create(uid, data, options) {
      const { documentId } = await docs(uid).create({ data, ...options });
      await markCreator(uid, documentId, options.locale ?? null, creatorFields(await subscriber(producer.subscriberUserId), true));
      return documentId;
    },
    async update(uid, documentId, data, options) {
      const by = await subscriber(producer.subscriberUserId);
      // An update that adds a locale creates that locale's row: created by the subscriber too.
      const creating = by !== null && Boolean(options.locale) && !(await localExists(uid, documentId, options.locale ?? null));
      if (!(await docs(uid).update({ documentId, data, ...options }))) return false;
      await markCreator(uid, documentId, options.locale ?? null, creatorFields(by, creating));
      return true;
    },
    readLocal: async (uid, documentId, locale, populate) =>
      ((await docs(uid).findOne({ documentId, ...(locale ? { locale } : {}), populate })) as Record<string, unknown> | null) ?? null,
    delete: async (uid, documentId, options) => {
      await docs(uid).delete({ documentId, ...options });
    },
    fetchDocument: (remote, via) =>
      getService(strapi, 'producer-client').fetchDocument(producer, remote.uid, remote.documentId, remote.locale, via),
    matchDocument: (uid, filters) => getService(strapi, 'producer-client').matchDocument(producer, uid, filters),
    localFile: (key) => files().localFile(producer, key),
    transferFile: (file, via) => files().transfer(producer, file, via),
    removeFile: (key) => files().remove(producer, key),
    // Inline media and links (issue 15.4, engine/apply/inline.ts).
    inlineFiles: (via) => getService(strapi, 'producer-client').inlineFiles(producer, via),
    fileCopy: (id) => files().copyOf(id),
    inline: { linkRule: linkRuleOf(producer), siteOrigin: siteOrigin() },
    loadMappings: async () => repo<MappingDef>(strapi, UID.mapping).findMany({}),
  });

  /**
   * `base` with the event's own reference known: read once per apply (the conflict check has it,
   * the engine's idempotency check and its write-back read the same row, in the same transaction);
   * forgotten as soon as it is written.
   */
  const knowing = (base: ApplyPorts, remote: RemoteDoc, ref: ReferenceRow | null): ApplyPorts => {
    let known = true;
    const same = (r: RemoteDoc) => r.uid === remote.uid && r.documentId === remote.documentId && r.locale === remote.locale;
    return {
      ...base,
      findReference: async (r) => (known && same(r) ? ref : base.findReference(r)),
      saveReference: async (input, existingId) => {
        if (same(input.remote)) known = false;
        await base.saveReference(input, existingId);
      },
    };
  };

  // Aliases (StreamEvent.aliases): the event's document under other documentIds on other sites.
  // With Use Same Name off, a document that went round a ring (A -> B -> C -> A) comes back with
  // C's documentId; its aliases name A's, so A updates its own document instead of copying it.
  const aliasRemote = (event: StreamEvent, documentId: string) => ({ uid: event.contentType, documentId, locale: event.locale });
  const viaSite = (producer: ProducerRow, siteId: string) => ({ ...producer, producerSiteId: siteId });

  /**
   * Whether an alias naming this site can be true: the document is this site's own (held from no
   * producer) and of a type this site streams to an approved consumer, so it could have gone round
   * a ring. Any other local document named by a producer's alias is left alone: a producer cannot
   * take over a document it never received (SECURITY.md, hostile producer).
   */
  const ownServed = async (localUid: string, documentId: string): Promise<boolean> =>
    (await getService(strapi, 'consumer-store').receiversOf(localUid)).length > 0 &&
    (await references().listForLocal(localUid, documentId)).length === 0;

  /** Before preparing: a document with no reference here whose alias is a local document is recorded as mirroring it (seq 0). */
  const adoptAlias = async (producer: ProducerRow, subs: ProducerSubscription[], event: StreamEvent): Promise<void> => {
    const route = event.aliases?.length ? routeFor(subs, event.contentType, isStreamable) : null;
    if (!route || route.useSameName) return;
    const remote = aliasRemote(event, event.documentId);
    if (await references().find(producer, remote)) return;
    const p = ports(producer);
    let local: string | null = null;
    for (const a of event.aliases ?? []) {
      if (a.siteId === getService(strapi, 'settings').siteId())
        local = (await ownServed(route.localUid, a.documentId)) ? a.documentId : null;
      else local = (await references().find(viaSite(producer, a.siteId), aliasRemote(event, a.documentId)))?.localDocumentId ?? null;
      if (local && (await p.localExists(route.localUid, local, event.locale))) break;
      local = null;
    }
    if (local)
      await references().save(
        producer,
        { localContentType: route.localUid, localDocumentId: local, remote, lastAppliedSeq: 0, deleted: false },
        null
      );
  };

  /** After applying: the aliases become references of the local document too, so this site passes them on. */
  const recordAliases = async (producer: ProducerRow, route: Route, event: StreamEvent, localDocumentId: string): Promise<void> => {
    for (const a of event.aliases ?? []) {
      if (a.siteId === producer.producerSiteId || a.siteId === getService(strapi, 'settings').siteId()) continue;
      const via = viaSite(producer, a.siteId);
      const remote = aliasRemote(event, a.documentId);
      if (!(await references().find(via, remote)))
        await references().save(
          via,
          { localContentType: route.localUid, localDocumentId, remote, lastAppliedSeq: 0, deleted: false },
          null
        );
    }
  };

  const service = {
    /** The local route of a remote type met as a dependency (see engine/apply/routing.ts). */
    routeFor: (subs: ProducerSubscription[], remoteUid: string, parent?: Route): Route | null =>
      routeFor(subs, remoteUid, isStreamable, parent),

    /**
     * Network phase. Throws ApplyError / RemoteError; the caller records the failure. `offline`
     * (inside a batch's transaction): throws NeedsNetworkError instead of calling the producer.
     */
    async prepare(
      producer: ProducerRow,
      subs: ProducerSubscription[],
      event: StreamEvent,
      opts: { offline?: boolean; gate?: boolean } = {}
    ): Promise<Prepared> {
      // This site's own change, come back round a ring (A -> B -> ... -> A): it is here already.
      if (isOwn(event)) return { kind: 'ignore', note: "this site's own change, come back round" };
      // Review queue (the pull only): held before any network call or upload.
      const reason = opts.gate ? await getService(strapi, 'review').preGate(producer, event) : null;
      if (reason) return { kind: 'held', reason };
      await adoptAlias(producer, subs, event);
      return prepareEvent(ports(producer), subs, event, opts);
    },

    /**
     * Database phase, inside the caller's transaction. Returns the outcome for the sync log.
     * @throws ApplyError (or a Strapi validation error) when the document cannot be written.
     */
    apply(producer: ProducerRow, event: StreamEvent, prepared: Prepared, opts: { force?: boolean } = {}): Promise<ApplyOutcome> {
      // The change's origin travels on: the site it was first made on, not the producer it came
      // through, so a ring of sites (A -> B -> C -> A) stops where it started.
      return withOrigin(event.originSiteId ?? producer.producerSiteId ?? 'unknown', async () => {
        const remote = { uid: event.contentType, documentId: event.documentId, locale: event.locale };
        const held = async (reason: HoldReason): Promise<ApplyOutcome> => {
          const ref = prepared.kind === 'held' ? await references().find(producer, remote) : null;
          return { localDocumentId: ref && !ref.deleted ? ref.localDocumentId : null, data: null, held: reason };
        };
        if (prepared.kind === 'held') return held(prepared.reason);
        // Conflict check (engine/review.ts): was the local copy edited here since the last applied event?
        const review = getService(strapi, 'review');
        let edited = false;
        const ref = prepared.kind === 'upsert' || prepared.kind === 'delete' ? await references().find(producer, remote) : null;
        // A replay (already applied) is the engine's to skip, never held.
        if ((prepared.kind === 'upsert' || prepared.kind === 'delete') && !(ref && Number(ref.lastAppliedSeq ?? 0) >= event.seq)) {
          const localId = ref && !ref.deleted ? ref.localDocumentId : null;
          // The reference row carries the fingerprint stored by the last apply (references.ts reads whole rows).
          const gate = await review.applyGate(producer, event, prepared.route, ref, opts.force === true);
          if (gate.hold) return { ...(await held(gate.hold)), localDocumentId: localId };
          edited = gate.edited;
        }
        const p = prepared.kind === 'upsert' || prepared.kind === 'delete' ? knowing(ports(producer), remote, ref) : ports(producer);
        const outcome = await applyEvent(p, producer.subscriptions ?? [], event, prepared);
        if (prepared.kind === 'upsert' && outcome.localDocumentId) {
          await recordAliases(producer, prepared.route, event, outcome.localDocumentId);
          await review.mark(producer, event, prepared.route, outcome.localDocumentId);
        }
        if (edited && !outcome.skipped) outcome.note = ['overwrote local edits', outcome.note].filter(Boolean).join('; ');
        return outcome;
      });
    },

    /** A prepared event that was not applied: removes the files its preparation uploaded. */
    async discard(producer: ProducerRow, prepared: Prepared): Promise<void> {
      if (prepared.kind !== 'held') await discardPrepared(ports(producer), prepared);
    },

    /**
     * Brings one document to the producer's current state (resync): fetch, then upsert or delete.
     * Used when a stored event no longer applies.
     */
    reconcile(producer: ProducerRow, remoteUid: string, documentId: string, locale: string | null) {
      return reconcileEvent(ports(producer), producer.subscriptions ?? [], remoteUid, documentId, locale);
    },
  };
  return service;
};
