/**
 * Checks of every answer a producer gives, before anything of it is used: the producer is not
 * trusted. Each failure is a RemoteError (or, for a fetched document, an ApplyError: the event
 * cannot be applied from it) naming what is wrong. Strapi-free.
 */
import { isActor } from '../engine/actor';
import type {
  DocumentAlias,
  FetchDocumentResponse,
  ListDocumentsResponse,
  MatchDocument,
  PullResponse,
  RegisterResponse,
} from '../shared/contracts';
import { ApplyError, RemoteError } from '../engine/errors';
import { isInlineFile, type InlineFile } from '../engine/apply/inline';
import { DOC_ID_RE, LOCALE_RE } from '../engine/refs';
import { MAX_ALIASES } from './wire';

const UPDATE_TYPES = new Set(['Create', 'Update', 'Delete']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An update-log row's key as a page may carry it: absent, null, or a short string. */
const isKey = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.length > 0 && v.length <= 64);

/** Checks a pulled page before anything of it is used: the producer is not trusted. */
export function checkPullPage(page: unknown, after: number): PullResponse {
  const bad = (why: string) => new RemoteError(`The producer answered the pull with an invalid page: ${why}`, 200);
  if (typeof page !== 'object' || page === null) throw bad('not an object');
  const p = page as Record<string, unknown>;
  if (typeof p.siteId !== 'string') throw bad('no siteId');
  for (const k of ['headSeq', 'nextCursor', 'prunedThrough'] as const)
    if (!Number.isInteger(p[k]) || (p[k] as number) < 0) throw bad(`${k} is not a non-negative integer`);
  if (typeof p.epoch !== 'string' || !p.epoch || p.epoch.length > 64) throw bad('no epoch');
  if ((p.nextCursor as number) < after) throw bad('nextCursor moves backwards');
  if (typeof p.hasMore !== 'boolean') throw bad('hasMore is not a boolean');
  // Fingerprints (engine/cursor.ts): absent from producers that predate them, read as unknown.
  if (p.diverged !== undefined && typeof p.diverged !== 'boolean') throw bad('diverged is not a boolean');
  if (!isKey(p.cursorKey)) throw bad('cursorKey is not a key');
  if (p.schemaHash !== undefined && (typeof p.schemaHash !== 'string' || p.schemaHash.length > 64)) throw bad('schemaHash is not a hash');
  p.diverged = p.diverged === true;
  p.cursorKey = p.cursorKey ?? null;
  if (!Array.isArray(p.subscriptions) || !Array.isArray(p.events)) throw bad('subscriptions/events are not lists');
  for (const e of p.events as unknown[]) {
    const ev = e as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) throw bad('an event is not an object');
    if (!Number.isInteger(ev.seq) || (ev.seq as number) <= after || (ev.seq as number) > (p.nextCursor as number))
      throw bad(`event seq ${String(ev.seq)} is outside (${after}, ${String(p.nextCursor)}]`);
    if (!UPDATE_TYPES.has(ev.updateType as string)) throw bad(`event #${String(ev.seq)} has updateType ${JSON.stringify(ev.updateType)}`);
    if (typeof ev.contentType !== 'string' || typeof ev.documentId !== 'string' || !ev.documentId || ev.documentId.length > 64)
      throw bad(`event #${String(ev.seq)} lacks contentType/documentId`);
    if (ev.locale !== null && ev.locale !== undefined && typeof ev.locale !== 'string')
      throw bad(`event #${String(ev.seq)} has a bad locale`);
    if (ev.data !== null && ev.data !== undefined && (typeof ev.data !== 'object' || Array.isArray(ev.data)))
      throw bad(`event #${String(ev.seq)} has bad data`);
    ev.locale = ev.locale ?? null;
    ev.data = ev.data ?? null;
    ev.originSiteId = typeof ev.originSiteId === 'string' ? ev.originSiteId : null;
    if (!isKey(ev.key)) throw bad(`event #${String(ev.seq)} has a bad key`);
    ev.key = ev.key ?? null;
    if (ev.aliases !== undefined && !validAliases(ev.aliases)) throw bad(`event #${String(ev.seq)} has bad aliases`);
    if (!isActor(ev.changedBy)) throw bad(`event #${String(ev.seq)} has a bad changedBy`);
    if (
      ev.changedAt !== undefined &&
      ev.changedAt !== null &&
      !(typeof ev.changedAt === 'string' && !Number.isNaN(Date.parse(ev.changedAt)))
    )
      throw bad(`event #${String(ev.seq)} has a bad changedAt`);
  }
  return page as PullResponse;
}

