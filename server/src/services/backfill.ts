import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { ListDocumentsResponse } from '../contracts';
import { errorMessage, InputError } from '../streaming/errors';
import { getService } from '../utils';

/**
 * Back-fill: copy the documents that already exist on the producer, page by page, through the
 * same apply path as events (reconcile = fetch current state + upsert). Resumable: the position
 * per (producer, type) is kept in the plugin store and cleared when the type is complete.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  return {
    async run(producerId: number, contentType?: unknown) {
      const producer = await getService(strapi, 'producers').row(producerId);
      if (!producer) return null;
      const subs = (producer.subscriptions ?? []).filter((s) => s.status === 'Approved' && !s.unsubscribed);
      if (contentType !== undefined && typeof contentType !== 'string') throw new InputError('contentType must be a content type UID');
      const chosen = contentType ? subs.filter((s) => s.remoteContentType === contentType || s.contentType === contentType) : subs;
      if (contentType && !chosen.length) throw new InputError(`${String(contentType)} is not an approved subscription of this producer`);
      const applier = getService(strapi, 'applier');
      const settings = getService(strapi, 'settings');
      let copied = 0;
      const failures: string[] = [];
      for (const sub of chosen) {
        const key = `backfill:${producerId}:${sub.remoteContentType}`;
        let after = Number((await store().get({ key })) ?? 0);
        for (;;) {
          const page = await getService(strapi, 'http').call<ListDocumentsResponse>({
            method: 'GET',
            baseUrl: producer.producerUrl,
            path: `/api/${PLUGIN_ID}/documents/${encodeURIComponent(sub.remoteContentType)}`,
            token: settings.decrypt(producer.apiToken),
            params: { after, limit: settings.config().pageSize },
          });
          for (const doc of page.documents) {
            try {
              const { event, prepared } = await applier.reconcile(producer, sub.remoteContentType, doc.documentId, doc.locale);
              await strapi.db.transaction(() => applier.apply(producer, event, prepared));
              copied += 1;
            } catch (error) {
              failures.push(`${sub.remoteContentType} ${doc.documentId}: ${errorMessage(error)}`);
            }
          }
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
