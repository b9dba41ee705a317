import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { ConflictError, toHttpError } from '../errors';
import producers from './producers';
import consumers from './consumers';
import logs from './logs';
import mappings from './mappings';
import meta from './meta';
import monitor from './monitor';
import stream from './stream';
import schemaCheck from './schema-check';
import push from './push';
import review from './review';

type Action = (ctx: Context, next: Next) => unknown;
type ControllerFactory = (deps: { strapi: Core.Strapi }) => Record<string, Action>;

/** Strapi's response helper for 409 (@strapi/core services/server/koa.js adds one per 4xx/5xx status). */
type WithConflict = Context & { conflict(message: string, details?: object): void };

/**
 * The one error boundary of every controller action: the engine's errors (InputError,
 * RemoteError, a failed schema) become Strapi's error classes, which Strapi's error middleware
 * renders as 4xx in its envelope; a ConflictError is rendered as 409 by Strapi's `ctx.conflict`.
 * Nothing else is caught: a real bug still reaches the middleware as a 500.
 */
export const withHttpErrors =
  <F extends ControllerFactory>(factory: F) =>
  (deps: { strapi: Core.Strapi }): ReturnType<F> => {
    const actions = factory(deps);
    const wrapped: Record<string, Action> = {};
    for (const [name, action] of Object.entries(actions)) {
      wrapped[name] = async (ctx: Context, next: Next) => {
        try {
          return await action(ctx, next);
        } catch (error) {
          const mapped = toHttpError(error);
          if (mapped instanceof ConflictError) return (ctx as WithConflict).conflict(mapped.message, mapped.details);
          throw mapped;
        }
      };
    }
    return wrapped as ReturnType<F>;
  };

export default {
  producers: withHttpErrors(producers),
  consumers: withHttpErrors(consumers),
  logs: withHttpErrors(logs),
  mappings: withHttpErrors(mappings),
  meta: withHttpErrors(meta),
  monitor: withHttpErrors(monitor),
  stream: withHttpErrors(stream),
  'schema-check': withHttpErrors(schemaCheck),
  push: withHttpErrors(push),
  review: withHttpErrors(review),
};
