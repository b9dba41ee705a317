import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';

/**
 * Exclusive locks that die with their holder: the way a process tells that another one sharing
 * the database is alive (the producer's one writer, consumer/exclusion.ts; the unique-key upgrade).
 *
 * - PostgreSQL, MySQL/MariaDB: a session-level advisory lock on a connection of its own, taken
 *   from knex's pool and kept out of it until `unlock()` (one connection per held lock). The lock
 *   dies with the connection, so a killed process never holds it on. `sessionId` names that
 *   connection's server session, so another process can ask `isSessionAlive` whether the holder
 *   is gone (the server closes a killed process's connection).
 *   - PostgreSQL: `pg_try_advisory_lock(namespace, key)` (per database); the session is the
 *     backend pid, alive while it is in `pg_stat_activity`.
 *   - MySQL / MariaDB: `GET_LOCK(name, 0)`. Lock names are server-wide, so the name carries a
 *     hash of the database's name (two sites on one server do not share locks). The session is
 *     `CONNECTION_ID()`, alive while it is in `information_schema.PROCESSLIST` (which shows a user
 *     without the PROCESS privilege only its own sessions: every instance of a site connects as
 *     the same user).
 * - SQLite: one process owns the database file, so an in-process lock suffices.
 */

/** A held lock: `unlock` frees it; `sessionId` names the holder for `isSessionAlive`. */
export interface DbLock {
  unlock(): Promise<void>;
  /** `pg:<backend pid>`, `my:<connection id>`, or `local:<process token>` (SQLite). */
  sessionId: string;
}

/** A raw driver connection (node-postgres Client / mysql2 Connection); used only through knex. */
type RawConnection = object;
interface KnexClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(connection: RawConnection): Promise<void>;
  destroyRawConnection(connection: RawConnection): Promise<void>;
}

type Dialect = 'postgres' | 'mysql';
const dialectOf = (strapi: Core.Strapi): Dialect | null => {
  const client = strapi.db.dialect.client;
  return client === 'postgres' || client === 'mysql' ? client : null;
};

/** Whether locks hold across processes (a session lock); false on SQLite (one process owns the file). */
export const supportsAdvisoryLocks = (strapi: Core.Strapi): boolean => dialectOf(strapi) !== null;

/** The lock name on MySQL: `es/<20 hex of SHA1(database)>/<namespace>/<key>`, evaluated by the server. */
const MYSQL_NAME = "CONCAT('es/', LEFT(SHA1(DATABASE()), 20), '/', ?, '/', ?)";

const STATEMENTS: Record<Dialect, { prefix: string; lock: string; unlock: string; alive: string }> = {
  postgres: {
    prefix: 'pg',
    lock: 'SELECT pg_try_advisory_lock(?, ?) AS ok, pg_backend_pid() AS session',
    unlock: 'SELECT pg_advisory_unlock(?, ?) AS ok',
    alive: 'SELECT 1 AS alive FROM pg_stat_activity WHERE pid = ?',
  },
  mysql: {
    prefix: 'my',
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

/** This process: a lock taken in-process names it, so a successor process can tell it is gone. */
const PROCESS_TOKEN = crypto.randomUUID();
/** In-process locks ("namespace:key"), per Strapi instance. */
const held = new WeakMap<Core.Strapi, Set<string>>();

async function sessionLock(strapi: Core.Strapi, dialect: Dialect, namespace: number, key: number): Promise<DbLock | null> {
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
  return { unlock, sessionId: `${sql.prefix}:${String(row?.session)}` };
}

/** In-process lock: enough on SQLite, where one process owns the database file. */
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
 * holder (another instance, or this process) has it. The caller must `unlock()` it (in a finally).
 */
export async function tryAdvisoryLock(strapi: Core.Strapi, namespace: number, key: number): Promise<DbLock | null> {
  const dialect = dialectOf(strapi);
  return dialect ? sessionLock(strapi, dialect, namespace, key) : localLock(strapi, namespace, key);
}

/**
 * Whether the holder named by `sessionId` (a DbLock's) is still alive: a database session still
 * connected; on SQLite, this very process (one process owns the file, so any other is gone). An
 * id this site cannot judge (another kind) counts as alive: the caller then waits for its lease
 * to expire.
 */
export async function isSessionAlive(strapi: Core.Strapi, sessionId: string): Promise<boolean> {
  const dialect = dialectOf(strapi);
  const m = /^(pg|my):(\d+)$/.exec(sessionId);
  if (dialect && m && m[1] === STATEMENTS[dialect].prefix) {
    return rowsOf(await strapi.db.connection.raw(STATEMENTS[dialect].alive, [Number(m[2])])).length > 0;
  }
  if (sessionId.startsWith('local:') && strapi.db.dialect.client === 'sqlite') return sessionId === `local:${PROCESS_TOKEN}`;
  return true;
}
