import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { AcceptAllReviews, DecideReview, FindReviews, HoldReason } from '../shared/contracts';
import { acceptAllSchema, reviewsQuerySchema } from '../shared/validation';
import { getService } from '../utils';
import { body, idParam, notFound, optional, paging, query } from './helpers';

/** The admin who decides, as the sync log names them. */
const who = (ctx: Context): string | null => {
  const u = ctx.state?.user as { firstname?: string; lastname?: string; email?: string } | undefined;
  if (!u) return null;
  return [u.firstname, u.lastname].filter(Boolean).join(' ') || u.email || null;
};

/** The review queue (issue 15, consumer/review.ts). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const q = query<FindReviews.Request['query']>(ctx, reviewsQuerySchema);
    const { page, pageSize } = paging(q);
    const producerId = optional(q.producerId);
    const res: FindReviews.Response = await getService(strapi, 'review').list(
      {
        contentType: optional(q.contentType),
        producerId: producerId ? Number(producerId) : undefined,
        reason: optional(q.reason) as HoldReason | undefined,
        documentId: optional(q.documentId),
      },
      page,
      pageSize
    );
    ctx.body = res;
  },
  async accept(ctx: Context) {
    const id = idParam(ctx);
    if (!(await getService(strapi, 'review-decisions').accept(id, who(ctx)))) throw notFound('Held change');
    const res: DecideReview.Response = { data: { id, status: 'Synced' } };
    ctx.body = res;
  },
  async reject(ctx: Context) {
    const id = idParam(ctx);
    if (!(await getService(strapi, 'review-decisions').reject(id, who(ctx)))) throw notFound('Held change');
    const res: DecideReview.Response = { data: { id, status: 'Rejected' } };
    ctx.body = res;
  },
  async acceptAll(ctx: Context) {
    const filters = body<AcceptAllReviews.Request['body']>(ctx, acceptAllSchema);
    const res: AcceptAllReviews.Response = { data: await getService(strapi, 'review-decisions').bulkAccept(filters, who(ctx)) };
    ctx.body = res;
  },
});
