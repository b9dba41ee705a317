import { errors } from '@strapi/utils';
import type { Context } from 'koa';

/** A positive integer route parameter, or a 400. */
export function idParam(ctx: Context, name = 'id'): number {
  const raw = (ctx.params as Record<string, string>)[name];
  if (!/^\d{1,9}$/.test(raw ?? '') || Number(raw) < 1) throw new errors.ValidationError(`${name} must be a positive integer`);
  return Number(raw);
}

/** page / pageSize from the query string (1-based, pageSize at most 100). */
export function paging(ctx: Context): { page: number; pageSize: number } {
  const q = ctx.query as Record<string, unknown>;
  const num = (v: unknown, name: string, fallback: number, max: number) => {
    if (v === undefined || v === '') return fallback;
    if (typeof v !== 'string' || !/^\d{1,6}$/.test(v) || Number(v) < 1)
      throw new errors.ValidationError(`${name} must be a positive integer`);
    return Math.min(Number(v), max);
  };
  return { page: num(q.page, 'page', 1, 1_000_000), pageSize: num(q.pageSize, 'pageSize', 25, 100) };
}

/** An optional string filter from the query string (one value, bounded). */
export function filter(ctx: Context, name: string, allowed?: readonly string[]): string | undefined {
  const v = (ctx.query as Record<string, unknown>)[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 200) throw new errors.ValidationError(`${name} must be a single value`);
  if (allowed && !allowed.includes(v)) throw new errors.ValidationError(`${name} must be one of ${allowed.join(', ')}`);
  return v;
}

export const notFound = (what: string) => new errors.NotFoundError(`${what} not found`);
