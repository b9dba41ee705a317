import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { GetHealth, GetSeries } from '../shared/contracts';
import { healthQuerySchema, seriesParamsSchema, seriesQuerySchema } from '../shared/validation';
import { validateInput } from '../errors';
import { ROUTES } from '../protocol/wire';
import { formatPrometheus, healthFamilies, PROMETHEUS_CONTENT_TYPE } from '../site/prometheus';
import { getService } from '../utils';
import { query } from './helpers';
import { tokenId } from './stream';

/**
 * Monitoring. `health` is a content-API action (`plugin::event-streaming.monitor.health`): an API
 * token that lists it (or a full-access one) reads it, nothing else does. `series` is the admin
 * charts' route. Errors are mapped once, in controllers/index.ts.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET ROUTES.health (JSON, or `?format=prometheus`) and GET ROUTES.metrics (Prometheus), below API_PREFIX (protocol/wire.ts). */
  async health(ctx: Context) {
    tokenId(ctx); // API tokens only (not a users-permissions login)
    const q = query<GetHealth.Request['query']>(ctx, healthQuerySchema);
    const report: GetHealth.Response = await getService(strapi, 'metrics').health();
    const prometheus = q.format ? q.format === 'prometheus' : ctx.path.endsWith(ROUTES.metrics);
    if (prometheus) {
      ctx.type = PROMETHEUS_CONTENT_TYPE;
      ctx.body = formatPrometheus(healthFamilies(report));
      return;
    }
    ctx.body = report;
  },

  /** GET /metrics/:peer/:id?hours= (admin): per-minute events and lag of one stream. */
  async series(ctx: Context) {
    const { peer, id } = validateInput<GetSeries.Request['params']>(seriesParamsSchema, ctx.params);
    const q = query<GetSeries.Request['query']>(ctx, seriesQuerySchema);
    const res: GetSeries.Response = {
      data: await getService(strapi, 'metrics').series(peer, Number(id), q.hours ? Number(q.hours) : 24),
    };
    ctx.body = res;
  },
});
