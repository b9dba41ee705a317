import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { httpErrors } from '../errors';
import { getService } from '../utils';
import { idParam, notFound } from './helpers';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const producers = () => getService(strapi, 'producer-registry');
  return {
    async find(ctx: Context) {
      ctx.body = { data: await producers().list() };
    },
    async findOne(ctx: Context) {
      const p = await producers().get(idParam(ctx));
      if (!p) throw notFound('Event Producer');
      ctx.body = { data: p };
    },
    async create(ctx: Context) {
      ctx.status = 201;
      ctx.body = { data: await httpErrors(() => producers().create(ctx.request.body)) };
    },
    async update(ctx: Context) {
      const p = await httpErrors(() => producers().update(idParam(ctx), ctx.request.body));
      if (!p) throw notFound('Event Producer');
      ctx.body = { data: p };
    },
    async delete(ctx: Context) {
      const force = ctx.query.force === 'true';
      const done = await httpErrors(() => producers().remove(idParam(ctx), force));
      if (!done) throw notFound('Event Producer');
      ctx.body = { data: { id: idParam(ctx), deleted: true } };
    },
    async pull(ctx: Context) {
      const id = idParam(ctx);
      if (!(await producers().get(id))) throw notFound('Event Producer');
      const result = await httpErrors(() => getService(strapi, 'puller').pull(id));
      ctx.body = { data: result ?? { pulled: 0, applied: 0, failed: 0, busy: true } };
    },
    async backfill(ctx: Context) {
      const id = idParam(ctx);
      const body = (ctx.request.body ?? {}) as { contentType?: unknown };
      const result = await httpErrors(() => getService(strapi, 'backfill').run(id, body.contentType));
      if (!result) throw notFound('Event Producer');
      ctx.body = { data: result };
    },
  };
};
