/**
 * Helpers of the security / bad-input / hostile-producer tests: raw database reads below the
 * HTTP API (SQLite opened read-only, or a pg / mysql2 session), plugin-table snapshots, and a strict
 * "this is a readable client error" assertion.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { HttpResult, Site } from './sites';

const { adminConnection } = require('./pg') as { adminConnection: () => Record<string, unknown> };
const mysql = require('./mysql') as { query(database: string, sql: string): Promise<Row[]> };

export type Row = Record<string, unknown>;

async function query(site: Site, sql: string): Promise<Row[]> {
  if (site.client === 'sqlite') {
    if (!site.dbFile) throw new Error(`${site.name} has no SQLite file`);
    const db = new Database(site.dbFile, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      return db.prepare(sql).all() as Row[];
    } finally {
      db.close();
    }
  }
  if (site.client === 'mysql') return mysql.query(site.dbName!, sql);
  const client = new Client({ ...adminConnection(), database: site.dbName! });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Every row of a table, raw (column names as in the database). */
export function rawRows(site: Site, table: string): Promise<Row[]> {
  if (!/^[a-z0-9_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  return query(site, `SELECT * FROM ${table}`);
}

/**
 * Tables of observations, not of state: the per-minute counters behind the charts
 * (`event_streaming_metrics`) take a lag sample on every cron tick, whatever a request did.
 */
const OBSERVATION_TABLES = new Set(['event_streaming_metrics']);

/** Names of the plugin's tables (event_streaming_*), join tables included, observation tables excepted. */
export async function pluginTables(site: Site): Promise<string[]> {
  const rows =
    site.client === 'sqlite'
      ? await query(site, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'event_streaming%' ORDER BY name`)
      : await query(
          site,
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${site.client === 'mysql' ? 'DATABASE()' : "'public'"} AND table_name LIKE 'event_streaming%' ORDER BY table_name`
        );
  return rows.map((r) => String(r.name)).filter((name) => !OBSERVATION_TABLES.has(name));
}

/** Row count of every plugin table plus the site's API tokens: {table: count}. */
export async function snapshotCounts(site: Site): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [...(await pluginTables(site)), 'strapi_api_tokens']) {
    const [row] = await query(site, `SELECT COUNT(*) AS n FROM ${t}`);
    out[t] = Number(row.n);
  }
  const tokens = await site.admin('GET', '/admin/api-tokens');
  if (tokens.status !== 200) throw new Error(`GET /admin/api-tokens: ${tokens.status}`);
  out['GET /admin/api-tokens'] = tokens.body.data.length;
  return out;
}

