import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { CreateMapping, DeleteMapping, FindMapping, FindMappings, UpdateMapping } from '../shared/contracts';
import { mappingSchema } from '../shared/validation';
import { getService } from '../utils';
import { body, idParam, notFound } from './helpers';

/** Document Type Mappings (consumer side). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const mappings = () => getService(strapi, 'mappings');
  /** A name already in use is reported first, as the editor expects, whatever else the body lacks. */
  const nameFirst = async (ctx: Context, selfId: number | null) => {
    const name = (ctx.request.body as { mappingName?: unknown } | undefined)?.mappingName;
    if (typeof name === 'string' && name.length <= 100) await mappings().assertNameFree(name, selfId);
  };
  return {
    async find(ctx: Context) {
      const res: FindMappings.Response = { data: await mappings().list() };
      ctx.body = res;
    },
    async findOne(ctx: Context) {
      const m = await mappings().get(idParam(ctx));
      if (!m) throw notFound('Document Type Mapping');
      const res: FindMapping.Response = { data: m };
      ctx.body = res;
    },
    async create(ctx: Context) {
      await nameFirst(ctx, null);
      const input = body<CreateMapping.Request['body']>(ctx, mappingSchema);
      const res: CreateMapping.Response = { data: await mappings().create(input) };
      ctx.status = 201;
      ctx.body = res;
    },
    async update(ctx: Context) {
      const id = idParam(ctx);
      await nameFirst(ctx, id);
      const input = body<UpdateMapping.Request['body']>(ctx, mappingSchema);
      const m = await mappings().update(id, input);
      if (!m) throw notFound('Document Type Mapping');
      const res: UpdateMapping.Response = { data: m };
      ctx.body = res;
    },
    async delete(ctx: Context) {
      const id = idParam(ctx);
      if (!(await mappings().remove(id))) throw notFound('Document Type Mapping');
      const res: DeleteMapping.Response = { data: { id, deleted: true } };
      ctx.body = res;
    },
  };
};
