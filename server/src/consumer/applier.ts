import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, UID } from '../constants';
import type { FetchDocumentResponse, ProducerSubscription, StreamEvent } from '../shared/contracts';
import { ApplyError, NeedsNetworkError } from '../engine/errors';
import { applyMapping, type MappingDef } from '../engine/mapping';
import { docKey, isDocRef, isFileRef, walkRefs } from '../engine/refs';
import { fieldKind, isToMany, type AttributeDef } from '../engine/schema';
import type { DocRef, FileRef, Snapshot } from '../engine/snapshot';
import { getService, repo } from '../utils';
import { withOrigin } from '../site/origin';
import type { ProducerRow } from './producer-registry';

const FILE_UID = 'plugin::upload.file';
const MAX_DEPENDENCIES = 500;
const MAX_VIA = 16;

interface Route {
  localUid: string;
  useSameName: boolean;
  mapping: string | null;
}

/** A remote document, and how it is mirrored here. */
interface Wanted {
  route: Route;
  uid: string;
  documentId: string;
  locale: string | null;
}

/** Memoised "local documentId of this remote document" lookups (see memoLocalIds). */
interface LocalIds {
  get(route: Route, uid: string, documentId: string, locale: string | null): Promise<string | null>;
  set(route: Route, uid: string, documentId: string, locale: string | null, id: string | null): void;
  /** Looks up many at once (one query for their references, one per local type): fills the memo. */
  prefetch(wanted: Wanted[]): Promise<void>;
}

interface Dependency {
  ref: DocRef;
  route: Route;
  data: Snapshot;
  headSeq: number;
}

export type Prepared =
  | { kind: 'ignore'; note: string }
  | { kind: 'delete'; route: Route }
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
      /** The dependency lookups made while preparing, reused by apply (the root is looked up again). */
      lookups: LocalIds;
    };

type RefRow = {
  id: number;
  localContentType: string;
  localDocumentId: string;
  docLocale: string | null;
  remoteContentType: string;
  remoteDocumentId: string;
  lastAppliedSeq: number | null;
  deleted: boolean | null;
};

/** A local document a relation points at. */
interface LocalRef {
  uid: string;
  documentId: string;
  locale?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies a producer's events to local documents (consumer side).
 *
 * Two phases, so no transaction is held across the network:
 *  - prepare (no transaction): work out the local type, re-fetch the whole document when an
 *    Update finds no local copy, fetch every missing dependency from the producer (relations,
 *    including inside components and dynamic zones, recursively with a visited set so cycles end),
 *    and transfer media files (deduplicated through the remote-reference map);
 *  - apply (inside the pull's transaction): create missing dependencies without their relations,
 *    write the document, then give the dependencies their relations (cycles A -> B -> A resolve
 *    because every document exists before any relation is set). Every write runs "with origin"
 *    so this site's own capture records where the change came from.
 *
 * Idempotency: each (producer, remote type, remote document, locale) has a remote-reference row
 * with `lastAppliedSeq`; an event at or below it is already reflected and is skipped.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const schema = () => getService(strapi, 'schema');
  const refs = () => repo<RefRow>(strapi, UID.remoteReference);

  const routeFor = (subs: ProducerSubscription[], remoteUid: string, parent?: Route): Route | null => {
    const sub = subs.find((s) => s.remoteContentType === remoteUid && !s.unsubscribed);
    if (sub) return { localUid: sub.contentType, useSameName: sub.useSameName, mapping: sub.mapping };
    if (schema().isStreamable(remoteUid)) return { localUid: remoteUid, useSameName: parent?.useSameName ?? true, mapping: null };
    return null;
  };

  const findRef = (producer: ProducerRow, remoteUid: string, remoteDocumentId: string, locale: string | null) =>
    refs().findOne({
      where: { producerSiteId: producer.producerSiteId, remoteContentType: remoteUid, remoteDocumentId, docLocale: locale },
    });

  const localizedUid = (uid: string) => schema().model(uid)?.localized === true;

  const localExists = async (uid: string, documentId: string, locale: string | null): Promise<boolean> => {
    const where: Record<string, unknown> = { documentId };
    if (locale && localizedUid(uid)) where.locale = locale;
    return (await repo(strapi, uid).count({ where })) > 0;
  };

  /**
   * The local documentId mirroring a remote document, or null when there is none yet: the one its
   * remote reference names (`known`: that reference, already read), else — Use Same Name — the
   * remote documentId itself; either only if that local document exists.
   */
  const localIdOf = async (
    producer: ProducerRow,
    route: Route,
    remoteUid: string,
    remoteDocumentId: string,
    locale: string | null,
    known?: RefRow | null
  ): Promise<string | null> => {
    const ref = known !== undefined ? known : await findRef(producer, remoteUid, remoteDocumentId, locale);
    if (ref && !ref.deleted && (await localExists(route.localUid, ref.localDocumentId, locale))) return ref.localDocumentId;
    if (route.useSameName && (await localExists(route.localUid, remoteDocumentId, locale))) return remoteDocumentId;
    return null;
  };

  const IN_CHUNK = 500;
  const chunks = <T>(list: T[]): T[][] =>
    Array.from({ length: Math.ceil(list.length / IN_CHUNK) }, (_, i) => list.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK));

