import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './constants';
import type services from './services';

export type Services = { [K in keyof typeof services]: ReturnType<(typeof services)[K]> };

/** The plugin's services, typed. */
export const getService = <K extends keyof Services>(strapi: Core.Strapi, name: K): Services[K] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[K];

/** The subset of Strapi's Query Engine the plugin uses, typed loosely at this one boundary. */
export interface Repo<Row = Record<string, any>> {
  findOne(params: object): Promise<Row | null>;
  findMany(params?: object): Promise<Row[]>;
  findPage(params: object): Promise<{ results: Row[]; pagination: { page: number; pageSize: number; pageCount: number; total: number } }>;
  create(params: object): Promise<Row>;
  createMany(params: { data: object[] }): Promise<{ count: number; ids: number[] }>;
  update(params: object): Promise<Row | null>;
  updateMany(params: object): Promise<{ count: number }>;
  delete(params: object): Promise<Row | null>;
  deleteMany(params: object): Promise<{ count: number }>;
  count(params?: object): Promise<number>;
}

export const repo = <Row = Record<string, any>>(strapi: Core.Strapi, uid: string): Repo<Row> =>
  strapi.db.query(uid as never) as unknown as Repo<Row>;

/** Real table and column names of a model (Strapi snake-cases attribute names). */
export function tableOf(strapi: Core.Strapi, uid: string): { table: string; col: (attr: string) => string } {
  const meta = strapi.db.metadata.get(uid as never) as unknown as {
    tableName: string;
    attributes: Record<string, { columnName?: string }>;
  };
  return { table: meta.tableName, col: (attr) => meta.attributes[attr]?.columnName ?? attr };
}
