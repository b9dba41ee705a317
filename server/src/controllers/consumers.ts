import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { httpErrors } from '../errors';
import { getService } from '../utils';
import { idParam, notFound } from './helpers';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const consumers = () => getService(strapi, 'consumer-registry');
  return {
    async find(ctx: Context) {
      ctx.body = { data: await consumers().list() };
    },
    async findOne(ctx: Context) {
      const c = await consumers().get(idParam(ctx));
      if (!c) throw notFound('Event Consumer');
      ctx.body = { data: c };
    },
    async setSubscriptions(ctx: Context) {
      const c = await httpErrors(() => consumers().setStatuses(idParam(ctx), ctx.request.body));
      if (!c) throw notFound('Event Consumer');
      ctx.body = { data: c };
    },
    async delete(ctx: Context) {
      if (!(await consumers().remove(idParam(ctx)))) throw notFound('Event Consumer');
      ctx.body = { data: { id: idParam(ctx), deleted: true } };
    },
  };
};
