import type { Core } from '@strapi/strapi';
import type { EventConsumer, PullResult } from '../shared/contracts';
import { errorMessage, InputError, RemoteError } from '../engine/errors';
import type { PushRefusal } from '../engine/push-bundle';
import { normalizeSiteUrl } from '../engine/url';
import { conflict } from '../errors';
import { pushClient, type PushedPage, type PushRequest, type PushResponse } from '../protocol/push';
import { PUSH_MAX_BODY_BYTES, PUSH_MAX_DOCUMENTS, PUSH_MAX_NEEDS } from '../protocol/wire';
import type { FetchDocumentResponse } from '../shared/contracts';
import { logSafe } from '../site/log-safe';
import { getService } from '../utils';
import { mergeSubscriptions } from './consumer-registry';
import type { ConsumerRow } from './consumer-store';
import { StorageError } from './files';

/** Requests of one push session at most (pages and need rounds): a session always ends. */
const MAX_REQUESTS = 200;
/** Need rounds for one page: every round brings at least one thing the consumer asked for. */
const MAX_NEED_ROUNDS = 60;

/** What one push session did. */
export interface PushSummary extends PullResult {
  pages: number;
  requests: number;
  filesSent: number;
  documentsSent: number;
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * PUSH MODE, producer side (README "Push mode"; wire in protocol/push.ts). For an Event Consumer
 * in push mode this site opens every connection: it says hello to the consumer's API (which
 * answers its durable cursor), cuts the page after that cursor with the SAME serve code a pull
 * uses (`serve.pull`: approvals, subscriptions, conditions, acknowledgement), sends it, and
 * answers the consumer's needs — documents checked with `serve.canRead`, files with
 * `producer-files.referencedBy` and streamed from storage — until the consumer's cursor reaches
 * the head. Nothing is lost when the consumer cannot be reached: the next session (a change
 * here, the cron tick, "Push now") starts again from the cursor the consumer holds.
 * One session per consumer at a time in this process (a request meanwhile runs one more).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');
  const consumers = () => getService(strapi, 'consumer-store');
  const serve = () => getService(strapi, 'serve');
  const inFlight = new Map<number, { promise: Promise<PushSummary | null>; again: boolean }>();
  let stopped = false;

  const clientOf = (c: Pick<ConsumerRow, 'callbackUrl' | 'callbackToken'>) =>
    pushClient(getService(strapi, 'http'), { baseUrl: c.callbackUrl ?? '', token: settings().decrypt(c.callbackToken ?? '') });
  const hello = (): PushRequest => ({ siteId: settings().siteId(), name: settings().siteName() });

  /**
   * What the consumer's answer says of itself: its name and the types it subscribes to (as a
   * registration). Read fresh each time: an approval made here during a session applies to its
   * next page, and the list is written only when the consumer changed it (an approval is never
   * overwritten by the statuses a session read before it).
   */
  const adopt = async (c: ConsumerRow, res: PushResponse): Promise<ConsumerRow> => {
    if (res.siteId !== c.consumerSiteId) throw new RemoteError(`${c.callbackUrl} is now another site (${res.siteId})`, 409);
    const fresh = (await consumers().get(c.id)) ?? c;
    const merged = mergeSubscriptions(fresh.subscriptions ?? [], res.subscriptions);
    const listed = (subs: ConsumerRow['subscriptions']) =>
      JSON.stringify((subs ?? []).map((s) => [s.contentType, Boolean(s.unsubscribed)]));
    const changed = listed(merged) !== listed(fresh.subscriptions);
    const consumerName = res.name || fresh.consumerName;
    await consumers().update(c.id, { consumerName, lastSeenAt: new Date(), ...(changed ? { subscriptions: merged } : {}) });
    return { ...fresh, consumerName, subscriptions: changed ? merged : fresh.subscriptions };
  };

  /** The page after the consumer's cursor, halved until it fits the body budget (one event too large goes without data). */
  const cutPage = async (c: ConsumerRow, after: number, afterKey: string | null): Promise<PushedPage> => {
    let limit = settings().config().pageSize;
    for (;;) {
      const page = await serve().pull(c, after, limit, true, afterKey);
      const pushed: PushedPage = { ...page, after, afterKey };
      if (bytes(pushed) <= PUSH_MAX_BODY_BYTES / 2 || page.events.length === 0) return pushed;
      if (limit > 1) {
        limit = Math.max(1, Math.floor(limit / 2));
        continue;
      }
      const bare = await serve().pull(c, after, 1, false, afterKey);
      return { ...bare, after, afterKey, oversized: `the event is larger than a push carries (${PUSH_MAX_BODY_BYTES / 2} bytes)` };
    }
  };

  /** Answers the consumer's needs: documents into `docs`, refusals into `refused`, files streamed now. */
  const satisfy = async (
    c: ConsumerRow,
    res: PushResponse,
    docs: FetchDocumentResponse[],
    refused: PushRefusal[],
    summary: PushSummary
  ): Promise<void> => {
    for (const need of res.needs.documents) {
      const uid = need.contentType;
      if (!getService(strapi, 'schema').isStreamable(uid) || !(await serve().canRead(c, uid, need.documentId, need.via))) {
        refused.push({
          contentType: uid,
          documentId: need.documentId,
          locale: need.locale,
          status: 403,
          message: `${uid} ${need.documentId} is neither of a type approved for this consumer nor reachable from one`,
        });
        continue;
      }
      const doc = await serve().fetchDocument(uid, need.documentId, need.locale);
      // The oldest answers make room (applied already, most likely); one that never fits is refused.
      while (docs.length && (docs.length >= PUSH_MAX_DOCUMENTS || bytes(docs) + bytes(doc) > PUSH_MAX_BODY_BYTES / 2)) docs.shift();
      if (bytes(doc) > PUSH_MAX_BODY_BYTES / 2) {
        refused.push({ contentType: uid, documentId: need.documentId, locale: need.locale, status: 413, message: 'too large to push' });
        continue;
      }
      docs.push(doc);
      summary.documentsSent += 1;
    }
    while (refused.length > PUSH_MAX_NEEDS / 2) refused.shift();
    const files = getService(strapi, 'producer-files');
    for (const need of res.needs.files) {
      const last = need.via[need.via.length - 1];
      const readable =
        last !== undefined &&
        (await serve().canRead(c, last.__ref, last.documentId, need.via.slice(0, -1))) &&
        (await files.referencedBy(last, need.fileId));
      if (!readable) {
        refused.push({ fileId: need.fileId, status: 403, message: 'The referencing document is not readable by this consumer' });
        continue;
      }
      try {
        const file = await files.open(need.fileId);
        await clientOf(c).pushFile(need.fileId, need.via, file.body);
        summary.filesSent += 1;
      } catch (error) {
        if (error instanceof StorageError) refused.push({ fileId: need.fileId, status: 502, message: error.message });
        else if ((error as { name?: string }).name === 'NotFoundError')
          refused.push({ fileId: need.fileId, status: 404, message: 'File not found' });
        else throw error;
      }
    }
    while (refused.length > PUSH_MAX_NEEDS) refused.shift();
  };

  /** One push session to consumer `id`: hello, then pages until the consumer holds the head. */
  const session = async (id: number): Promise<PushSummary | null> => {
    let c = await consumers().get(id);
    if (!c || c.mode !== 'push' || !c.callbackUrl || !c.callbackToken) return null;
    const summary: PushSummary = {
      pulled: 0,
      applied: 0,
      failed: 0,
      cursor: 0,
      headSeq: 0,
      pages: 0,
      requests: 0,
      filesSent: 0,
      documentsSent: 0,
    };
    const send = async (body: PushRequest) => {
      if ((summary.requests += 1) > MAX_REQUESTS) throw new Error(`the push session stopped after ${MAX_REQUESTS} requests`);
      const res = await clientOf(c!).push(body);
      c = await adopt(c!, res);
      return res;
    };
    let state = await send(hello());
    // What the consumer asked for, carried by every request of this session until it no longer fits.
    const docs: FetchDocumentResponse[] = [];
    const refused: PushRefusal[] = [];
    let stale = 0;
    let rounds = 0;
    for (;;) {
      // A consumer that never received a page starts where it registered (its acknowledged seq here).
      const fresh = state.cursor === 0 && Number(c.ackSeq ?? 0) > 0;
      const after = fresh ? Number(c.ackSeq) : state.cursor;
      const page = await cutPage(c, after, fresh ? null : state.cursorKey);
      const res = await send({ ...hello(), page, documents: docs, refused });
      summary.pages += 1;
      summary.headSeq = page.headSeq;
      summary.cursor = res.cursor;
      if (res.result) {
        summary.pulled += res.result.pulled;
        summary.applied += res.result.applied;
        summary.failed += res.result.failed;
      }
      const asks = res.needs.documents.length + res.needs.files.length > 0;
      state = res;
      if (res.stale && !asks) {
        if ((stale += 1) > 3) throw new Error('the consumer kept answering that the pushed pages were stale');
        continue;
      }
      if (asks) {
        // The events before the one that needs something are applied: the page is cut again from
        // the consumer's cursor and sent with what it asked for.
        if ((rounds += 1) > MAX_NEED_ROUNDS) throw new Error(`the consumer still needs documents or files after ${MAX_NEED_ROUNDS} rounds`);
        await satisfy(c, res, docs, refused, summary);
        continue;
      }
      // Done when the consumer holds the page's end and there is no more; stop also when it did not move.
      if (res.cursor === page.after || (!page.hasMore && res.cursor >= page.nextCursor)) break;
    }
    return summary;
  };

  const service = {
    /**
     * Producer admin: a consumer that cannot call this site gave its URL and the push token it
     * minted. Says hello (the consumer answers its site id, name and subscriptions) and creates —
     * or updates — its Event Consumer in push mode, Pending until approved here.
     */
    async connect(consumerUrl: string, token: string): Promise<EventConsumer> {
      const url = normalizeSiteUrl(consumerUrl, 'consumerUrl');
      const res = await pushClient(getService(strapi, 'http'), { baseUrl: url, token }).push(hello());
      if (res.siteId === settings().siteId()) throw new InputError('consumerUrl points at this site itself');
      const unknown = res.subscriptions.map((s) => s.contentType).filter((uid) => !getService(strapi, 'schema').isStreamable(uid));
      if (unknown.length) throw new InputError(`Unknown or non-streamable content type(s) on this site: ${unknown.join(', ')}`);
      const existing = await consumers().bySiteId(res.siteId);
      if (existing && existing.mode !== 'push')
        throw conflict(`Site ${res.siteId} already streams from this site in pull mode; delete that Event Consumer first`);
      const data = {
        consumerName: res.name || url,
        callbackUrl: url,
        callbackToken: settings().encrypt(token),
        subscriptions: mergeSubscriptions(existing?.subscriptions ?? [], res.subscriptions),
        lastSeenAt: new Date(),
      };
      let id: number;
      if (existing) {
        await consumers().update(existing.id, data);
        id = existing.id;
      } else {
        const head = await getService(strapi, 'update-log').sequence();
        // apiTokenId 0: no API token of this site is this consumer's (it never calls here).
        const created = await consumers().create({
          ...data,
          mode: 'push',
          consumerSiteId: res.siteId,
          apiTokenId: 0,
          ackSeq: head,
          notifiedSeq: head,
        });
        id = Number(created.id);
      }
      strapi.log.info(logSafe`event-streaming: push-mode consumer "${data.consumerName}" (${res.siteId}) connected at ${url}`);
      return (await getService(strapi, 'consumer-registry').get(id)) as EventConsumer;
    },

    /** Pushes to a push-mode consumer now (or once more after the session running); resolves with the last session's summary. */
    push(id: number): Promise<PushSummary | null> {
      if (stopped) return Promise.resolve(null);
      const running = inFlight.get(id);
      if (running) {
        running.again = true;
        return running.promise;
      }
      const entry = { again: false, promise: Promise.resolve<PushSummary | null>(null) };
      entry.promise = (async () => {
        try {
          let result: PushSummary | null;
          do {
            entry.again = false;
            result = await session(id);
          } while (entry.again && !stopped);
          return result;
        } finally {
          inFlight.delete(id);
        }
      })();
      inFlight.set(id, entry);
      return entry.promise;
    },

    /** Fire-and-forget push (after a commit, an approval): a failure waits for the next change or tick. */
    request(id: number): void {
      service
        .push(id)
        .catch((error: unknown) => strapi.log.warn(logSafe`event-streaming: pushing to consumer ${id} failed: ${errorMessage(error)}`));
    },

    /** The cron tick: every push-mode consumer, one after the other (an offline one fails fast or at its deadline). */
    async tick(): Promise<void> {
      for (const c of await consumers().list()) if (c.mode === 'push') service.request(c.id);
    },

    async idle(): Promise<void> {
      await Promise.allSettled([...inFlight.values()].map((e) => e.promise));
    },

    stop(): void {
      stopped = true;
    },
  };
  return service;
};
