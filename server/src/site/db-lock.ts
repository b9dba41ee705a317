import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';

/** A held database lock: `unlock` frees it; `sessionId` names the holder for `isSessionAlive`. */
export interface DbLock {
  unlock(): Promise<void>;
  /** `pg:<backend pid>` (PostgreSQL), `local:<process token>` (SQLite and databases without a session lock here). */
  sessionId: string;
}

/** The raw PostgreSQL connection knex's pool hands out (node-postgres Client). */
interface PgConnection {
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** This process: a lock taken in-process names it, so a successor process can tell it is gone. */
const PROCESS_TOKEN = crypto.randomUUID();
/** In-process locks ("namespace:key"), per Strapi instance. */
const held = new WeakMap<Core.Strapi, Set<string>>();

const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';

/**
 * PostgreSQL: a session-level advisory lock (pg_try_advisory_lock(int4, int4)) on a connection of
 * its own, taken from knex's pool for as long as the lock is held (one connection per held lock)
 * and returned when it is freed. The lock dies with the connection, so a killed process never
 * holds it on, and whoever holds it is the only live holder across every instance.
 */
async function pgLock(strapi: Core.Strapi, namespace: number, key: number): Promise<DbLock | null> {
  const client = strapi.db.connection.client as unknown as KnexClient;
  const conn = await client.acquireConnection();
  let locked = false;
  let pid = 0;
  try {
    const { rows } = await conn.query('SELECT pg_try_advisory_lock($1, $2) AS ok, pg_backend_pid() AS pid', [namespace, key]);
    locked = rows[0]?.ok === true;
    pid = Number(rows[0]?.pid ?? 0);
  } finally {
    if (!locked) await client.releaseConnection(conn);
  }
  if (!locked) return null;
  const unlock = async () => {
    try {
      await conn.query('SELECT pg_advisory_unlock($1, $2)', [namespace, key]);
    } catch (error) {
      // Never hand a connection that may still hold the lock back to the pool: close it (the pool
      // discards it), which frees the lock.
      strapi.log.warn(`event-streaming: releasing advisory lock ${namespace}/${key} failed: ${errorMessage(error)}`);
      await conn.end().catch((e: unknown) => strapi.log.debug(`event-streaming: closing that connection failed too: ${errorMessage(e)}`));
    } finally {
      await client.releaseConnection(conn);
    }
  };
  return { unlock, sessionId: `pg:${pid}` };
}

/**
 * In-process lock: enough on SQLite, where one process owns the database file. On a database
 * without a session lock here (MySQL, until it has its own variant) it only orders this process;
 * across processes the caller's lease (which expires) is what keeps them apart.
 */
function localLock(strapi: Core.Strapi, namespace: number, key: number): DbLock | null {
  const name = `${namespace}:${key}`;
  let set = held.get(strapi);
  if (!set) held.set(strapi, (set = new Set()));
  if (set.has(name)) return null;
  set.add(name);
  let freed = false;
  return {
    sessionId: `local:${PROCESS_TOKEN}`,
    unlock: async () => {
      if (freed) return;
      freed = true;
      set.delete(name);
    },
  };
}

/**
 * Takes the exclusive lock (`namespace`, `key`) without waiting: the lock, or null when another
 * holder (another instance, or this process) has it. Dialect-neutral: PostgreSQL advisory lock,
 * an in-process lock elsewhere (see above). The caller must `unlock()` it (in a finally).
 */
export async function tryAdvisoryLock(strapi: Core.Strapi, namespace: number, key: number): Promise<DbLock | null> {
  return isPostgres(strapi) ? pgLock(strapi, namespace, key) : localLock(strapi, namespace, key);
}

/**
 * Whether the holder named by `sessionId` (a DbLock's) is still alive: a PostgreSQL backend still
 * connected; on SQLite, this very process (one process owns the file, so any other is gone). An
 * id this site cannot judge (another kind, or a local lock on a shared database) counts as alive:
 * the caller then waits for its lease to expire.
 */
export async function isSessionAlive(strapi: Core.Strapi, sessionId: string): Promise<boolean> {
  const pid = /^pg:(\d+)$/.exec(sessionId)?.[1];
  if (pid && isPostgres(strapi)) {
    const res = await strapi.db.connection.raw('SELECT 1 FROM pg_stat_activity WHERE pid = ?', [Number(pid)]);
    return ((res as { rows?: unknown[] }).rows ?? []).length > 0;
  }
  if (sessionId.startsWith('local:') && strapi.db.dialect.client === 'sqlite') return sessionId === `local:${PROCESS_TOKEN}`;
  return true;
}
