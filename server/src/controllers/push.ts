import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Readable } from 'node:stream';
import { errors } from '@strapi/utils';
import { InputError } from '../engine/errors';
import { checkPushRequest } from '../protocol/push';
import { decodeVia } from '../protocol/via';
import { SITE_HEADER } from '../protocol/wire';
import { getService } from '../utils';
import { connectPushSchema } from '../shared/validation/push';
import { body, idParam, notFound } from './helpers';
import { tokenId } from './stream';

const FILE_ID_RE = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * PUSH MODE (README "Push mode"). Content API of the CONSUMER: a push-mode producer sends its
 * pages (`receive`) and the files it was asked for (`receiveFile`), with the push token this site
 * minted for it. Admin API of the PRODUCER: connect a consumer that cannot call this site
 * (`connect`), push to it now (`pushNow`). Errors are mapped once, in controllers/index.ts.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(ctx: Context) {
    const id = tokenId(ctx);
    const req = checkPushRequest((ctx.request as { body?: unknown }).body);
    const claimed = ctx.get(SITE_HEADER);
    if (claimed && claimed !== req.siteId)
      throw Object.assign(new errors.PolicyError('The site header and the body name different sites'), { name: 'ForbiddenError' });
    ctx.body = await getService(strapi, 'push-receiver').receive(id, req);
  },

  async receiveFile(ctx: Context) {
    const id = tokenId(ctx);
    const fileId = String(ctx.params.fileId ?? '');
    if (!FILE_ID_RE.test(fileId)) throw new InputError('fileId must be a file id');
    decodeVia(ctx.query.via); // checked like a pull's file fetch (the producer's word is not used otherwise)
    const siteId = ctx.get(SITE_HEADER);
    if (!siteId) throw new InputError(`The ${SITE_HEADER} header must name the producer site`);
    ctx.body = await getService(strapi, 'push-receiver').receiveFile(id, siteId, fileId, ctx.req as Readable);
  },

  async connect(ctx: Context) {
    // The schema of the admin's "Connect a push consumer" form: the same rules and messages.
    const { consumerUrl, token } = body<{ consumerUrl: string; token: string }>(ctx, connectPushSchema);
    ctx.status = 201;
    ctx.body = { data: await getService(strapi, 'pusher').connect(consumerUrl, token) };
  },

  async pushNow(ctx: Context) {
    const id = idParam(ctx);
    const c = await getService(strapi, 'consumer-store').get(id);
    if (!c) throw notFound('Event Consumer');
    if (c.mode !== 'push') throw new InputError('This Event Consumer pulls; only a push-mode consumer is pushed to');
    ctx.body = { data: await getService(strapi, 'pusher').push(id) };
  },
});
