import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { MappingSchemaCheck, ProducerSchemaCheck } from '../shared/contracts';
import { getService } from '../utils';
import { idParam, notFound } from './helpers';

/** Schema check before streaming (issue 16, point 8), consumer side. Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const checks = () => getService(strapi, 'schema-check');
  return {
    /** GET /producers/:id/schema-check */
    async producer(ctx: Context) {
      const data = await checks().forProducer(idParam(ctx));
      if (!data) throw notFound('Event Producer');
      const res: ProducerSchemaCheck.Response = { data };
      ctx.body = res;
    },
    /** GET /mappings/:id/schema-check */
    async mapping(ctx: Context) {
      const data = await checks().forMapping(idParam(ctx));
      if (!data) throw notFound('Document Type Mapping');
      const res: MappingSchemaCheck.Response = { data };
      ctx.body = res;
    },
  };
};