  /** localIdOf for many remote documents with one query for their references and one per local type. */
  const localIdsOf = async (producer: ProducerRow, wanted: Wanted[]): Promise<Array<string | null>> => {
    // Per remote type, so the lookup uses the (site, type, document) index.
    const refRows: RefRow[] = [];
    for (const uid of new Set(wanted.map((w) => w.uid))) {
      for (const ids of chunks([...new Set(wanted.filter((w) => w.uid === uid).map((w) => w.documentId))])) {
        refRows.push(
          ...(await refs().findMany({
            where: { producerSiteId: producer.producerSiteId, remoteContentType: uid, remoteDocumentId: { $in: ids } },
          }))
        );
      }
    }
    const live = new Map(
      refRows.filter((r) => !r.deleted).map((r) => [docKey(r.remoteContentType, r.remoteDocumentId, r.docLocale ?? null), r])
    );
    const refOf = wanted.map((w) => live.get(docKey(w.uid, w.documentId, w.locale)));
    // Candidate local documents per local type, then which of them exist (and in which locales).
    const candidates = new Map<string, Set<string>>();
    const add = (uid: string, id: string) => candidates.set(uid, (candidates.get(uid) ?? new Set()).add(id));
    for (const [i, w] of wanted.entries()) {
      const ref = refOf[i];
      if (ref) add(w.route.localUid, ref.localDocumentId);
      if (w.route.useSameName) add(w.route.localUid, w.documentId);
    }
    const present = new Map<string, Map<string, Set<string | null>>>();
    for (const [uid, ids] of candidates) {
      const found = new Map<string, Set<string | null>>();
      for (const chunk of chunks([...ids])) {
        const rows = await repo(strapi, uid).findMany({
          where: { documentId: { $in: chunk } },
          select: localizedUid(uid) ? ['documentId', 'locale'] : ['documentId'],
        });
        for (const r of rows) found.set(r.documentId, (found.get(r.documentId) ?? new Set()).add(r.locale ?? null));
      }
      present.set(uid, found);
    }
    const exists = (uid: string, documentId: string, locale: string | null) => {
      const locales = present.get(uid)?.get(documentId);
      return !!locales && (!(locale && localizedUid(uid)) || locales.has(locale));
    };
    return wanted.map((w, i) => {
      const ref = refOf[i];
      if (ref && exists(w.route.localUid, ref.localDocumentId, w.locale)) return ref.localDocumentId;
      return w.route.useSameName && exists(w.route.localUid, w.documentId, w.locale) ? w.documentId : null;
    });
  };

