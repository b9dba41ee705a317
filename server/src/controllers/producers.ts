import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type {
  BackfillProducer,
  CreateProducer,
  DeleteProducer,
  FindProducer,
  FindBackfills,
  FindProducers,
  PullProducer,
  UpdateProducer,
} from '../shared/contracts';
import { backfillSchema, createProducerSchema, deleteProducerQuerySchema, updateProducerSchema } from '../shared/validation';
import { getService } from '../utils';
import { body, idParam, notFound, query } from './helpers';

/** Event Producers (consumer side). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const producers = () => getService(strapi, 'producer-registry');
  return {
    async find(ctx: Context) {
      const res: FindProducers.Response = { data: await producers().list() };
      ctx.body = res;
    },
    async findOne(ctx: Context) {
      const p = await producers().get(idParam(ctx));
      if (!p) throw notFound('Event Producer');
      const res: FindProducer.Response = { data: p };
      ctx.body = res;
    },
    async create(ctx: Context) {
      const input = body<CreateProducer.Request['body']>(ctx, createProducerSchema);
      // The creating admin is the Event Subscriber unless the body names one.
      const creator = (ctx.state as { user?: { id?: number } }).user?.id ?? null;
      const res: CreateProducer.Response = { data: await producers().create(input, creator) };
      ctx.status = 201;
      ctx.body = res;
    },
    async update(ctx: Context) {
      const id = idParam(ctx);
      const input = body<UpdateProducer.Request['body']>(ctx, updateProducerSchema);
      const p = await producers().update(id, input);
      if (!p) throw notFound('Event Producer');
      const res: UpdateProducer.Response = { data: p };
      ctx.body = res;
    },
    async delete(ctx: Context) {
      const id = idParam(ctx);
      const { force } = query<DeleteProducer.Request['query']>(ctx, deleteProducerQuerySchema);
      if (!(await producers().remove(id, force === 'true'))) throw notFound('Event Producer');
      const res: DeleteProducer.Response = { data: { id, deleted: true } };
      ctx.body = res;
    },
    async pull(ctx: Context) {
      const id = idParam(ctx);
      if (!(await producers().get(id))) throw notFound('Event Producer');
      const result = await getService(strapi, 'puller').pull(id);
      const res: PullProducer.Response = { data: result ?? { pulled: 0, applied: 0, failed: 0, busy: true } };
      ctx.body = res;
    },
    async backfills(ctx: Context) {
      const producer = await getService(strapi, 'producer-store').get(idParam(ctx));
      if (!producer) throw notFound('Event Producer');
      const res: FindBackfills.Response = { data: await getService(strapi, 'backfill').progress(producer) };
      ctx.body = res;
    },
    async backfill(ctx: Context) {
      const id = idParam(ctx);
      const { contentType } = body<BackfillProducer.Request['body']>(ctx, backfillSchema);
      if (!(await producers().get(id))) throw notFound('Event Producer');
      // As the producer's one writer: waits for a running pull, 409 when it lasts too long.
      const result = await getService(strapi, 'exclusion').withProducer(id, 'a back-fill', () =>
        getService(strapi, 'backfill').run(id, contentType)
      );
      if (!result) throw notFound('Event Producer');
      const res: BackfillProducer.Response = { data: result };
      ctx.body = res;
    },
  };
};
