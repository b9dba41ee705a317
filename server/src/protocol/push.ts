/**
 * PUSH MODE on the wire (README "Push mode"): a producer the consumer cannot call (behind NAT,
 * offline for days) opens every connection itself. It POSTs to the CONSUMER's content API:
 * - `POST /push` (ROUTES.push): a hello (no page: the consumer answers who it is, which types it
 *   subscribes to and its durable cursor), or a page of the stream — exactly the page a pull
 *   gets, cut by the same serve code — with the documents the consumer asked for.
 * - `POST /push/files/:fileId?via=` (ROUTES.pushFile): one file the consumer asked for, streamed.
 * Both authenticated with the push token the consumer minted for that producer. The consumer's
 * answer always carries its cursor (and the key stored with it), so a producer resumes from it
 * and a retried push (a timeout after the consumer applied) is recognised as stale and changes
 * nothing. Strapi-free: types, checks of both directions, and the producer's client.
 */
import type { Readable } from 'node:stream';
import { InputError, RemoteError } from '../engine/errors';
import type { NeededDocument, NeededFile, PushNeeds, PushRefusal } from '../engine/push-bundle';
import type { DocRef } from '../engine/snapshot';
import type { FetchDocumentResponse, PullResponse, PullResult } from '../shared/contracts';
import { checkFetchedDocument, checkPullPage } from './checks';
import type { Peer, Transport } from './client';
import { decodeVia, encodeVia, LOCALE_RE, UID_RE } from './via';
import { paths, PUSH_MAX_DOCUMENTS, PUSH_MAX_NEEDS } from './wire';

/** A page as pushed: the pull page plus the cursor it was cut from (and `oversized`, see pull-loop ADAPTIVE PAGES). */
export type PushedPage = PullResponse & { after: number; afterKey: string | null; oversized?: string };

export interface PushRequest {
  /** The producer's site id and name. */
  siteId: string;
  name: string;
  page?: PushedPage;
  /** Documents the consumer asked for (answers to its `needs`). */
  documents?: FetchDocumentResponse[];
  /** What the producer refuses to send, with the status a pull would have got. */
  refused?: PushRefusal[];
}

export interface PushResponse {
  /** The consumer's site id and name. */
  siteId: string;
  name: string;
  /** The types it subscribes to (the producer's names), as a registration lists them. */
  subscriptions: Array<{ contentType: string; unsubscribed: boolean }>;
  /** Its durable cursor on this producer's log, with the key stored with it and the epoch it belongs to. */
  cursor: number;
  cursorKey: string | null;
  /** What the page's events need that the push did not carry; empty when nothing. */
  needs: PushNeeds;
  /** The pushed page's outcome; absent for a hello or a stale page (cut from another cursor than the consumer's). */
  result?: PullResult;
  stale?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSiteId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isKey = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.length > 0 && v.length <= 64);

/** Consumer side: a push body from a producer (not trusted). @throws InputError naming what is wrong. */
export function checkPushRequest(body: unknown): PushRequest {
  if (!isObject(body)) throw new InputError('A push body must be an object');
  if (!isSiteId(body.siteId)) throw new InputError('siteId must be the producer site id');
  if (typeof body.name !== 'string' || body.name.length > 200) throw new InputError('name must be the producer site name');
  const req: PushRequest = { siteId: body.siteId, name: body.name };
  if (body.page !== undefined) {
    if (!isObject(body.page)) throw new InputError('page must be an object');
    const after = body.page.after;
    if (!Number.isInteger(after) || (after as number) < 0) throw new InputError('page.after must be a non-negative integer');
    if (!isKey(body.page.afterKey)) throw new InputError('page.afterKey must be a key or null');
    if (body.page.oversized !== undefined && (typeof body.page.oversized !== 'string' || body.page.oversized.length > 1000))
      throw new InputError('page.oversized must be a message');
    let page: PullResponse;
    try {
      page = checkPullPage(body.page, after as number);
    } catch (error) {
      throw new InputError((error as Error).message.replace('answered the pull with', 'pushed'));
    }
    req.page = { ...page, after: after as number, afterKey: (body.page.afterKey as string | null) ?? null };
    if (body.page.oversized !== undefined) req.page.oversized = body.page.oversized as string;
  }
  const docs = body.documents ?? [];
  if (!Array.isArray(docs) || docs.length > PUSH_MAX_DOCUMENTS)
    throw new InputError(`documents must be a list of at most ${PUSH_MAX_DOCUMENTS}`);
  req.documents = docs.map((d, i) => {
    const doc = d as Record<string, unknown>;
    if (!isObject(d) || typeof doc.contentType !== 'string' || !UID_RE.test(doc.contentType) || typeof doc.documentId !== 'string')
      throw new InputError(`documents[${i}] is not a document`);
    if (doc.locale !== null && doc.locale !== undefined && (typeof doc.locale !== 'string' || !LOCALE_RE.test(doc.locale)))
      throw new InputError(`documents[${i}] has a bad locale`);
    try {
      return checkFetchedDocument({ ...doc, locale: doc.locale ?? null }, doc.contentType, doc.documentId);
    } catch {
      throw new InputError(`documents[${i}] is not a document`);
    }
  });
  const refused = body.refused ?? [];
  if (!Array.isArray(refused) || refused.length > PUSH_MAX_NEEDS)
    throw new InputError(`refused must be a list of at most ${PUSH_MAX_NEEDS}`);
  req.refused = refused.map((r, i) => {
    if (
      !isObject(r) ||
      !Number.isInteger(r.status) ||
      (r.status as number) < 400 ||
      (r.status as number) > 599 ||
      typeof r.message !== 'string'
    )
      throw new InputError(`refused[${i}] must be { status, message, contentType/documentId or fileId }`);
    return {
      status: r.status as number,
      message: r.message.slice(0, 500),
      ...(typeof r.fileId === 'string' ? { fileId: r.fileId } : {}),
      ...(typeof r.contentType === 'string' && typeof r.documentId === 'string'
        ? { contentType: r.contentType, documentId: r.documentId, locale: typeof r.locale === 'string' ? r.locale : null }
        : {}),
    };
  });
  return req;
}

