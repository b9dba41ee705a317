import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import type { DocumentOrigin } from '../shared/contracts';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import { getService, repo } from '../utils';
import { filter } from './helpers';

/** Site identity, streamable content types, and a document's stream origin (side panel). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async site(ctx: Context) {
    const settings = getService(strapi, 'settings');
    ctx.body = { data: { siteId: settings.siteId(), siteName: settings.siteName(), publicUrl: settings.publicUrl() } };
  },
  async contentTypes(ctx: Context) {
    ctx.body = { data: getService(strapi, 'schema').list() };
  },
  async origin(ctx: Context) {
    const contentType = filter(ctx, 'contentType');
    const documentId = filter(ctx, 'documentId');
    if (!contentType || !documentId) throw new errors.ValidationError('contentType and documentId are required');
    const consumers = await repo(strapi, UID.consumer).findMany({});
    const data: DocumentOrigin = {
      references: await getService(strapi, 'references').listForLocal(contentType, documentId),
      consumers: consumers
        .filter((c) => streamableTypes((c.subscriptions ?? []) as ServedSubscription[]).includes(contentType))
        .map((c) => ({ id: c.id, consumerName: c.consumerName, consumerSiteId: c.consumerSiteId, ackSeq: Number(c.ackSeq ?? 0) })),
    };
    ctx.body = { data };
  },
});
