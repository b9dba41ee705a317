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

/**
 * What the producer serves a registered consumer over the site-to-site API: pages of its stream,
 * single documents and listings of its approved types, and (through `canRead`) the dependencies
 * reachable from them. Nothing here writes but the consumer's acknowledgement of a pull.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');
  const schema = () => getService(strapi, 'schema');
  const conditions = () => getService(strapi, 'conditions');
  /**
   * The events, each with the other sites' documentIds of its document (this site's remote
   * references of it, one query per type on the page): a site in a ring recognises its own
   * document in a copy that came round under another documentId (Use Same Name off).
   */
  const withAliases = async (events: StreamEvent[]): Promise<StreamEvent[]> => {
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
    return events.map((e) => {
      const aliases = byKey.get(docKey(e.contentType, e.documentId, e.locale));
      return aliases ? { ...e, aliases } : e;
    });
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
      const log = getService(strapi, 'update-log');
      const state = await log.advance();
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
      const keys = await log.keysAt(afterKey === null ? [head] : [after, head]);
      const check = cursorCheck(after, afterKey, { head, prunedThrough: state.prunedThrough, keyAtAfter: keys.get(after) ?? null });
      if (check) {
        return { ...base, events: [], nextCursor: after, cursorKey: null, hasMore: false, diverged: check === 'diverged' };
      }
      // Bounded by bytes as well (half the response limit: big documents come a few at a time
      // instead of failing as too large and being asked again at half the count): by the stored
      // sizes before the rows are read, then by the data read (rows sequenced without a size).
      const budget = withData ? pageByteBudget() : null;
      const { rows: read, sized } = await log.page(after, head, streamableTypes(subscriptions), limit, budget);
      const rows = budget !== null ? boundByBytes(read, budget, (e) => JSON.stringify(e.data ?? null).length) : read;
      const cut = sized || rows.length < read.length ? rows.length : limit;
      const page = cutPage({ after, head, rows, limit: cut, subscriptions, consumerSiteId: c.consumerSiteId });
      // Conditioned types: only what matches travels, whole; what left travels as a Delete (producer/conditions.ts).
      const served = await conditions().rewritePage(c, page.events);
      const events = withData ? served : served.map((e) => ({ ...e, data: null }));
      const cursorKey = cursorKeyOf(page, { rows, head }, keys.get(head) ?? null);
      // The acknowledgement of what the consumer already had (`after`): written a moment later,
      // with the other consumers' (consumer-store.ts), off the way of this response.
      getService(strapi, 'consumer-store').acknowledge(c, after);
      return { ...base, ...page, events: await withAliases(events), cursorKey, diverged: false };
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
