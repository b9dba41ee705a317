import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { validateInput } from '../errors';
import type { IdParams } from '../shared/contracts';
import { idParamsSchema, MAX_PAGE_SIZE } from '../shared/validation';

/** A positive integer `:id` route parameter, or a 400. */
export function idParam(ctx: Context): number {
  return Number(validateInput<IdParams>(idParamsSchema, ctx.params).id);
}

/** The request body checked against its shared schema (a missing body is `{}`). @throws errors.ValidationError */
export const body = <T>(ctx: Context, schema: Parameters<typeof validateInput>[0]): T =>
  validateInput<T>(schema, (ctx.request as { body?: unknown }).body ?? {});

/** The query string checked against its shared schema. @throws errors.ValidationError */
export const query = <T>(ctx: Context, schema: Parameters<typeof validateInput>[0]): T => validateInput<T>(schema, ctx.query);

/** page / pageSize of a checked query (1-based; pageSize defaults to 25, larger than 100 is served at 100). */
export function paging(q: { page?: string; pageSize?: string }): { page: number; pageSize: number } {
  return { page: q.page ? Number(q.page) : 1, pageSize: q.pageSize ? Math.min(Number(q.pageSize), MAX_PAGE_SIZE) : 25 };
}

/** An optional filter of a checked query: empty means absent. */
export const optional = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export const notFound = (what: string) => new errors.NotFoundError(`${what} not found`);
