import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';

/** One row (id 1) holding this database's site id; its primary key makes the first write win. */
export const SITE_ID_TABLE = 'event_streaming_site';

/** What resolving the site id needs (a small port, so a test can interleave two boots). */
export interface SiteIdPorts {
  /** The id kept in the plugin store by earlier versions (or null). */
  readStored(): Promise<string | null>;
  /** Inserts the row unless one exists (a unique key rejects the second insert; no error). */
  insertIfAbsent(siteId: string): Promise<void>;
  /** The row's id (after insertIfAbsent, always there). */
  read(): Promise<string | null>;
  /** Mirrors the id into the plugin store. */
  writeStored(siteId: string): Promise<void>;
}

/**
 * One site id per database, whatever the boot order: every instance proposes one (the stored one
 * of an earlier version, or a new UUID), an atomic insert keeps the first, and every instance then
 * reads that one. (A read-then-set lets two instances booting together on an empty database
 * each keep their own.)
 */
export async function resolveSiteId(ports: SiteIdPorts, newId: () => string = () => crypto.randomUUID()): Promise<string> {
  const stored = await ports.readStored();
  await ports.insertIfAbsent(stored ?? newId());
  const siteId = await ports.read();
  if (!siteId) throw new Error('event-streaming: the site id could not be stored');
  if (siteId !== stored) await ports.writeStored(siteId);
  return siteId;
}

/** The Strapi ports: a one-row table of its own (knex) and the plugin store. */
export function siteIdPorts(
  strapi: Core.Strapi,
  store: { get(p: { key: string }): Promise<unknown>; set(p: { key: string; value: unknown }): Promise<unknown> }
): SiteIdPorts {
  const knex = strapi.db.connection;
  const ensureTable = async () => {
    if (await knex.schema.hasTable(SITE_ID_TABLE)) return;
    try {
      await knex.schema.createTable(SITE_ID_TABLE, (table) => {
        table.integer('id').primary();
        table.string('site_id', 64).notNullable();
      });
    } catch (error) {
      if (!(await knex.schema.hasTable(SITE_ID_TABLE))) throw error; // else: another instance made it meanwhile
    }
  };
  return {
    readStored: async () => ((await store.get({ key: 'siteId' })) as string | null) ?? null,
    insertIfAbsent: async (siteId) => {
      await ensureTable();
      await knex(SITE_ID_TABLE).insert({ id: 1, site_id: siteId }).onConflict('id').ignore();
    },
    read: async () => ((await knex(SITE_ID_TABLE).where({ id: 1 }).first('site_id')) as { site_id?: string } | undefined)?.site_id ?? null,
    writeStored: async (siteId) => {
      await store.set({ key: 'siteId', value: siteId });
    },
  };
}
