import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { ListDocumentsResponse, StreamEvent } from '../shared/contracts';
import { runInBatches } from '../engine/batches';
import { errorMessage, InputError, NeedsNetworkError, RemoteError } from '../engine/errors';
import { DOC_ID_RE } from '../engine/refs';
import { getService } from '../utils';

/** A listed document as the event that creates it (or deletes it: it vanished before it was read). */
const asEvent = (contentType: string, doc: ListDocumentsResponse['documents'][number], headSeq: number): StreamEvent => ({
  seq: headSeq,
  updateType: doc.data ? 'Create' : 'Delete',
  contentType,
  documentId: doc.documentId,
  locale: doc.locale ?? null,
  data: doc.data ?? null,
  originSiteId: null,
});

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
    if (doc.data !== undefined && doc.data !== null && (typeof doc.data !== 'object' || Array.isArray(doc.data)))
      throw bad(`document ${doc.documentId} has bad data`);
  }
  return page as ListDocumentsResponse;
}

/**
 * Back-fill: copy the documents that already exist on the producer, page by page, through the
 * same apply path as events. Each listed page carries the documents' data (as of its `headSeq`),
 * applied in batches (streaming/batches.ts: several documents per transaction); a document that
 * needs the network (missing dependencies, files) or fails is re-fetched and applied alone
 * (reconcile = fetch current state + upsert), failures are reported. Resumable: the position per
 * (producer, type) is kept in the plugin store and cleared when the type is complete.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  return {
    async run(producerId: number, contentType?: unknown) {
      const producer = await getService(strapi, 'producer-registry').row(producerId);
      if (!producer) return null;
      const subs = (producer.subscriptions ?? []).filter((s) => s.status === 'Approved' && !s.unsubscribed);
      if (contentType !== undefined && typeof contentType !== 'string') throw new InputError('contentType must be a content type UID');
      const chosen = contentType ? subs.filter((s) => s.remoteContentType === contentType || s.contentType === contentType) : subs;
      if (contentType && !chosen.length) throw new InputError(`${String(contentType)} is not an approved subscription of this producer`);
      const applier = getService(strapi, 'applier');
      const settings = getService(strapi, 'settings');
      const cfg = settings.config();
      let copied = 0;
      const failures: string[] = [];
      for (const sub of chosen) {
        const key = `backfill:${producerId}:${sub.remoteContentType}`;
        let after = Number((await store().get({ key })) ?? 0);
        for (;;) {
          const page = checkListPage(
            await getService(strapi, 'http').call<unknown>({
              method: 'GET',
              baseUrl: producer.producerUrl,
              path: `/api/${PLUGIN_ID}/documents/${encodeURIComponent(sub.remoteContentType)}`,
              token: settings.decrypt(producer.apiToken),
              params: { after, limit: cfg.pageSize },
            }),
            after
          );
          await runInBatches(
            page.documents,
            {
              transaction: <X>(fn: () => Promise<X>) => strapi.db.transaction(() => fn()) as unknown as Promise<X>,
              // The page carries each document's data: applied in the batch's transaction unless it
              // needs the network (missing dependencies, files) or the producer predates that.
              batched: async (doc) => {
                if (doc.data === undefined) throw new NeedsNetworkError('the producer lists documents without their data');
                const event = asEvent(sub.remoteContentType, doc, page.headSeq);
                await applier.apply(
                  producer,
                  event,
                  await applier.prepare(producer, producer.subscriptions ?? [], event, { offline: true })
                );
                return null;
              },
              alone: async (doc) => {
                try {
                  const { event, prepared } = await applier.reconcile(producer, sub.remoteContentType, doc.documentId, doc.locale ?? null);
                  await strapi.db.transaction(() => applier.apply(producer, event, prepared));
                  return null;
                } catch (error) {
                  return `${sub.remoteContentType} ${doc.documentId}: ${errorMessage(error)}`;
                }
              },
            },
            { size: cfg.applyBatchSize, ms: cfg.applyBatchMs },
            (failure) => {
              if (failure) failures.push(failure);
              else copied += 1;
            }
          );
          if (page.nextCursor === null) break;
          after = page.nextCursor;
          await store().set({ key, value: after });
        }
        await store().delete({ key });
      }
      return { copied, failed: failures.length, failures: failures.slice(0, 50) };
    },
  };
};