/** Producer side: the consumer's answer (not trusted either). @throws RemoteError. */
export function checkPushResponse(res: unknown, consumerUrl: string): PushResponse {
  const bad = (why: string) => new RemoteError(`${consumerUrl} answered the push with something unexpected: ${why}`, 200);
  if (!isObject(res)) throw bad('not an object');
  if (!isSiteId(res.siteId) || typeof res.name !== 'string') throw bad('no siteId/name');
  if (!Number.isInteger(res.cursor) || (res.cursor as number) < 0) throw bad('cursor is not a non-negative integer');
  if (!isKey(res.cursorKey)) throw bad('cursorKey is not a key');
  if (!Array.isArray(res.subscriptions) || res.subscriptions.length > 200) throw bad('subscriptions is not a list');
  const subscriptions = res.subscriptions.map((s) => {
    if (!isObject(s) || typeof s.contentType !== 'string' || !UID_RE.test(s.contentType)) throw bad('a subscription has no content type');
    return { contentType: s.contentType, unsubscribed: s.unsubscribed === true };
  });
  const needs = isObject(res.needs) ? res.needs : {};
  const documents = Array.isArray(needs.documents) ? needs.documents : [];
  const files = Array.isArray(needs.files) ? needs.files : [];
  if (documents.length + files.length > PUSH_MAX_NEEDS) throw bad('too many needs');
  const via = (v: unknown): DocRef[] => {
    try {
      return decodeVia(typeof v === 'string' ? v : encodeVia(Array.isArray(v) ? (v as DocRef[]) : []));
    } catch {
      throw bad('a need has a bad via');
    }
  };
  return {
    siteId: res.siteId,
    name: res.name.slice(0, 200),
    subscriptions,
    cursor: res.cursor as number,
    cursorKey: (res.cursorKey as string | null | undefined) ?? null,
    needs: {
      documents: documents.map((d): NeededDocument => {
        if (!isObject(d) || typeof d.contentType !== 'string' || typeof d.documentId !== 'string') throw bad('a needed document');
        return {
          contentType: d.contentType,
          documentId: d.documentId,
          locale: typeof d.locale === 'string' ? d.locale : null,
          via: via(d.via),
        };
      }),
      files: files.map((f): NeededFile => {
        if (!isObject(f) || typeof f.fileId !== 'string' || f.fileId.length > 200) throw bad('a needed file');
        return { fileId: f.fileId, via: via(f.via) };
      }),
    },
    ...(isObject(res.result) ? { result: res.result as unknown as PullResult } : {}),
    ...(res.stale === true ? { stale: true } : {}),
  };
}

/** What a push-mode producer sends its consumer. */
export function pushClient(transport: Transport, peer: Peer) {
  return {
    async push(body: PushRequest): Promise<PushResponse> {
      const answer = await transport.call<unknown>({ method: 'POST', path: paths.push(), body, baseUrl: peer.baseUrl, token: peer.token });
      return checkPushResponse(answer, peer.baseUrl);
    },
    /** One file the consumer asked for, streamed (never held in memory). */
    async pushFile(fileId: string, via: DocRef[], body: Readable): Promise<void> {
      await transport.call({
        method: 'POST',
        path: paths.pushFile(fileId),
        params: { via: encodeVia(via) },
        body,
        baseUrl: peer.baseUrl,
        token: peer.token,
      });
    },
  };
}
