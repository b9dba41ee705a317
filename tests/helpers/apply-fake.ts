/**
 * An in-memory consumer site and producer for the apply engine's unit tests: every port of
 * ApplyPorts over plain arrays, with a log of the calls made (queries, writes, fetches, transfers).
 * No Strapi. `transaction(fn)` snapshots the site and restores it when fn throws, as the adapter's
 * database transaction would.
 */
import type { ApplyPorts, ReferenceRow, RemoteDoc } from '../../server/src/engine/apply';
import { DEFAULT_EVENT_LIMITS, FILE_UID } from '../../server/src/engine/apply';
import { docKey } from '../../server/src/engine/refs';
import { MAPPINGS, MODELS } from './apply-fixtures';

export * from './apply-fixtures';

export interface LocalDoc {
  uid: string;
  documentId: string;
  locale: string | null;
  data: Record<string, unknown>;
  status?: string;
}

type Query = 'findReference' | 'findReferences' | 'findSibling' | 'localExists' | 'localLocales' | 'loadMappings';
/** One call made through the ports (distributive, so `ops('fetch')` is typed as fetch calls). */
type QueryCall<Q extends Query = Query> = Q extends Query ? { op: Q; uid?: string; ids?: string[] } : never;

export type Call =
  | { op: 'create' | 'update'; uid: string; documentId: string; locale: string | null; data: Record<string, unknown> }
  | { op: 'delete'; uid: string; documentId: string; locale: string | null }
  | { op: 'fetch'; uid: string; documentId: string; locale: string | null; via: string[] }
  | { op: 'transfer' | 'removeFile'; file: string }
  | { op: 'match'; uid: string; filters: Record<string, unknown> }
  | QueryCall;

const clone = <T>(v: T): T => structuredClone(v);

