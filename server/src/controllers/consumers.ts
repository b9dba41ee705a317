import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type {
  ApproveConsumerCallback,
  CountMatching,
  DeleteConsumer,
  FindConsumer,
  FindConsumers,
  SetConsumerSubscriptions,
} from '../shared/contracts';
import { countMatchingSchema, setConsumerSubscriptionsSchema } from '../shared/validation';
import { getService } from '../utils';
import { body, idParam, notFound } from './helpers';

/** Event Consumers (producer side). Errors are mapped once, in controllers/index.ts. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const consumers = () => getService(strapi, 'consumer-registry');
  return {
    async find(ctx: Context) {
      const res: FindConsumers.Response = { data: await consumers().list() };
      ctx.body = res;
    },
    async findOne(ctx: Context) {
      const c = await consumers().get(idParam(ctx));
      if (!c) throw notFound('Event Consumer');
      const res: FindConsumer.Response = { data: c };
      ctx.body = res;
    },
    async setSubscriptions(ctx: Context) {
      const id = idParam(ctx);
      const input = body<SetConsumerSubscriptions.Request['body']>(ctx, setConsumerSubscriptionsSchema);
      const c = await consumers().setStatuses(id, input);
      if (!c) throw notFound('Event Consumer');
      const res: SetConsumerSubscriptions.Response = { data: c };
      ctx.body = res;
    },
    async countMatching(ctx: Context) {
      const input = body<CountMatching.Request['body']>(ctx, countMatchingSchema);
      const res: CountMatching.Response = { data: await consumers().countMatching(input.contentType, input.condition ?? null) };
      ctx.body = res;
    },
    async approveCallback(ctx: Context) {
      const c = await consumers().approveCallback(idParam(ctx));
      if (!c) throw notFound('Event Consumer');
      const res: ApproveConsumerCallback.Response = { data: c };
      ctx.body = res;
    },
    async delete(ctx: Context) {
      const id = idParam(ctx);
      if (!(await consumers().remove(id))) throw notFound('Event Consumer');
      const res: DeleteConsumer.Response = { data: { id, deleted: true } };
      ctx.body = res;
    },
  };
};