/** At most MAX_ALIASES `{ siteId, documentId }` with a plausible site id and documentId. */
const validAliases = (list: unknown): boolean =>
  Array.isArray(list) &&
  list.length <= MAX_ALIASES &&
  list.every(
    (a: unknown) =>
      typeof a === 'object' &&
      a !== null &&
      typeof (a as DocumentAlias).siteId === 'string' &&
      (a as DocumentAlias).siteId.length > 0 &&
      (a as DocumentAlias).siteId.length <= 64 &&
      typeof (a as DocumentAlias).documentId === 'string' &&
      DOC_ID_RE.test((a as DocumentAlias).documentId)
  );

/** Checks a listed page before anything of it is used: the producer is not trusted. */
export function checkListPage(page: unknown, after: number): ListDocumentsResponse {
  const bad = (why: string) => new RemoteError(`The producer answered the document listing with an invalid page: ${why}`, 200);
  if (typeof page !== 'object' || page === null) throw bad('not an object');
  const p = page as Record<string, unknown>;
  if (!Number.isInteger(p.headSeq) || (p.headSeq as number) < 0) throw bad('headSeq is not a non-negative integer');
  if (p.nextCursor !== null && (!Number.isInteger(p.nextCursor) || (p.nextCursor as number) <= after))
    throw bad('nextCursor does not move forward');
  if (!Array.isArray(p.documents)) throw bad('documents is not a list');
  for (const d of p.documents as unknown[]) {
    const doc = d as Record<string, unknown>;
    if (typeof d !== 'object' || d === null || typeof doc.documentId !== 'string' || !DOC_ID_RE.test(doc.documentId))
      throw bad('a document has no valid documentId');
    if (doc.locale !== undefined && doc.locale !== null && typeof doc.locale !== 'string')
      throw bad(`document ${doc.documentId} has a bad locale`);
    if (doc.data === undefined) throw bad(`document ${doc.documentId} has no data`);
    if (doc.data !== null && (typeof doc.data !== 'object' || Array.isArray(doc.data)))
      throw bad(`document ${doc.documentId} has bad data`);
  }
  return page as ListDocumentsResponse;
}

/** The answer to a registration. */
const isRegisterResponse = (res: unknown): res is RegisterResponse =>
  isObject(res) && typeof res.siteId === 'string' && Number.isInteger(res.headSeq) && Array.isArray(res.subscriptions);

export function checkRegisterResponse(res: unknown, producerUrl: string): RegisterResponse {
  if (!isRegisterResponse(res)) {
    throw new RemoteError(
      `${producerUrl} answered the registration with something unexpected; is it a Strapi site with the event-streaming plugin?`,
      200
    );
  }
  return res;
}

/** The answer to a request for one document: the same document, a head, data or null. */
const isFetchedDocument = (res: unknown, uid: string, documentId: string): res is FetchDocumentResponse =>
  isObject(res) &&
  res.contentType === uid &&
  res.documentId === documentId &&
  Number.isInteger(res.headSeq) &&
  (res.data === null || isObject(res.data));

export function checkFetchedDocument(res: unknown, uid: string, documentId: string): FetchDocumentResponse {
  if (!isFetchedDocument(res, uid, documentId)) {
    throw new ApplyError(`The producer answered a request for ${uid} ${documentId} with something else`);
  }
  return res;
}

/** Most entries of a producer's inline-files answer (engine/inline-media.ts MAX_INLINE_URLS). */
const MAX_INLINE_FILES = 2000;

/**
 * The answer to `?inline=only` (issue 15.4): the uploads a document references inline. An answer
 * without the list (a producer that predates inline media) is none; a malformed entry refuses
 * the whole answer.
 */
export function checkInlineFiles(res: unknown, uid: string, documentId: string): InlineFile[] {
  if (!isObject(res) || res.inline === undefined) return [];
  if (!Array.isArray(res.inline) || res.inline.length > MAX_INLINE_FILES || !res.inline.every(isInlineFile)) {
    throw new ApplyError(`The producer answered a request for the inline files of ${uid} ${documentId} with an invalid list`);
  }
  return res.inline;
}

/** The answer to a match request (linked-document mappings): the same type, a head, a documentId and data, or both null. */
export function checkMatchedDocument(res: unknown, uid: string): MatchDocument.Response {
  const ok =
    isObject(res) &&
    res.contentType === uid &&
    Number.isInteger(res.headSeq) &&
    ((res.documentId === null && res.data === null) ||
      (typeof res.documentId === 'string' && DOC_ID_RE.test(res.documentId) && isObject(res.data))) &&
    (res.locale === null || res.locale === undefined || (typeof res.locale === 'string' && LOCALE_RE.test(res.locale)));
  if (!ok) throw new ApplyError(`The producer answered a search for a ${uid} document with something else`);
  const r = res as unknown as MatchDocument.Response;
  return { headSeq: r.headSeq, contentType: uid, documentId: r.documentId, locale: r.documentId ? (r.locale ?? null) : null, data: r.data };
}