export function fakeSite() {
  const site = {
    docs: [] as LocalDoc[],
    refs: [] as ReferenceRow[],
    uploads: new Set<number>(),
    locales: new Set(['en', 'fr']),
    /** The producer's documents: docKey(uid, documentId, locale) -> data (null: unpublished). */
    remote: new Map<string, Record<string, unknown> | null>(),
    headSeq: 1000,
    mappings: MAPPINGS,
    calls: [] as Call[],
    /** Makes a write throw: called before every create/update. */
    failWrite: null as null | ((uid: string, data: Record<string, unknown>) => Error | null),
  };
  let nextRef = 1;
  let nextDoc = 1;
  let nextUpload = 1;
  const localeOf = (l: string | null | undefined) => l ?? null;
  const findRef = (r: RemoteDoc) =>
    site.refs.find((x) => x.remoteContentType === r.uid && x.remoteDocumentId === r.documentId && x.docLocale === r.locale) ?? null;

  const ports: ApplyPorts = {
    limits: { ...DEFAULT_EVENT_LIMITS },
    model: (uid) => MODELS[uid],
    isStreamable: (uid) => uid.startsWith('api::') && uid in MODELS,
    async findReference(remote) {
      site.calls.push({ op: 'findReference', uid: remote.uid, ids: [remote.documentId] });
      return clone(findRef(remote));
    },
    async findReferences(uid, ids) {
      site.calls.push({ op: 'findReferences', uid, ids });
      return clone(site.refs.filter((x) => x.remoteContentType === uid && ids.includes(x.remoteDocumentId)));
    },
    async findSiblingReference(uid, documentId) {
      site.calls.push({ op: 'findSibling', uid, ids: [documentId] });
      return clone(site.refs.find((x) => x.remoteContentType === uid && x.remoteDocumentId === documentId && !x.deleted) ?? null);
    },
    async saveReference(input, existingId) {
      const row: ReferenceRow = {
        id: existingId ?? nextRef++,
        localContentType: input.localContentType,
        localDocumentId: input.localDocumentId,
        docLocale: input.remote.locale,
        remoteContentType: input.remote.uid,
        remoteDocumentId: input.remote.documentId,
        lastAppliedSeq: input.lastAppliedSeq,
        deleted: input.deleted,
      };
      const at = site.refs.findIndex((x) => x.id === existingId);
      if (existingId !== null && at < 0) throw new Error(`reference ${existingId} does not exist`);
      if (at >= 0) site.refs[at] = row;
      else {
        if (findRef(input.remote))
          throw new Error(`duplicate reference for ${docKey(input.remote.uid, input.remote.documentId, input.remote.locale)}`);
        site.refs.push(row);
      }
    },
    async localExists(uid, documentId, locale) {
      site.calls.push({ op: 'localExists', uid, ids: [documentId] });
      return site.docs.some((d) => d.uid === uid && d.documentId === documentId && (locale === null || d.locale === locale));
    },
    async localLocales(uid, ids) {
      site.calls.push({ op: 'localLocales', uid, ids });
      return site.docs
        .filter((d) => d.uid === uid && ids.includes(d.documentId))
        .map((d) => ({ documentId: d.documentId, locale: d.locale }));
    },
    localeExists: async (code) => site.locales.has(code),
    async create(uid, data, options) {
      const error = site.failWrite?.(uid, data);
      if (error) throw error;
      const { documentId: given, ...rest } = data;
      const documentId = typeof given === 'string' ? given : `local${nextDoc++}`;
      const locale = localeOf(options.locale);
      if (site.docs.some((d) => d.uid === uid && d.documentId === documentId && d.locale === locale))
        throw new Error(`${uid} ${documentId} exists`);
      site.docs.push({ uid, documentId, locale, data: clone(rest), ...(options.status ? { status: options.status } : {}) });
      site.calls.push({ op: 'create', uid, documentId, locale, data: clone(rest) });
      return documentId;
    },
    async update(uid, documentId, data, options) {
      const error = site.failWrite?.(uid, data);
      if (error) throw error;
      const locale = localeOf(options.locale);
      if (!site.docs.some((d) => d.uid === uid && d.documentId === documentId)) return false;
      let doc = site.docs.find((d) => d.uid === uid && d.documentId === documentId && d.locale === locale);
      if (!doc) site.docs.push((doc = { uid, documentId, locale, data: {} })); // a new locale of the document
      Object.assign(doc.data, clone(data));
      site.calls.push({ op: 'update', uid, documentId, locale, data: clone(data) });
      return true;
    },
    async readLocal(uid, documentId, locale) {
      const doc = site.docs.find((d) => d.uid === uid && d.documentId === documentId && d.locale === localeOf(locale));
      return doc ? clone(doc.data) : null;
    },
    async delete(uid, documentId, options) {
      const locale = localeOf(options.locale);
      site.docs = site.docs.filter((d) => !(d.uid === uid && d.documentId === documentId && (locale === null || d.locale === locale)));
      site.calls.push({ op: 'delete', uid, documentId, locale });
    },
    async fetchDocument(remote, via) {
      site.calls.push({
        op: 'fetch',
        uid: remote.uid,
        documentId: remote.documentId,
        locale: remote.locale,
        via: via.map((v) => v.documentId),
      });
      const data = site.remote.get(docKey(remote.uid, remote.documentId, remote.locale));
      return {
        headSeq: site.headSeq,
        contentType: remote.uid,
        documentId: remote.documentId,
        locale: remote.locale,
        data: data ? clone(data) : null,
      };
    },
    async matchDocument(uid, filters) {
      site.calls.push({ op: 'match', uid, filters: clone(filters) });
      for (const [key, data] of site.remote) {
        const [type, documentId, locale] = key.split('|');
        if (type !== uid || !data) continue;
        const fields: Record<string, unknown> = { ...data, documentId, locale: locale || null };
        if (Object.entries(filters).every(([k, v]) => fields[k] === v))
          return { headSeq: site.headSeq, documentId, locale: locale || null, data: clone(data) };
      }
      return { headSeq: site.headSeq, documentId: null, locale: null, data: null };
    },
    async localFile(key) {
      const r = findRef({ uid: FILE_UID, documentId: key, locale: null });
      return r && !r.deleted && site.uploads.has(Number(r.localDocumentId)) ? Number(r.localDocumentId) : null;
    },
    async transferFile(f) {
      site.calls.push({ op: 'transfer', file: f.__file });
      const id = nextUpload++;
      site.uploads.add(id);
      const existing = findRef({ uid: FILE_UID, documentId: f.__file, locale: null });
      await ports.saveReference(
        {
          localContentType: FILE_UID,
          localDocumentId: String(id),
          remote: { uid: FILE_UID, documentId: f.__file, locale: null },
          lastAppliedSeq: 0,
          deleted: false,
        },
        existing?.id ?? null
      );
      return id;
    },
    async removeFile(key) {
      site.calls.push({ op: 'removeFile', file: key });
      const r = findRef({ uid: FILE_UID, documentId: key, locale: null });
      if (!r || r.deleted) return;
      site.uploads.delete(Number(r.localDocumentId));
      r.deleted = true;
    },
    async loadMappings() {
      site.calls.push({ op: 'loadMappings' });
      return clone(site.mappings);
    },
  };

  return {
    site,
    ports,
    /** The producer publishes a document (null: it exists there unpublished / not at all). */
    publish(uid: string, documentId: string, data: Record<string, unknown> | null, locale: string | null = null) {
      site.remote.set(docKey(uid, documentId, locale), data);
    },
    /** A local document, as if created here before. */
    local(uid: string, documentId: string, data: Record<string, unknown> = {}, locale: string | null = null) {
      site.docs.push({ uid, documentId, locale, data });
    },
    doc: (uid: string, documentId: string, locale: string | null = null) =>
      site.docs.find((d) => d.uid === uid && d.documentId === documentId && d.locale === locale),
    docsOf: (uid: string) => site.docs.filter((d) => d.uid === uid),
    refOf: (uid: string, documentId: string, locale: string | null = null) => findRef({ uid, documentId, locale }),
    ops: <K extends Call['op']>(op: K) => site.calls.filter((c): c is Extract<Call, { op: K }> => c.op === op),
    writes: () =>
      site.calls.filter((c): c is Extract<Call, { op: 'create' | 'update' | 'delete' }> => ['create', 'update', 'delete'].includes(c.op)),
    reset: () => (site.calls = []),
    /** Runs fn as one database transaction: docs, references and uploads are restored when it throws. */
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      const saved = clone({ docs: site.docs, refs: site.refs, uploads: site.uploads });
      try {
        return await fn();
      } catch (e) {
        Object.assign(site, saved);
        throw e;
      }
    },
  };
}