  /** documentId of the same remote document in another locale (to add a locale to it). */
  const siblingLocalId = async (
    producer: ProducerRow,
    route: Route,
    remoteUid: string,
    remoteDocumentId: string
  ): Promise<string | null> => {
    if (route.useSameName) return (await localExists(route.localUid, remoteDocumentId, null)) ? remoteDocumentId : null;
    const any = await refs().findOne({
      where: { producerSiteId: producer.producerSiteId, remoteContentType: remoteUid, remoteDocumentId, deleted: false },
    });
    return any && (await localExists(route.localUid, any.localDocumentId, null)) ? any.localDocumentId : null;
  };

  /**
   * Local-id lookups memoised for one phase of one event: an invoice names the same customer and
   * items in its relations, its lines and its dependency walk (each lookup is two queries).
   */
  const memoLocalIds = (producer: ProducerRow): LocalIds => {
    const memo = new Map<string, Promise<string | null>>();
    const key = (route: Route, uid: string, documentId: string, locale: string | null) =>
      `${route.localUid}|${route.useSameName ? 1 : 0}|${docKey(uid, documentId, locale)}`;
    return {
      get(route: Route, uid: string, documentId: string, locale: string | null): Promise<string | null> {
        const k = key(route, uid, documentId, locale);
        let hit = memo.get(k);
        if (!hit) {
          hit = localIdOf(producer, route, uid, documentId, locale);
          memo.set(k, hit);
        }
        return hit;
      },
      set(route: Route, uid: string, documentId: string, locale: string | null, id: string | null): void {
        memo.set(key(route, uid, documentId, locale), Promise.resolve(id));
      },
      async prefetch(wanted: Wanted[]): Promise<void> {
        const todo = wanted.filter((w) => !memo.has(key(w.route, w.uid, w.documentId, w.locale)));
        if (todo.length < 2) return; // one is as cheap through get()
        const ids = localIdsOf(producer, todo);
        todo.forEach((w, i) =>
          memo.set(
            key(w.route, w.uid, w.documentId, w.locale),
            ids.then((all) => all[i])
          )
        );
        await ids;
      },
    };
  };

  const fetchDocument = (producer: ProducerRow, uid: string, documentId: string, locale: string | null, via: DocRef[]) =>
    getService(strapi, 'http').call<FetchDocumentResponse>({
      method: 'GET',
      baseUrl: producer.producerUrl,
      path: `/api/${PLUGIN_ID}/documents/${encodeURIComponent(uid)}/${encodeURIComponent(documentId)}`,
      token: getService(strapi, 'settings').decrypt(producer.apiToken),
      params: {
        locale: locale ?? undefined,
        via: via.length ? JSON.stringify(via.map((v) => [v.__ref, v.documentId, v.locale ?? null])) : undefined,
      },
    });

  const checkFetched = (res: FetchDocumentResponse, uid: string, documentId: string): FetchDocumentResponse => {
    if (
      !isObject(res) ||
      res.contentType !== uid ||
      res.documentId !== documentId ||
      !Number.isInteger(res.headSeq) ||
      (res.data !== null && !isObject(res.data))
    ) {
      throw new ApplyError(`The producer answered a request for ${uid} ${documentId} with something else`);
    }
    return res;
  };

  const loadMapping = async (name: string): Promise<(n: string) => MappingDef | undefined> => {
    const all = (await repo(strapi, UID.mapping).findMany({})) as unknown as MappingDef[];
    const byName = new Map(all.map((m) => [m.mappingName, m]));
    if (!byName.has(name)) throw new ApplyError(`Document Type Mapping "${name}" does not exist`);
    return (n: string) => byName.get(n);
  };

