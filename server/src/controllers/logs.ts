import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { httpErrors } from '../errors';
import { getService } from '../utils';
import { filter, idParam, notFound, paging } from './helpers';

/** Update Log (producer side) and Sync Log (consumer side). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async updateLogs(ctx: Context) {
    const { page, pageSize } = paging(ctx);
    ctx.body = await getService(strapi, 'update-log').list(
      {
        contentType: filter(ctx, 'contentType'),
        updateType: filter(ctx, 'updateType', ['Create', 'Update', 'Delete']),
        documentId: filter(ctx, 'documentId'),
      },
      page,
      pageSize
    );
  },
  async syncLogs(ctx: Context) {
    const { page, pageSize } = paging(ctx);
    const producer = filter(ctx, 'producerId');
    if (producer !== undefined && !/^\d{1,9}$/.test(producer)) throw new errors.ValidationError('producerId must be a positive integer');
    ctx.body = await getService(strapi, 'sync-log').list(
      {
        status: filter(ctx, 'status', ['Synced', 'Failed', 'Blocked']),
        contentType: filter(ctx, 'contentType'),
        producerId: producer ? Number(producer) : undefined,
      },
      page,
      pageSize
    );
  },
  async syncLog(ctx: Context) {
    const entry = await getService(strapi, 'sync-log').get(idParam(ctx));
    if (!entry) throw notFound('Sync log entry');
    ctx.body = { data: entry };
  },
  async resync(ctx: Context) {
    const entry = await httpErrors(() => getService(strapi, 'sync-log').resync(idParam(ctx)));
    if (!entry) throw notFound('Sync log entry');
    ctx.body = { data: entry };
  },
  async resyncFailed(ctx: Context) {
    const body = (ctx.request.body ?? {}) as { producerId?: unknown };
    if (body.producerId !== undefined && (!Number.isInteger(body.producerId) || (body.producerId as number) < 1)) {
      throw new errors.ValidationError('producerId must be a positive integer');
    }
    ctx.body = { data: await getService(strapi, 'sync-log').resyncFailed(body.producerId as number | undefined) };
  },
});