/** The raw bytes of a SQLite site's database (main file + WAL), or null on PostgreSQL. */
export function sqliteBytes(site: Site): Buffer | null {
  if (site.client !== 'sqlite' || !site.dbFile) return null;
  const parts = [site.dbFile, `${site.dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
  return Buffer.concat(parts);
}

/** The API tokens of a site, as the admin API lists them. */
export async function apiTokens(site: Site): Promise<Array<{ id: number; name: string; type: string }>> {
  const res = await site.admin('GET', '/admin/api-tokens');
  if (res.status !== 200) throw new Error(`GET /admin/api-tokens: ${res.status}`);
  return res.body.data;
}

/** The clear text of an API token (Strapi 5 keeps it encrypted and shows it to admins). */
export async function tokenSecret(site: Site, id: number): Promise<string> {
  const res = await site.admin('GET', `/admin/api-tokens/${id}`);
  if (res.status !== 200 || typeof res.body.data.accessKey !== 'string')
    throw new Error(`GET /admin/api-tokens/${id}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body.data.accessKey;
}

/**
 * Asserts a readable client error: the status (or one of them), Strapi's error envelope with a
 * non-empty message that is not a generic 500 text, and the message matching `message`.
 */
export function expectClientError(res: HttpResult, status: number | number[], message?: RegExp, what = ''): string {
  const allowed = ([] as number[]).concat(status);
  const msg = res.body && typeof res.body === 'object' ? (res.body as { error?: { message?: unknown } }).error?.message : undefined;
  const detail = `${what} -> ${res.status} ${res.text.slice(0, 400)}`;
  if (!allowed.includes(res.status)) throw new Error(`expected HTTP ${allowed.join('/')}: ${detail}`);
  if (typeof msg !== 'string' || msg.trim().length < 3) throw new Error(`expected a readable error.message: ${detail}`);
  if (/internal server error/i.test(msg)) throw new Error(`generic 500 message: ${detail}`);
  if (message && !message.test(msg)) throw new Error(`error.message does not match ${message}: ${detail}`);
  return msg;
}

/** How many times a request line appears in a site's log (Strapi's http logger prints one per request). */
export function countLogLines(site: Site, pattern: RegExp): number {
  const text = fs.existsSync(site.logFile) ? fs.readFileSync(site.logFile, 'utf8') : '';
  const g = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  return (text.match(g) ?? []).length;
}

/**
 * Sends a large body in chunks and stops writing as soon as the server answers (a server that
 * refuses an oversized body answers 413 early and closes the socket; the harness's one-shot
 * request would then fail with EPIPE before reading that answer).
 */
export function sendLarge(
  site: Site,
  method: string,
  urlPath: string,
  body: string,
  token: string | null,
  contentType = 'application/json'
): Promise<HttpResult> {
  const http = require('node:http') as typeof import('node:http');
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    let answered = false;
    // keep-alive: the server then reads and discards the rest of a refused body instead of closing
    // the socket under the writer (which loses its 413 answer to an EPIPE).
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'content-length': payload.length,
      accept: 'application/json',
      connection: 'keep-alive',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request(`${site.url}${urlPath}`, { method, headers, agent: false, timeout: 60_000 }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed === '' ? null : parsed, text });
        req.destroy();
      });
    });
    req.on('error', (e) => {
      if (!answered) setTimeout(() => (answered ? undefined : reject(e)), 500);
    });
    (async () => {
      for (let off = 0; off < payload.length && !answered && !req.destroyed; off += 65536) {
        if (!req.write(payload.subarray(off, off + 65536))) await new Promise((r) => req.once('drain', r));
      }
      if (!answered && !req.destroyed) req.end();
    })().catch(() => undefined);
  });
}

/** Columns that move on their own (timestamps, cursors, leases, retry state): left out of a state. */
const VOLATILE_COLUMN = /(_at|_seq|seq|_ms|lease|last_|error|attempt|next_|locked)/i;

/**
 * A reader kept open on a site's database (SQLite read-only, or one pg session) that takes the
 * plugin's state: every plugin table's row count, the API tokens' count, and the rows of the
 * configuration tables (producers, consumers, mappings) without their volatile columns. Two equal
 * states mean nothing was written, partly or wholly.
 */
export async function stateReader(site: Site): Promise<{ state(): Promise<Record<string, unknown>>; close(): Promise<void> }> {
  const tables = [...(await pluginTables(site)), 'strapi_api_tokens'];
  const config = tables.filter((t) => /^event_streaming_(producers|consumers|mappings)/.test(t));
  let run: (sql: string) => Promise<Row[]>;
  let close: () => Promise<void>;
  if (site.client === 'sqlite') {
    const db = new Database(site.dbFile!, { readonly: true, fileMustExist: true, timeout: 10_000 });
    run = async (sql) => db.prepare(sql).all() as Row[];
    close = async () => void db.close();
  } else {
    const client = new Client({ ...adminConnection(), database: site.dbName! });
    await client.connect();
    run = async (sql) => (await client.query(sql)).rows as Row[];
    close = () => client.end();
  }
  const countSql = tables.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM ${t}`).join(' UNION ALL ');
  return {
    async state() {
      const out: Record<string, unknown> = {};
      for (const r of await run(countSql)) out[String(r.t)] = Number(r.n);
      for (const t of config) {
        const rows = await run(`SELECT * FROM ${t} ORDER BY id`);
        out[`${t} rows`] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_COLUMN.test(k))));
      }
      return out;
    },
    close,
  };
}

/** Every table of a site's database (plugin, Strapi and content tables). */
export async function allTables(site: Site): Promise<string[]> {
  const rows =
    site.client === 'sqlite'
      ? await query(site, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      : await query(site, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((r) => String(r.name));
}

/** Tables (but `except`) holding `needle` anywhere in a row, with the matching rows' text: {table: [row…]}. */
export async function tablesContaining(site: Site, needle: string, except: string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await allTables(site)) {
    if (except.includes(t)) continue;
    const hits = (await rawRows(site, t)).map((r) => JSON.stringify(r)).filter((text) => text.includes(needle));
    if (hits.length) out[t] = hits.map((h) => h.slice(0, 300));
  }
  return out;
}
