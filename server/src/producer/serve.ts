import type { Core } from '@strapi/strapi';
import { cursorCheck, cursorKeyOf, cutPage, streamableTypes } from '../engine/cursor';
import { collectRefs, type DocRef } from '../engine/snapshot';
import { docKey } from '../engine/refs';
import { boundByBytes } from '../engine/page-size';
import { MAX_ALIASES, MAX_VIA_HOPS } from '../protocol/wire';
import type { DocumentAlias, FetchDocumentResponse, ListDocumentsResponse, PullResponse, StreamEvent } from '../shared/contracts';
import { getService, repo } from '../utils';
import { conditionKey } from '../engine/condition';
import { servedSubscriptions, type ConsumerRow } from './consumer-store';
import { PageCache } from '../engine/page-cache';

/**
 * Pages read in the last second, shared by every consumer that asks for the same one
 * (engine/page-cache.ts): a hundred consumers poked after one change read the log once.
 * Small pages only (4 MiB of data in all), so big documents never stay in memory.
 */
const PAGE_CACHE = { ttlMs: 1000, maxEntries: 256, maxChars: 4 * 1024 * 1024 };

/**
 * What the producer serves a registered consumer over the site-to-site API: pages of its stream,
 * single documents and listings of its approved types, and (through `canRead`) the dependencies
 * reachable from them. Nothing here writes but the consumer's acknowledgement of a pull.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');
  const schema = () => getService(strapi, 'schema');
  const conditions = () => getService(strapi, 'conditions');
  const log = () => getService(strapi, 'update-log');
  const pages = new PageCache<{ rows: StreamEvent[]; sized: boolean; aliases: Map<string, DocumentAlias[]> }>(PAGE_CACHE);
  const rowKeys = new PageCache<string | null>(PAGE_CACHE);
  /** The keys of the log rows at `seqs` (update-log.ts `keysAt`); a key once read is the row's for good (same rules as pages). */
  const keysAt = async (epoch: string, head: number, seqs: number[]) => {
    rowKeys.seeHead(epoch, head);
    const out = new Map<number, string | null>();
    const missing: number[] = [];
    for (const s of seqs) {
      const k = rowKeys.get(`${epoch}|${s}`);
      if (k === undefined) missing.push(s);
      else out.set(s, k);
    }
    if (missing.length) {
      for (const [s, k] of await log().keysAt(missing)) {
        out.set(s, k);
        rowKeys.set(`${epoch}|${s}`, k, 0);
      }
    }
    return out;
  };
  const charsOf = (e: StreamEvent) => JSON.stringify(e.data ?? null).length;
  /**
   * The other sites' documentIds of the documents of `events` (this site's remote references of
   * them, one query per type on the page), by docKey: a site in a ring recognises its own
   * document in a copy that came round under another documentId (Use Same Name off).
   */
  const aliasesOf = async (events: StreamEvent[]): Promise<Map<string, DocumentAlias[]>> => {
    const byKey = new Map<string, DocumentAlias[]>();
    for (const uid of new Set(events.map((e) => e.contentType))) {
      const ids = [...new Set(events.filter((e) => e.contentType === uid).map((e) => e.documentId))];
      for (const r of await getService(strapi, 'references').aliasesOf(uid, ids)) {
        const key = docKey(uid, r.localDocumentId, r.docLocale ?? null);
        const list = byKey.get(key) ?? [];
        if (list.length < MAX_ALIASES) list.push({ siteId: r.producerSiteId, documentId: r.remoteDocumentId });
        byKey.set(key, list);
      }
    }
    return byKey;
  };
  const withAliases = (events: StreamEvent[], byKey: Map<string, DocumentAlias[]>): StreamEvent[] =>
    events.map((e) => {
      const aliases = byKey.get(docKey(e.contentType, e.documentId, e.locale));
      return aliases ? { ...e, aliases } : e;
    });
  /**
   * The log's rows in (after, head] of `types` (update-log.ts `page`) and their documents'
   * aliases, from memory when another consumer just read them. The aliases are as fresh as
   * they would be had this consumer pulled when the page was read (at most PAGE_CACHE.ttlMs
   * before); the reference a copy makes is written with the copy, before its event exists.
   */
  const readPage = async (epoch: string, after: number, head: number, types: string[], limit: number, budget: number | null) => {
    pages.seeHead(epoch, head);
    const key = PageCache.key({ epoch, after, head, types, limit, maxChars: budget });
    const hit = pages.get(key);
    if (hit) return hit;
    const read = await log().page(after, head, types, limit, budget);
    const page = { ...read, aliases: await aliasesOf(read.rows) };
    let chars = 0; // only up to the largest page the cache keeps: big documents are not measured twice
    for (const e of read.rows) if ((chars += charsOf(e)) > pages.maxPageChars) break;
    pages.set(key, page, chars);
    return page;
  };

  /** Bytes of event data one page may carry: half the response limit a site accepts. */
  const pageByteBudget = () => Math.max(64 * 1024, Math.floor(settings().config().maxResponseBytes / 2));

  const service = {
    /**
     * One page of a consumer's stream after `after`. The `after` it sends acknowledges everything
     * up to it. Every page carries the log's epoch, head and `prunedThrough`, and the key of the
     * row at `nextCursor` (`cursorKey`). A cursor above the head (this producer's database was
     * restored), whose `afterKey` differs from the key of the row at `after` (restored, then
     * written past it: `diverged`), or below what was pruned gets an empty page at that cursor,
     * unacknowledged: the consumer sees why and re-copies (engine/cursor.ts `cursorCheck`,
     * `recopyReason`). `withData: false`: the events without their data (a consumer skipping one
     * event too large to transfer, engine/pull-loop.ts).
     */
    async pull(c: ConsumerRow, after: number, limit: number, withData = true, afterKey: string | null = null): Promise<PullResponse> {
      const state = await log().advance();
      const head = state.head;
      const subscriptions = servedSubscriptions(c);
      const base = {
        siteId: settings().siteId(),
        headSeq: head,
        epoch: state.epoch,
        prunedThrough: state.prunedThrough,
        subscriptions: subscriptions.map((s) => ({
          contentType: s.contentType,
          status: s.status,
          unsubscribed: s.unsubscribed,
          conditionKey: conditionKey(conditions().conditionsOf(c).get(s.contentType)?.condition ?? null),
        })),
      };
      const keys = await keysAt(state.epoch, head, afterKey === null ? [head] : [after, head]);
      const check = cursorCheck(after, afterKey, { head, prunedThrough: state.prunedThrough, keyAtAfter: keys.get(after) ?? null });
      if (check) {
        return { ...base, events: [], nextCursor: after, cursorKey: null, hasMore: false, diverged: check === 'diverged' };
      }
      // Bounded by bytes as well (half the response limit: big documents come a few at a time
      // instead of failing as too large and being asked again at half the count): by the stored
      // sizes before the rows are read, then by the data read (rows sequenced without a size).
      const budget = withData ? pageByteBudget() : null;
      const { rows: read, sized, aliases } = await readPage(state.epoch, after, head, streamableTypes(subscriptions), limit, budget);
      const rows = budget !== null ? boundByBytes(read, budget, charsOf) : read;
      const cut = sized || rows.length < read.length ? rows.length : limit;
      const page = cutPage({ after, head, rows, limit: cut, subscriptions, consumerSiteId: c.consumerSiteId });
      // Conditioned types: only what matches travels, whole; what left travels as a Delete (producer/conditions.ts).
      const served = await conditions().rewritePage(c, page.events);
      const events = withData ? served : served.map((e) => ({ ...e, data: null }));
      const cursorKey = cursorKeyOf(page, { rows, head }, keys.get(head) ?? null);
      // The acknowledgement of what the consumer already had (`after`): written a moment later,
      // with the other consumers' (consumer-store.ts), off the way of this response.
      getService(strapi, 'consumer-store').acknowledge(c, after);
      return { ...base, ...page, events: withAliases(events, aliases), cursorKey, diverged: false };
    },

    /**
     * May this consumer read document (uid, documentId)? Yes if uid is one of its Approved types;
     * or if `via` is a chain of documents starting at a document of an Approved type in which
     * each document references the next and the last references the requested one. A type with
     * a condition for this consumer: only its documents that satisfy it (in `locale`, or in any
     * locale when null) count as approved — as the requested document or as the chain's start.
     */
    async canRead(c: ConsumerRow, uid: string, documentId: string, via: DocRef[], locale: string | null = null): Promise<boolean> {
      const approved = new Set(streamableTypes(servedSubscriptions(c)));
      if (approved.has(uid) && (await conditions().readable(c, uid, documentId, locale))) return true;
      if (!via.length || via.length > MAX_VIA_HOPS || !approved.has(via[0].__ref)) return false;
      if (!(await conditions().readable(c, via[0].__ref, via[0].documentId, via[0].locale ?? null))) return false;
      const chain = [...via, { __ref: uid, documentId } as DocRef];
      for (let i = 0; i < chain.length - 1; i += 1) {
        const hop = chain[i];
        if (!schema().isStreamable(hop.__ref)) return false;
        const snap = await getService(strapi, 'documents').read(hop.__ref, hop.documentId, hop.locale ?? null);
        const next = chain[i + 1];
        if (!collectRefs(hop.__ref, snap, schema().lookup).some((r) => r.__ref === next.__ref && r.documentId === next.documentId)) {
          return false;
        }
      }
      return true;
    },

    async fetchDocument(uid: string, documentId: string, locale: string | null): Promise<FetchDocumentResponse> {
      const head = await getService(strapi, 'update-log').sequence();
      const data = await getService(strapi, 'documents').read(uid, documentId, locale);
      return { headSeq: head, contentType: uid, documentId, locale, data };
    },

    /** Whether `uid` is one of the consumer's approved (and subscribed) types. */
    servesType(c: ConsumerRow, uid: string): boolean {
      return streamableTypes(servedSubscriptions(c)).includes(uid);
    },

    /**
     * Keyset listing of a type's streamed documents (back-fill). `after` is a database id. With a
     * condition for this consumer only the matching documents are listed (a page may hold fewer
     * than `limit`; `nextCursor` still follows the rows scanned) and remembered as held
     * (producer/conditions.ts). `documentIds`: only those (the consumer's reconciling sweep asks
     * which of the copies it holds are still served).
     */
    async listDocuments(
      c: ConsumerRow,
      uid: string,
      after: number,
      limit: number,
      documentIds: string[] | null = null
    ): Promise<ListDocumentsResponse> {
      const head = await getService(strapi, 'update-log').sequence();
      const model = schema().model(uid);
      const streamed = model?.draftAndPublish ? { publishedAt: { $notNull: true } } : {};
      const only = documentIds ? { documentId: { $in: documentIds } } : {};
      const cond = conditions().conditionsOf(c).get(uid) ?? null;
      const scanned = await repo(strapi, uid).findMany({
        where: { id: { $gt: after }, ...streamed, ...only },
        select: ['id', 'documentId', ...(model?.localized ? ['locale'] : [])],
        orderBy: { id: 'asc' },
        limit,
      });
      const all = scanned.map((r) => ({ documentId: String(r.documentId), locale: (r.locale as string | undefined) ?? null }));
      const matching = cond ? await conditions().matching(uid, cond.condition, all) : null;
      const keys = matching ? all.filter((k) => matching.has(`${k.documentId}\u0000${k.locale ?? ''}`)) : all;
      const data = await getService(strapi, 'documents').readMany(uid, keys);
      await conditions().rememberListed(
        c,
        uid,
        keys.filter((_, i) => data[i] !== null)
      );
      const total = () => (cond ? conditions().count(uid, cond.condition) : repo(strapi, uid).count({ where: streamed }));
      return {
        headSeq: head,
        contentType: uid,
        documents: keys.map((k, i) => ({ ...k, data: data[i] })),
        nextCursor: scanned.length === limit ? Number(scanned[scanned.length - 1].id) : null,
        // The first page says how many there are (one indexed count), for the consumer's progress bar.
        ...(after === 0 && !documentIds ? { total: await total() } : {}),
      };
    },
  };
  return service;
};
