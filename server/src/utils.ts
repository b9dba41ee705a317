import type { Core, UID } from '@strapi/strapi';
import { PLUGIN_ID } from './constants';
import type services from './services';

export type Services = { [K in keyof typeof services]: ReturnType<(typeof services)[K]> };

/** The plugin's services, typed. */
export const getService = <K extends keyof Services>(strapi: Core.Strapi, name: K): Services[K] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[K];

/** Strapi's Query Engine repository (`strapi.db.query(uid)`); its rows are typed `any`. */
type Repository = ReturnType<Core.Strapi['db']['query']>;
type ParamsOf<M extends keyof Repository> = NonNullable<Parameters<Repository[M]>[0]>;

/**
 * The Query Engine repository with its rows typed as `Row`. Strapi types rows `any`; the default
 * keeps that for callers that have not declared their row type yet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Repo<Row = Record<string, any>> {
  findOne(params: ParamsOf<'findOne'>): Promise<Row | null>;
  findMany(params?: ParamsOf<'findMany'>): Promise<Row[]>;
  findPage(
    params: ParamsOf<'findPage'>
  ): Promise<{ results: Row[]; pagination: { page: number; pageSize: number; pageCount: number; total: number } }>;
  create(params: ParamsOf<'create'>): Promise<Row>;
  createMany(params: ParamsOf<'createMany'>): Promise<{ count: number; ids: Array<number | string> }>;
  update(params: ParamsOf<'update'>): Promise<Row | null>;
  updateMany(params: ParamsOf<'updateMany'>): Promise<{ count: number }>;
  delete(params: ParamsOf<'delete'>): Promise<Row | null>;
  deleteMany(params?: ParamsOf<'deleteMany'>): Promise<{ count: number }>;
  count(params?: ParamsOf<'count'>): Promise<number>;
}

/**
 * The Query Engine repository of model `uid`. Inside `strapi.db.transaction` it runs on that
 * transaction (Strapi's transaction context).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const repo = <Row = Record<string, any>>(strapi: Core.Strapi, uid: string): Repo<Row> => strapi.db.query(uid);

const CONTENT_TYPE_UID = /^(admin|strapi|api|plugin)::[^.]+\..+$/;

/** Whether `uid` has the shape of a content-type UID (`api::x.x`, `plugin::p.x`, ...), as Strapi's `UID.ContentType` types it. */
export const isContentTypeUid = (uid: string): uid is UID.ContentType => CONTENT_TYPE_UID.test(uid);

/** `uid` as a content-type UID for Strapi's APIs (`strapi.documents`, `strapi.contentType`); throws on anything else. */
export function contentTypeUid(uid: string): UID.ContentType {
  if (!isContentTypeUid(uid)) throw new Error(`Not a content-type UID: ${uid}`);
  return uid;
}

/** Real table and column names of a model (Strapi snake-cases attribute names). */
export function tableOf(strapi: Core.Strapi, uid: string): { table: string; col: (attr: string) => string } {
  const meta = strapi.db.metadata.get(uid);
  return {
    table: meta.tableName,
    col: (attr) => {
      const a = meta.attributes[attr];
      return a && 'columnName' in a && typeof a.columnName === 'string' ? a.columnName : attr;
    },
  };
}

/** Most ids in one `$in` (SQLite's bound-parameter limit is far above; PostgreSQL plans stay small). */
export const IN_CHUNK = 500;

/** `list` in slices of at most `size` (one `$in` query or multi-row insert each). */
export const chunks = <T>(list: T[], size = IN_CHUNK): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
