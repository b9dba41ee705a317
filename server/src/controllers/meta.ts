import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { DocumentOrigin, GetContentTypes, GetDocumentOrigin, GetSite } from '../shared/contracts';
import { documentOriginQuerySchema } from '../shared/validation';
import { getService } from '../utils';
import { query } from './helpers';

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
    const data: DocumentOrigin = {
      references: await getService(strapi, 'references').listForLocal(contentType, documentId),
      consumers: (await getService(strapi, 'consumer-store').receiversOf(contentType)).map((c) => ({
        id: c.id,
        consumerName: c.consumerName,
        consumerSiteId: c.consumerSiteId,
        ackSeq: Number(c.ackSeq ?? 0),
      })),
      awaitingReview: await getService(strapi, 'review').countForDocument(contentType, documentId),
    };
    const res: GetDocumentOrigin.Response = { data };
    ctx.body = res;
  },
});
