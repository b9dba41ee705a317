import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { ListDocumentsResponse, StreamEvent } from '../shared/contracts';
import { runInBatches } from '../engine/batches';
import { errorMessage, InputError } from '../engine/errors';
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
      const producer = await getService(strapi, 'producer-store').get(producerId);
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
      const client = getService(strapi, 'producer-client').of(producer);
      for (const sub of chosen) {
        const key = `backfill:${producerId}:${sub.remoteContentType}`;
        let after = Number((await store().get({ key })) ?? 0);
        for (;;) {
          const page = await client.listDocuments(sub.remoteContentType, after, cfg.pageSize);
          await runInBatches(
            page.documents,
            {
              transaction: <X>(fn: () => Promise<X>) => strapi.db.transaction(() => fn()) as unknown as Promise<X>,
              // The page carries each document's data: applied in the batch's transaction unless it
              // needs the network (missing dependencies, files).
              batched: async (doc) => {
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
