import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';

/**
 * Session-level advisory locks that die with their holder's connection: the way a process tells
 * that another one sharing the database is alive (pull coordination, consumer/puller.ts).
 *
 * The lock is taken on a connection of its own, taken from knex's pool and kept out of it until
 * `unlock()` (one connection per held lock). `sessionId` names that connection's server session,
 * so that another process can later ask `isSessionAlive` whether the holder is gone (a killed
 * process's connection is closed by the server).
 * - PostgreSQL: `pg_try_advisory_lock(namespace, key)` (per database); the session is the
 *   backend pid, alive while it is in `pg_stat_activity`.
 * - MySQL / MariaDB: `GET_LOCK(name, 0)`. Lock names are server-wide, so the name carries a hash
 *   of the database's name (two sites on one server do not share locks); at most 64 characters.
 *   The session is `CONNECTION_ID()`, alive while it is in `information_schema.PROCESSLIST`
 *   (which shows a user without the PROCESS privilege only its own sessions: every instance of a
 *   site connects as the same user).
 * - SQLite has no such locks (one process owns the file): `supportsAdvisoryLocks` is false and
 *   `tryAdvisoryLock` throws.
 */

/** A raw driver connection (node-postgres Client / mysql2 Connection); used only through knex. */
type RawConnection = object;
interface KnexClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(connection: RawConnection): Promise<void>;
  destroyRawConnection(connection: RawConnection): Promise<void>;
}

export interface AdvisoryLock {
  unlock(): Promise<void>;
  sessionId: string;
}

type Dialect = 'postgres' | 'mysql';
const dialectOf = (strapi: Core.Strapi): Dialect | null => {
  const client = strapi.db.dialect.client;
  return client === 'postgres' || client === 'mysql' ? client : null;
};

export const supportsAdvisoryLocks = (strapi: Core.Strapi): boolean => dialectOf(strapi) !== null;

/** The lock name on MySQL: `es/<20 hex of SHA1(database)>/<namespace>/<key>`, evaluated by the server. */
const MYSQL_NAME = "CONCAT('es/', LEFT(SHA1(DATABASE()), 20), '/', ?, '/', ?)";

const STATEMENTS: Record<Dialect, { lock: string; unlock: string; alive: string }> = {
  postgres: {
    lock: 'SELECT pg_try_advisory_lock(?, ?) AS ok, pg_backend_pid() AS session',
    unlock: 'SELECT pg_advisory_unlock(?, ?) AS ok',
    alive: 'SELECT 1 AS alive FROM pg_stat_activity WHERE pid = ?',
  },
  mysql: {
    lock: `SELECT GET_LOCK(${MYSQL_NAME}, 0) AS ok, CONNECTION_ID() AS session`,
    unlock: `SELECT RELEASE_LOCK(${MYSQL_NAME}) AS ok`,
    alive: 'SELECT 1 AS alive FROM information_schema.PROCESSLIST WHERE ID = ?',
  },
};

/** The rows of a knex raw result: `{ rows }` from pg, `[rows, fields]` from mysql2. */
const rowsOf = (result: unknown): Array<Record<string, unknown>> => {
  if (Array.isArray(result)) return (Array.isArray(result[0]) ? result[0] : []) as Array<Record<string, unknown>>;
  return ((result as { rows?: unknown[] } | null)?.rows ?? []) as Array<Record<string, unknown>>;
};

const isTrue = (v: unknown) => v === true || v === 1 || v === '1';

/**
 * Takes the session lock (namespace, key) without waiting. Null when another live session holds
 * it; otherwise the lock, held until `unlock()` (which also gives the connection back).
 */
export async function tryAdvisoryLock(strapi: Core.Strapi, namespace: number, key: number): Promise<AdvisoryLock | null> {
  const dialect = dialectOf(strapi);
  if (!dialect) throw new Error(`event-streaming: no advisory locks on ${strapi.db.dialect.client}`);
  const knex = strapi.db.connection;
  const client = knex.client as unknown as KnexClient;
  const sql = STATEMENTS[dialect];
  const conn = await client.acquireConnection();
  let row: Record<string, unknown> | undefined;
  try {
    row = rowsOf(await knex.raw(sql.lock, [namespace, key]).connection(conn))[0];
  } finally {
    if (!isTrue(row?.ok)) await client.releaseConnection(conn);
  }
  if (!isTrue(row?.ok)) return null;
  const unlock = async () => {
    try {
      await knex.raw(sql.unlock, [namespace, key]).connection(conn);
    } catch (error) {
      // Never hand a connection that may still hold the lock back to the pool: close it (the
      // pool discards it), which frees the lock.
      strapi.log.warn(`event-streaming: releasing advisory lock ${namespace}/${key} failed: ${errorMessage(error)}`);
      await client
        .destroyRawConnection(conn)
        .catch((e: unknown) => strapi.log.debug(`event-streaming: closing that connection failed too: ${errorMessage(e)}`));
    } finally {
      await client.releaseConnection(conn);
    }
  };
  return { unlock, sessionId: String(row?.session) };
}

/** Whether the database session `sessionId` (from `tryAdvisoryLock`) still exists. */
export async function isSessionAlive(strapi: Core.Strapi, sessionId: string): Promise<boolean> {
  const dialect = dialectOf(strapi);
  if (!dialect || !/^\d+$/.test(sessionId)) return false;
  return rowsOf(await strapi.db.connection.raw(STATEMENTS[dialect].alive, [Number(sessionId)])).length > 0;
}
