/**
 * The one error boundary of the controllers (controllers/index.ts withHttpErrors) and the server
 * side of the schemas (errors.ts validateInput): what Strapi's error middleware will receive.
 * No Strapi is booted: a controller factory and a context are stubbed.
 */
import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import controllers, { withHttpErrors } from '../../server/src/controllers';
import { ConflictError, RemoteSiteError, toHttpError, validateInput } from '../../server/src/errors';
import { InputError, RemoteError } from '../../server/src/engine/errors';
import { setConsumerSubscriptionsSchema } from '../../server/src/shared/validation';

const strapi = {} as Core.Strapi;

interface StubContext {
  status?: number;
  body?: unknown;
  conflicts: Array<{ message: string; details?: object }>;
}

/** A context with Strapi's `ctx.conflict` helper (it writes the error envelope with status 409). */
const stubContext = () => {
  const state: StubContext = { conflicts: [] };
  const ctx = {
    conflict(message: string, details?: object) {
      state.conflicts.push({ message, details });
      state.status = 409;
    },
  } as unknown as Context;
  return { ctx, state };
};

type Action = (ctx: Context, next: Next) => Promise<void>;

const controllerThrowing = (error: unknown) =>
  withHttpErrors((): Record<'action' | 'fine', Action> => ({
    async action() {
      throw error;
    },
    async fine(ctx: Context) {
      ctx.body = { data: 1 };
    },
  }))({ strapi });

describe('withHttpErrors: every action, one boundary', () => {
  test('an action that succeeds is untouched', async () => {
    const { ctx } = stubContext();
    await controllerThrowing(null).fine(ctx, async () => undefined);
    expect(ctx.body).toEqual({ data: 1 });
  });

  test('InputError -> errors.ValidationError (400) with its message and details', async () => {
    const { ctx } = stubContext();
    const p = controllerThrowing(new InputError('producerUrl cannot change', { field: 'producerUrl' })).action(ctx, async () => undefined);
    await expect(p).rejects.toBeInstanceOf(errors.ValidationError);
    await expect(p).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'producerUrl cannot change',
      details: { field: 'producerUrl' },
    });
  });

  test('RemoteError -> RemoteSiteError, an ApplicationError Strapi renders as 400', async () => {
    const { ctx } = stubContext();
    const p = controllerThrowing(new RemoteError('Could not reach http://x', 0, 'ECONNREFUSED')).action(ctx, async () => undefined);
    await expect(p).rejects.toBeInstanceOf(RemoteSiteError);
    await expect(p).rejects.toBeInstanceOf(errors.ApplicationError);
    await expect(p).rejects.toMatchObject({ name: 'RemoteSiteError', message: 'Could not reach http://x' });
  });

  test('ConflictError -> Strapi’s ctx.conflict (409), nothing thrown', async () => {
    const { ctx, state } = stubContext();
    await controllerThrowing(new ConflictError('A mapping named "m" already exists')).action(ctx, async () => undefined);
    expect(state).toMatchObject({ status: 409, conflicts: [{ message: 'A mapping named "m" already exists', details: {} }] });
  });

  test('Strapi’s own errors pass through unchanged; a bug stays a bug (500)', async () => {
    const { ctx } = stubContext();
    const notFound = new errors.NotFoundError('Event Producer not found');
    await expect(controllerThrowing(notFound).action(ctx, async () => undefined)).rejects.toBe(notFound);
    const bug = new TypeError('x is undefined');
    await expect(controllerThrowing(bug).action(ctx, async () => undefined)).rejects.toBe(bug);
  });

  test('the plugin’s controllers are all wrapped (every action of every controller)', async () => {
    expect(Object.keys(controllers).sort()).toEqual([
      'consumers',
      'logs',
      'mappings',
      'meta',
      'monitor',
      'producers',
      'push',
      'review',
      'schema-check',
      'stream',
    ]);
    for (const factory of Object.values(controllers)) {
      const actions: Record<string, unknown> = factory({ strapi });
      expect(Object.values(actions).every((a) => typeof a === 'function')).toBe(true);
    }
  });
});

describe('validateInput', () => {
  test('returns the value when it passes', () => {
    const body = { subscriptions: [{ contentType: 'api::a.a', status: 'Approved' }] };
    expect(validateInput(setConsumerSubscriptionsSchema, body)).toBe(body);
  });

  test('a failure is errors.ValidationError naming each field', () => {
    let caught: unknown;
    try {
      validateInput(setConsumerSubscriptionsSchema, { subscriptions: [{ contentType: 5, status: 'Maybe' }], x: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(errors.ValidationError);
    const e = caught as InstanceType<typeof errors.ValidationError>;
    // Field failures come in the schema's field order; the object's own (unknown keys) last.
    expect(e.message).toBe(
      'subscriptions[0].contentType is required (a content type UID) (and 2 more: subscriptions[0].status must be one of Pending, Approved, Rejected; Unknown field(s): x)'
    );
    expect(e.details).toEqual({
      errors: [
        { path: ['subscriptions', '0', 'contentType'], message: 'subscriptions[0].contentType is required (a content type UID)' },
        { path: ['subscriptions', '0', 'status'], message: 'subscriptions[0].status must be one of Pending, Approved, Rejected' },
        { path: [], message: 'Unknown field(s): x' },
      ],
    });
  });

  test('the caller’s value is never echoed into details (a 1 MB string stays out of the answer)', () => {
    let caught: unknown;
    try {
      validateInput(setConsumerSubscriptionsSchema, { subscriptions: [{ contentType: 'x'.repeat(1024 * 1024), status: 'Approved' }] });
    } catch (error) {
      caught = error;
    }
    expect(JSON.stringify((caught as { details: unknown }).details).length).toBeLessThan(500);
  });

  test('toHttpError leaves anything else alone', () => {
    const e = new Error('boom');
    expect(toHttpError(e)).toBe(e);
    expect(toHttpError('text')).toBe('text');
  });
});
