import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { UID } from '../constants';
import type { DocumentOrigin, GetContentTypes, GetDocumentOrigin, GetSite, RemoteReference } from '../shared/contracts';
import { documentOriginQuerySchema } from '../shared/validation';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import { getService, repo } from '../utils';
import { query } from './helpers';

/** A remote-reference row as stored (its locale column is `docLocale`). */
type ReferenceRow = Omit<RemoteReference, 'locale' | 'producerId' | 'lastSyncedAt' | 'lastAppliedSeq'> & {
  docLocale?: string | null;
  producerId?: number | null;
  lastSyncedAt?: string | null;
  lastAppliedSeq?: number | string | null;
};

/** Site identity, streamable content types, and a document's stream origin (side panel). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async site(ctx: Context) {
    const settings = getService(strapi, 'settings');
    const res: GetSite.Response = { data: { siteId: settings.siteId(), siteName: settings.siteName(), publicUrl: settings.publicUrl() } };
    ctx.body = res;
  },
  async contentTypes(ctx: Context) {
    const res: GetContentTypes.Response = { data: getService(strapi, 'schema').list() };
    ctx.body = res;
  },
  async origin(ctx: Context) {
    const { contentType, documentId } = query<GetDocumentOrigin.Request['query']>(ctx, documentOriginQuerySchema);
    const refs = await repo<ReferenceRow>(strapi, UID.remoteReference).findMany({
      where: { localContentType: contentType, localDocumentId: documentId },
      orderBy: { lastSyncedAt: 'desc' },
    });
    const consumers = await repo(strapi, UID.consumer).findMany({});
    const data: DocumentOrigin = {
      references: refs.map((r): RemoteReference => ({
        localContentType: r.localContentType,
        localDocumentId: r.localDocumentId,
        locale: r.docLocale ?? null,
        producerId: r.producerId ?? null,
        producerUrl: r.producerUrl,
        producerSiteId: r.producerSiteId,
        remoteContentType: r.remoteContentType,
        remoteDocumentId: r.remoteDocumentId,
        lastSyncedAt: r.lastSyncedAt ?? null,
        lastAppliedSeq: Number(r.lastAppliedSeq ?? 0),
        deleted: Boolean(r.deleted),
      })),
      consumers: consumers
        .filter((c) => streamableTypes((c.subscriptions ?? []) as ServedSubscription[]).includes(contentType))
        .map((c) => ({ id: c.id, consumerName: c.consumerName, consumerSiteId: c.consumerSiteId, ackSeq: Number(c.ackSeq ?? 0) })),
    };
    const res: GetDocumentOrigin.Response = { data };
    ctx.body = res;
  },
});
