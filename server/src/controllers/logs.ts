import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { FindSyncLog, FindSyncLogs, FindUpdateLogs, ResyncFailed, ResyncSyncLog, SyncStatus, UpdateType } from '../shared/contracts';
import { resyncFailedSchema, syncLogsQuerySchema, updateLogsQuerySchema } from '../shared/validation';
import { getService } from '../utils';
import { body, idParam, notFound, optional, paging, query } from './helpers';

/** Update Log (producer side) and Sync Log (consumer side). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async updateLogs(ctx: Context) {
    const q = query<FindUpdateLogs.Request['query']>(ctx, updateLogsQuerySchema);
    const { page, pageSize } = paging(q);
    const res: FindUpdateLogs.Response = await getService(strapi, 'update-log').list(
      {
        contentType: optional(q.contentType),
        updateType: optional(q.updateType) as UpdateType | undefined,
        documentId: optional(q.documentId),
      },
      page,
      pageSize
    );
    ctx.body = res;
  },
  async syncLogs(ctx: Context) {
    const q = query<FindSyncLogs.Request['query']>(ctx, syncLogsQuerySchema);
    const { page, pageSize } = paging(q);
    const producerId = optional(q.producerId);
    const res: FindSyncLogs.Response = await getService(strapi, 'sync-log').list(
      {
        status: optional(q.status) as SyncStatus | undefined,
        contentType: optional(q.contentType),
        producerId: producerId ? Number(producerId) : undefined,
      },
      page,
      pageSize
    );
    ctx.body = res;
  },
  async syncLog(ctx: Context) {
    const entry = await getService(strapi, 'sync-log').get(idParam(ctx));
    if (!entry) throw notFound('Sync log entry');
    const res: FindSyncLog.Response = { data: entry };
    ctx.body = res;
  },
  async resync(ctx: Context) {
    const entry = await getService(strapi, 'resync').resync(idParam(ctx));
    if (!entry) throw notFound('Sync log entry');
    const res: ResyncSyncLog.Response = { data: entry };
    ctx.body = res;
  },
  async resyncFailed(ctx: Context) {
    const { producerId } = body<ResyncFailed.Request['body']>(ctx, resyncFailedSchema);
    const res: ResyncFailed.Response = { data: await getService(strapi, 'resync').resyncFailed(producerId) };
    ctx.body = res;
  },
});