  /** Local file id for a remote file: reuse the one transferred before, or download and upload it. */
  const transferFile = async (producer: ProducerRow, file: FileRef, via: DocRef[], offline: boolean): Promise<number> => {
    const ref = await findRef(producer, FILE_UID, file.__file, null);
    if (ref && !ref.deleted) {
      const exists = await strapi.db.query(FILE_UID as never).findOne({ where: { id: Number(ref.localDocumentId) } } as never);
      if (exists) return Number(ref.localDocumentId);
    }
    if (offline) throw new NeedsNetworkError(`file ${file.__file}`);
    const settings = getService(strapi, 'settings');
    const bytes = await getService(strapi, 'http').call<Buffer>({
      method: 'GET',
      baseUrl: producer.producerUrl,
      path: `/api/${PLUGIN_ID}/files/${encodeURIComponent(file.__file)}`,
      token: settings.decrypt(producer.apiToken),
      params: { via: JSON.stringify(via.map((v) => [v.__ref, v.documentId, v.locale ?? null])) },
      binary: true,
    });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'event-streaming-'));
    const name = path.basename(file.name || 'file').replace(/[^\w.\- ]/g, '_') || 'file';
    const filepath = path.join(dir, name);
    try {
      await fs.writeFile(filepath, bytes);
      const uploaded = (await strapi
        .plugin('upload')
        .service('upload')
        .upload({
          data: { fileInfo: { name, alternativeText: file.alternativeText, caption: file.caption } },
          files: { filepath, originalFilename: name, mimetype: file.mime, size: bytes.length },
        })) as Array<{ id: number }>;
      const id = uploaded[0].id;
      const data = {
        localContentType: FILE_UID,
        localDocumentId: String(id),
        docLocale: null,
        producerId: producer.id,
        producerUrl: producer.producerUrl,
        producerSiteId: producer.producerSiteId,
        remoteContentType: FILE_UID,
        remoteDocumentId: file.__file,
        lastSyncedAt: new Date(),
        lastAppliedSeq: 0,
        deleted: false,
      };
      if (ref) await refs().update({ where: { id: ref.id }, data });
      else await refs().create({ data });
      return id;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };

  /**
   * Turns (mapped) snapshot data into Document Service data for local model `uid`. Fields the
   * local model does not have are dropped; relations and media are resolved to local documents.
   */
  const translate = async (
    uid: string,
    data: Snapshot,
    resolve: (ref: DocRef) => Promise<LocalRef | null>,
    files: Map<string, number>,
    opts: { relations: boolean }
  ): Promise<Record<string, unknown>> => {
    const model = schema().model(uid);
    if (!model) throw new ApplyError(`Content type ${uid} does not exist on this site`);
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(data)) {
      const attr: AttributeDef | undefined = model.attributes[name];
      if (!attr || name === '__component') continue;
      const kind = fieldKind(name, attr);
      if (kind === 'skip') continue;
      if (kind === 'scalar') {
        out[name] = value;
      } else if (kind === 'relation') {
        if (!opts.relations) continue;
        const list = (Array.isArray(value) ? value : value == null ? [] : [value]).filter(isDocRef);
        const morph = attr.relation?.startsWith('morph') === true;
        const resolved = [];
        for (const r of list) {
          const local = await resolve(r);
          if (!local) continue;
          const { uid: localUid, ...target } = local;
          // The remote document is mirrored as another local type (a mapped subscription) than the
          // one this field points at: there is nothing of the right type to link.
          if (!morph && attr.target && localUid !== attr.target) continue;
          // A polymorphic relation names its target's (local) type; a plain one has it in the schema.
          resolved.push(morph ? { ...target, __type: localUid } : target);
        }
        out[name] = isToMany(attr) || morph ? { set: resolved } : resolved[0] ? { set: [resolved[0]] } : null;
      } else if (kind === 'media') {
        const list = (Array.isArray(value) ? value : value == null ? [] : [value]).filter(isFileRef);
        const ids = list.map((f) => files.get(f.__file)).filter((id): id is number => id !== undefined);
        out[name] = isToMany(attr) ? ids : (ids[0] ?? null);
      } else if (kind === 'component') {
        const one = async (v: unknown) => (isObject(v) ? translate(attr.component!, v, resolve, files, opts) : null);
        if (attr.repeatable) {
          if (value != null && !Array.isArray(value)) throw new ApplyError(`${uid}.${name} must be a list of components`);
          out[name] = await Promise.all(((value as unknown[]) ?? []).map(one));
        } else {
          out[name] = await one(value);
        }
      } else if (kind === 'dynamiczone') {
        if (value != null && !Array.isArray(value)) throw new ApplyError(`${uid}.${name} must be a list of dynamic zone entries`);
        const entries = [];
        for (const v of (value as unknown[]) ?? []) {
          if (!isObject(v) || typeof v.__component !== 'string' || !(attr.components ?? []).includes(v.__component)) {
            throw new ApplyError(`${uid}.${name} holds a component this site does not allow there`);
          }
          entries.push({ __component: v.__component, ...(await translate(v.__component, v, resolve, files, opts)) });
        }
        out[name] = entries;
      }
    }
    return out;
  };

  /**
   * The fields of (unmapped) snapshot data that local model `uid` has, recursively through
   * components and dynamic zones. Dependencies are looked for in these only: before, a reference
   * hidden in a field that does not exist here made this site fetch and create a document of any
   * streamable type (the producer is not trusted). Mapped data has the remote shape: walked whole.
   */
  const ownFields = (uid: string, data: unknown): Record<string, unknown> | null => {
    const model = schema().model(uid);
    if (!model || !isObject(data)) return null;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(data)) {
      const attr: AttributeDef | undefined = model.attributes[name];
      if (!attr) continue;
      const kind = fieldKind(name, attr);
      if (kind === 'relation' || kind === 'media') out[name] = value;
      else if (kind === 'component')
        out[name] = Array.isArray(value) ? value.map((v) => ownFields(attr.component!, v)) : ownFields(attr.component!, value);
      else if (kind === 'dynamiczone' && Array.isArray(value)) {
        out[name] = value.map((v) =>
          isObject(v) && typeof v.__component === 'string' && (attr.components ?? []).includes(v.__component)
            ? ownFields(v.__component, v)
            : null
        );
      }
    }
    return out;
  };

  const checkLocale = async (uid: string, locale: string | null) => {
    if (!localizedUid(uid) || !locale) return;
    const found = await strapi.plugin('i18n').service('locales').findByCode(locale);
    if (!found) throw new ApplyError(`Locale "${locale}" does not exist on this site; add it in Settings > Internationalization`);
  };

  /** Writes a document; returns its local documentId. */
  const write = async (
    producer: ProducerRow,
    route: Route,
    remote: { uid: string; documentId: string; locale: string | null },
    data: Record<string, unknown>,
    existingId: string | null
  ): Promise<string> => {
    const uid = route.localUid;
    const model = schema().model(uid)!;
    const locale = model.localized ? remote.locale : null;
    await checkLocale(uid, locale);
    const common = { ...(locale ? { locale } : {}), ...(model.draftAndPublish ? { status: 'published' } : {}) };
    const docs = strapi.documents(uid as never) as unknown as {
      create(p: object): Promise<{ documentId: string }>;
      update(p: object): Promise<{ documentId: string } | null>;
    };
    if (existingId) {
      const res = await docs.update({ documentId: existingId, data, ...common });
      if (!res) throw new ApplyError(`Local ${uid} ${existingId} vanished while it was being updated`);
      return existingId;
    }
    const sibling = locale ? await siblingLocalId(producer, route, remote.uid, remote.documentId) : null;
    if (sibling) {
      const res = await docs.update({ documentId: sibling, data, ...common });
      if (!res) throw new ApplyError(`Could not add locale ${locale} to local ${uid} ${sibling}`);
      return sibling;
    }
    const created = await docs.create({ data: route.useSameName ? { ...data, documentId: remote.documentId } : data, ...common });
    return created.documentId;
  };

  const saveRef = async (
    producer: ProducerRow,
    route: Route,
    remote: { uid: string; documentId: string; locale: string | null },
    localDocumentId: string,
    seq: number,
    deleted: boolean,
    known?: RefRow | null
  ) => {
    const existing = known !== undefined ? known : await findRef(producer, remote.uid, remote.documentId, remote.locale);
    const data = {
      localContentType: route.localUid,
      localDocumentId,
      docLocale: remote.locale,
      producerId: producer.id,
      producerUrl: producer.producerUrl,
      producerSiteId: producer.producerSiteId,
      remoteContentType: remote.uid,
      remoteDocumentId: remote.documentId,
      lastSyncedAt: new Date(),
      lastAppliedSeq: Math.max(seq, Number(existing?.lastAppliedSeq ?? 0)),
      deleted,
    };
    if (existing) await refs().updateMany({ where: { id: existing.id }, data });
    else await refs().createMany({ data: [data] });
  };

  const service = {
    routeFor,

    /**
     * Network phase. Throws ApplyError / RemoteError; the caller records the failure. `offline`
     * (inside a batch's transaction): throws NeedsNetworkError instead of calling the producer.
     */
    async prepare(
      producer: ProducerRow,
      subs: ProducerSubscription[],
      event: StreamEvent,
      opts: { offline?: boolean } = {}
    ): Promise<Prepared> {
      const offline = opts.offline === true;
      const sub = subs.find((s) => s.remoteContentType === event.contentType);
      if (!sub)
        throw new ApplyError(
          `The producer sent an event of ${event.contentType}, which this site does not subscribe to; it was not applied`
        );
      if (sub.unsubscribed) return { kind: 'ignore', note: `${event.contentType} is unsubscribed` };
      const route: Route = { localUid: sub.contentType, useSameName: sub.useSameName, mapping: sub.mapping };
      if (!schema().isStreamable(route.localUid)) throw new ApplyError(`Content type ${route.localUid} does not exist on this site`);
      if (event.updateType === 'Delete') return { kind: 'delete', route };
      if (!isObject(event.data)) throw new ApplyError(`The ${event.updateType} event #${event.seq} carries no document data`);

      let data: Snapshot = event.data;
      let full = event.updateType === 'Create';
      let reflectsSeq = 0;
      const root: DocRef = { __ref: event.contentType, documentId: event.documentId, locale: event.locale };
      const lookups = memoLocalIds(producer);
      if (!full && !(await lookups.get(route, event.contentType, event.documentId, event.locale))) {
        // An update for a document this site does not have: fetch its whole current state.
        if (offline) throw new NeedsNetworkError(`${event.contentType} ${event.documentId}`);
        const fetched = checkFetched(
          await fetchDocument(producer, event.contentType, event.documentId, event.locale, []),
          event.contentType,
          event.documentId
        );
        if (!fetched.data) return { kind: 'gone', route };
        data = fetched.data;
        full = true;
        reflectsSeq = fetched.headSeq;
      }

      const deps: Dependency[] = [];
      const files = new Map<string, number>();
      const visited = new Set([docKey(root.__ref, root.documentId, root.locale)]);
      const queue: Array<{ data: Snapshot; via: DocRef[]; parent: Route }> = [{ data, via: [root], parent: route }];
      while (queue.length) {
        const { data: current, via, parent } = queue.shift()!;
        const found: DocRef[] = [];
        const fileRefs: FileRef[] = [];
        walkRefs(
          parent.mapping ? current : ownFields(parent.localUid, current),
          (r) => found.push(r),
          (f) => fileRefs.push(f)
        );
        for (const f of fileRefs) {
          if (!files.has(f.__file)) files.set(f.__file, await transferFile(producer, f, via, offline));
        }
        const next: Array<{ ref: DocRef; route: Route }> = [];
        for (const ref of found) {
          const key = docKey(ref.__ref, ref.documentId, ref.locale);
          if (visited.has(key)) continue;
          visited.add(key);
          const depRoute = routeFor(subs, ref.__ref, parent);
          if (!depRoute)
            throw new ApplyError(`${event.contentType} ${event.documentId} refers to ${ref.__ref}, which does not exist on this site`);
          next.push({ ref, route: depRoute });
        }
        await lookups.prefetch(
          next.map(({ ref, route: r }) => ({ route: r, uid: ref.__ref, documentId: ref.documentId, locale: ref.locale ?? null }))
        );
        for (const { ref, route: depRoute } of next) {
          if (await lookups.get(depRoute, ref.__ref, ref.documentId, ref.locale ?? null)) continue;
          if (offline) throw new NeedsNetworkError(`${ref.__ref} ${ref.documentId}`);
          if (via.length >= MAX_VIA)
            throw new ApplyError(`Dependencies of ${event.contentType} ${event.documentId} nest deeper than ${MAX_VIA} levels`);
          if (deps.length >= MAX_DEPENDENCIES)
            throw new ApplyError(`${event.contentType} ${event.documentId} has more than ${MAX_DEPENDENCIES} missing dependencies`);
          const fetched = checkFetched(
            await fetchDocument(producer, ref.__ref, ref.documentId, ref.locale ?? null, via),
            ref.__ref,
            ref.documentId
          );
          if (!fetched.data) continue; // not published on the producer: the relation is left out
          deps.push({ ref, route: depRoute, data: fetched.data, headSeq: fetched.headSeq });
          queue.push({ data: fetched.data, via: [...via, ref], parent: depRoute });
        }
      }
      return { kind: 'upsert', route, data, full, reflectsSeq, deps, files, lookups };
    },

    /**
     * Database phase, inside the caller's transaction. Returns the outcome for the sync log.
     * @throws ApplyError (or a Strapi validation error) when the document cannot be written.
     */
    async apply(producer: ProducerRow, event: StreamEvent, prepared: Prepared) {
      if (prepared.kind === 'ignore') return { localDocumentId: null, data: null, skipped: true, note: prepared.note };
      const remote = { uid: event.contentType, documentId: event.documentId, locale: event.locale };
      const ref = await findRef(producer, remote.uid, remote.documentId, remote.locale);
      let localIdKnown: string | null | undefined; // looked up once, here or below
      if (ref && Number(ref.lastAppliedSeq ?? 0) >= event.seq) {
        // Already reflected — unless this is the whole document (back-fill, resync) and its local
        // copy is gone (deleted here): then it is restored.
        const skipped = {
          localDocumentId: ref.localDocumentId,
          data: null,
          skipped: true,
          note: `already applied (document is at #${ref.lastAppliedSeq})`,
        };
        if (!(prepared.kind === 'upsert' && prepared.full)) return skipped;
        localIdKnown = await localIdOf(producer, prepared.route, remote.uid, remote.documentId, remote.locale, ref);
        if (localIdKnown) return skipped;
      }
      return withOrigin(producer.producerSiteId ?? 'unknown', async () => {
        const { route } = prepared;
        // Dependencies: what preparing found (a moment ago, under this pull's lease). The document
        // itself: looked up again inside this transaction.
        const lookups = prepared.kind === 'upsert' ? prepared.lookups : memoLocalIds(producer);
        const localId =
          localIdKnown !== undefined ? localIdKnown : await localIdOf(producer, route, remote.uid, remote.documentId, remote.locale, ref);
        lookups.set(route, remote.uid, remote.documentId, remote.locale, localId);
        if (prepared.kind === 'delete' || prepared.kind === 'gone') {
          if (prepared.kind === 'gone') {
            return {
              localDocumentId: localId,
              data: null,
              skipped: true,
              note: 'the document no longer exists on the producer; its Delete event follows',
            };
          }
          if (localId) {
            const model = schema().model(route.localUid)!;
            await strapi
              .documents(route.localUid as never)
              .delete({ documentId: localId, ...(model.localized && remote.locale ? { locale: remote.locale } : {}) } as never);
          }
          await saveRef(producer, route, remote, localId ?? ref?.localDocumentId ?? remote.documentId, event.seq, true, ref);
          return { localDocumentId: localId, data: null, note: localId ? undefined : 'already absent here' };
        }

        const { deps, files } = prepared;
        const mapped = async (uid: string, r: Route, d: Snapshot, partial: boolean) => {
          if (!r.mapping) return d;
          const load = await loadMapping(r.mapping);
          return applyMapping(d, load(r.mapping)!, load, partial);
        };
        const created = new Map<string, string>(); // docKey(remote) -> local documentId
        const resolve = async (r: DocRef) => {
          const key = docKey(r.__ref, r.documentId, r.locale);
          const hit = created.get(key);
          const route2 = routeFor(producer.subscriptions ?? [], r.__ref, route);
          if (!route2) return null;
          const id = hit ?? (await lookups.get(route2, r.__ref, r.documentId, r.locale ?? null));
          if (!id) return null;
          return localizedUid(route2.localUid) && r.locale
            ? { uid: route2.localUid, documentId: id, locale: r.locale }
            : { uid: route2.localUid, documentId: id };
        };

        // 1. Missing dependencies first, without relations (they may point at each other or at the root).
        for (const dep of deps) {
          const depRemote = { uid: dep.ref.__ref, documentId: dep.ref.documentId, locale: dep.ref.locale ?? null };
          const existing = await lookups.get(dep.route, depRemote.uid, depRemote.documentId, depRemote.locale);
          const data = await translate(dep.route.localUid, await mapped(dep.route.localUid, dep.route, dep.data, false), resolve, files, {
            relations: false,
          });
          const id = await write(producer, dep.route, depRemote, data, existing);
          created.set(docKey(depRemote.uid, depRemote.documentId, depRemote.locale), id);
        }
        // 2. The document itself.
        const rootData = await translate(
          route.localUid,
          await mapped(route.localUid, route, prepared.data, !prepared.full),
          resolve,
          files,
          { relations: true }
        );
        const rootId = await write(producer, route, remote, rootData, localId);
        created.set(docKey(remote.uid, remote.documentId, remote.locale), rootId);
        await saveRef(producer, route, remote, rootId, Math.max(event.seq, prepared.reflectsSeq), false, ref);
        // 3. The dependencies' relations, now that every document exists.
        for (const dep of deps) {
          const depRemote = { uid: dep.ref.__ref, documentId: dep.ref.documentId, locale: dep.ref.locale ?? null };
          const id = created.get(docKey(depRemote.uid, depRemote.documentId, depRemote.locale))!;
          let hasRefs = false;
          walkRefs(
            dep.data,
            () => (hasRefs = true),
            () => undefined
          );
          if (hasRefs) {
            // Written whole again: components holding relations are replaced as a unit.
            const data = await translate(dep.route.localUid, await mapped(dep.route.localUid, dep.route, dep.data, false), resolve, files, {
              relations: true,
            });
            await write(producer, dep.route, depRemote, data, id);
          }
          await saveRef(producer, dep.route, depRemote, id, dep.headSeq, false);
        }
        const note = deps.length ? `with ${deps.length} dependenc${deps.length === 1 ? 'y' : 'ies'}` : undefined;
        return { localDocumentId: rootId, data: rootData, note };
      });
    },

    /**
     * Brings one document to the producer's current state (resync): fetch, then upsert or delete.
     * Used when a stored event no longer applies.
     */
    async reconcile(producer: ProducerRow, remoteUid: string, documentId: string, locale: string | null) {
      const fetched = checkFetched(await fetchDocument(producer, remoteUid, documentId, locale, []), remoteUid, documentId);
      const event: StreamEvent = {
        seq: fetched.headSeq,
        updateType: fetched.data ? 'Create' : 'Delete',
        contentType: remoteUid,
        documentId,
        locale,
        data: fetched.data,
        originSiteId: null,
      };
      return { event, prepared: await service.prepare(producer, producer.subscriptions ?? [], event) };
    },
  };
  return service;
};
