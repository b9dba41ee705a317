import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { httpErrors } from '../errors';
import { getService } from '../utils';
import { idParam, notFound } from './helpers';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const mappings = () => getService(strapi, 'mappings');
  return {
    async find(ctx: Context) {
      ctx.body = { data: await mappings().list() };
    },
    async findOne(ctx: Context) {
      const m = await mappings().get(idParam(ctx));
      if (!m) throw notFound('Document Type Mapping');
      ctx.body = { data: m };
    },
    async create(ctx: Context) {
      ctx.status = 201;
      ctx.body = { data: await httpErrors(() => mappings().create(ctx.request.body)) };
    },
    async update(ctx: Context) {
      const m = await httpErrors(() => mappings().update(idParam(ctx), ctx.request.body));
      if (!m) throw notFound('Document Type Mapping');
      ctx.body = { data: m };
    },
    async delete(ctx: Context) {
      if (!(await httpErrors(() => mappings().remove(idParam(ctx))))) throw notFound('Document Type Mapping');
      ctx.body = { data: { id: idParam(ctx), deleted: true } };
    },
  };
};
