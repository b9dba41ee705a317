'use strict';
/**
 * Helpers of the benchmark suite (bench/run.js): two-site setup through the plugin's admin API
 * (the JS twin of tests/helpers/streaming.ts), dataset writers, statistics, /proc sampling and
 * raw database access to a site's database.
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { expectStatus, waitFor } = require('../tests/helpers/sites');
const { PLAYGROUND, REPO_ROOT } = require('../tests/helpers/paths');

const LOG_TABLE = 'event_streaming_update_logs';
const OUTBOX_TABLE = 'event_streaming_outbox';
/** A cron rule that never fires during a run (1 January, 00:00). */
const NEVER = '0 0 1 1 *';

const { PRODUCER_TOKEN_PERMISSIONS: STREAM_PERMISSIONS } = require('../tests/helpers/permissions');
const { ARTICLE, CUSTOMER, INVOICE, ITEM } = require('../tests/helpers/uids');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LONG = { timeoutMs: 60 * 60 * 1000 };

let tokenCounter = 0;
/** Registers `consumer` on `producer` (README §Setup): scoped token, Event Producer, Event Consumer id. */
async function link(producer, consumer, subscriptions, extra = {}) {
  tokenCounter += 1;
  const token = await producer.createApiToken({
    name: `bench-${consumer.name}-${tokenCounter}-${Date.now()}`,
    type: 'custom',
    permissions: STREAM_PERMISSIONS,
  });
  const created = expectStatus(
    await consumer.admin('POST', '/event-streaming/producers', {
      producerUrl: producer.url,
      apiToken: token.accessKey,
      subscriptions,
      // The bench times its back-fills itself (one started on approval would race them).
      backfillOnApproval: false,
      ...extra,
    }),
    'create Event Producer',
    201
  );
  const siteId = expectStatus(await consumer.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  const consumers = expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'list consumers').body.data;
  const ec = consumers.find((c) => c.consumerSiteId === siteId);
  if (!ec) throw new Error('the producer has no Event Consumer for the consumer site');
  return { producer, consumer, producerId: created.body.data.id, consumerId: ec.id, token: token.accessKey, consumerSiteId: siteId };
}

async function setStatus(l, statuses) {
  return expectStatus(
    await l.producer.admin('PUT', `/event-streaming/consumers/${l.consumerId}/subscriptions`, {
      subscriptions: Object.entries(statuses).map(([contentType, status]) => ({ contentType, status })),
    }),
    'set subscription status'
  ).body.data;
}

/**
 * Back-fill of customers and items into `target` (a fresh site): linked pull-only with Use Same
 * Name, both types Approved, one pull to learn the statuses (no poke reaches a pull-only
 * consumer; back-fill copies Approved types only), then `POST …/backfill` timed. Returns the
 * wall time and the back-fill's answer ({copied, bulk, failed, failures}).
 */
async function timedBackfill(producer, target) {
  const l = await link(
    producer,
    target,
    [CUSTOMER, ITEM].map((contentType) => ({ contentType, useSameName: true })),
    { pullOnly: true }
  );
  await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });
  await pullNow(l);
  const t0 = Date.now();
  const body = expectStatus(await target.admin('POST', `/event-streaming/producers/${l.producerId}/backfill`, {}, LONG), 'backfill').body
    .data;
  return { ms: Date.now() - t0, body };
}

/**
 * POST …/pull on the consumer. Retried twice when the consumer could not reach the producer with
 * ECONNRESET: under heavy machine load its keep-alive socket is sometimes reset by the producer's
 * idle timeout just as it is reused (seen in runs at load average 20+; a pull is idempotent).
 */
async function pullNow(l) {
  for (let attempt = 0; ; attempt += 1) {
    const res = await l.consumer.admin('POST', `/event-streaming/producers/${l.producerId}/pull`, undefined, LONG);
    if (attempt < 2 && res.status === 400 && /ECONNRESET/.test(res.text || '')) {
      await sleep(500);
      continue;
    }
    return expectStatus(res, 'pull now').body.data;
  }
}

/** Total of a REST collection (any status for D&P types: `status=published` is the REST default). */
async function restCount(site, plural) {
  const res = expectStatus(await site.api('GET', `/${plural}?pagination[pageSize]=1&fields[0]=documentId`), `count ${plural}`);
  return res.body.meta.pagination.total;
}

/** Rows in the producer's update log (admin API). */
async function updateLogCount(site) {
  const res = expectStatus(await site.admin('GET', '/event-streaming/update-logs?page=1&pageSize=1'), 'update-log count');
  return res.body.meta.pagination.total;
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` in flight. */
async function pool(n, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next;
      next += 1;
      if (i >= n) return;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Dataset of measurement 1: counts from the scale. */
function datasetCounts(scale) {
  const invoices = Math.max(10, Math.round(10000 * scale));
  return { invoices, customers: Math.max(2, Math.round(invoices / 10)), items: Math.max(3, Math.round(invoices / 10)) };
}

const invoiceData = (i, customerId, itemIds) => ({
  number: `INV-${String(i).padStart(6, '0')}`,
  customer: customerId,
  total: 6,
  lines: [0, 1, 2].map((k) => ({ item: itemIds[(i * 3 + k) % itemIds.length], qty: k + 1, rate: 1 })),
});

/** Writes customers, items, then published invoices on `site` over REST. Returns ids and timing. */
async function writeDataset(site, counts, { concurrency = 4, log = () => {} } = {}) {
  const t0 = Date.now();
  const customers = new Array(counts.customers);
  const items = new Array(counts.items);
  await pool(counts.customers, concurrency, async (i) => {
    customers[i] = expectStatus(
      await site.api('POST', '/customers', { data: { name: `Customer ${i}`, email: `c${i}@bench.test` } }),
      'customer'
    ).body.data.documentId;
  });
  await pool(counts.items, concurrency, async (i) => {
    items[i] = expectStatus(
      await site.api('POST', '/items', { data: { name: `Item ${i}`, sku: `SKU-${i}`, price: 1 + (i % 50) } }),
      'item'
    ).body.data.documentId;
  });
  let done = 0;
  await pool(counts.invoices, concurrency, async (i) => {
    expectStatus(await site.api('POST', '/sales-invoices', { data: invoiceData(i, customers[i % customers.length], items) }), 'invoice');
    done += 1;
    if (done % 1000 === 0) log(`  ${done}/${counts.invoices} invoices written`);
  });
  return { ms: Date.now() - t0, customers, items };
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  const r = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    n: s.length,
    mean: r(mean),
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    min: r(s[0] ?? null),
    max: r(s[s.length - 1] ?? null),
  };
}

/** VmHWM / VmRSS (MB) of a process, or null when it is gone. */
function memOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')) || [])[1] || 0);
    return { hwmMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSecondsOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return null;
  }
}

/** Raw SQL on a site's database (SQLite file, PostgreSQL or MariaDB database); `?` placeholders. */
async function withDb(site, fn) {
  if (site.client === 'mysql') {
    const mysql = require('mysql2/promise');
    const { adminConnection } = require('../tests/helpers/mysql');
    const c = await mysql.createConnection({ ...adminConnection(), database: site.dbName });
    try {
      return await fn({
        client: 'mysql',
        all: async (sql, params = []) => (await c.query(sql, params))[0],
        run: async (sql, params = []) => (await c.query(sql, params))[0],
      });
    } finally {
      await c.end().catch(() => {});
    }
  }
  if (site.client === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(site.dbFile, { timeout: 60000 });
    try {
      return await fn({
        client: 'sqlite',
        all: async (sql, params = []) => db.prepare(sql).all(...params),
        run: async (sql, params = []) => db.prepare(sql).run(...params),
      });
    } finally {
      db.close();
    }
  }
  const { Client } = require('pg');
  const { adminConnection } = require('../tests/helpers/pg');
  const c = new Client({ ...adminConnection(), database: site.dbName });
  await c.connect();
  try {
    let n = 0;
    const conv = (sql) => sql.replace(/\?/g, () => `$${(n += 1)}`);
    return await fn({
      client: 'postgres',
      all: async (sql, params = []) => {
        n = 0;
        return (await c.query(conv(sql), params)).rows;
      },
      run: async (sql, params = []) => {
        n = 0;
        return c.query(conv(sql), params);
      },
    });
  } finally {
    await c.end().catch(() => {});
  }
}

/** Column names of a table. */
async function columnsOf(db, table) {
  if (db.client === 'sqlite') return (await db.all(`PRAGMA table_info(${table})`)).map((r) => r.name);
  if (db.client === 'mysql')
    return (
      await db.all('SELECT column_name AS column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = DATABASE()', [
        table,
      ])
    ).map((r) => r.column_name);
  return (
    await db.all('SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()', [table])
  ).map((r) => r.column_name);
}

/**
 * Inserts `count` already-sequenced update-log rows (seq fromSeq+1 .. fromSeq+count) in one
 * statement: a mix of customer / item / invoice Updates with a small JSON payload.
 */
async function insertOldLogRows(site, fromSeq, count, originSiteId) {
  return withDb(site, async (db) => {
    const cols = await columnsOf(db, LOG_TABLE);
    const wanted = [
      'document_id',
      'seq',
      'update_type',
      'content_type',
      'target_document_id',
      'doc_locale',
      'data',
      'origin_site_id',
      'created_at',
      'updated_at',
    ];
    const missing = wanted.filter((c) => !cols.includes(c));
    if (missing.length) throw new Error(`${LOG_TABLE} lacks columns ${missing.join(', ')} (has ${cols.join(', ')})`);
    const t0 = Date.now();
    if (db.client === 'sqlite') {
      // Strapi's SQLite dialect stores datetimes as epoch milliseconds.
      const now = Date.now();
      await db.run(
        `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
         INSERT INTO ${LOG_TABLE} (document_id, seq, update_type, content_type, target_document_id, doc_locale, data, origin_site_id, created_at, updated_at)
         SELECT 'bench' || (? + x), ? + x, 'Update',
                CASE x % 3 WHEN 0 THEN '${CUSTOMER}' WHEN 1 THEN '${ITEM}' ELSE '${INVOICE}' END,
                'olddoc' || (x % 5000), NULL, '{"name":"old value ' || x || '"}', ?, ?, ?
         FROM c`,
        [count, fromSeq, fromSeq, originSiteId, now, now]
      );
      await db.run('ANALYZE');
    } else if (db.client === 'mysql') {
      // MariaDB's Sequence engine (seq_1_to_N, built in since 10.0) numbers the rows.
      await db.run(
        `INSERT INTO ${LOG_TABLE} (document_id, seq, update_type, content_type, target_document_id, doc_locale, data, origin_site_id, created_at, updated_at)
         SELECT CONCAT('bench', ? + x.seq), ? + x.seq, 'Update',
                CASE x.seq % 3 WHEN 0 THEN '${CUSTOMER}' WHEN 1 THEN '${ITEM}' ELSE '${INVOICE}' END,
                CONCAT('olddoc', x.seq % 5000), NULL, CONCAT('{"name":"old value ', x.seq, '"}'), ?, NOW(), NOW()
         FROM seq_1_to_${Math.trunc(Number(count))} AS x`,
        [fromSeq, fromSeq, originSiteId]
      );
      await db.run(`ANALYZE TABLE ${LOG_TABLE}`);
    } else {
      await db.run(
        `INSERT INTO ${LOG_TABLE} (document_id, seq, update_type, content_type, target_document_id, doc_locale, data, origin_site_id, created_at, updated_at)
         SELECT 'bench' || (?::bigint + x), ?::bigint + x, 'Update',
                CASE x % 3 WHEN 0 THEN '${CUSTOMER}' WHEN 1 THEN '${ITEM}' ELSE '${INVOICE}' END,
                'olddoc' || (x % 5000), NULL, ('{"name":"old value ' || x || '"}')::jsonb, ?, now(), now()
         FROM generate_series(1, ?::bigint) AS x`,
        [fromSeq, fromSeq, originSiteId, count]
      );
      await db.run(`ANALYZE ${LOG_TABLE}`);
    }
    const [{ n }] = await db.all(`SELECT COUNT(*) AS n FROM ${LOG_TABLE}`);
    return { ms: Date.now() - t0, rows: Number(n) };
  });
}

async function maxSeq(site) {
  return withDb(site, async (db) => Number((await db.all(`SELECT MAX(seq) AS m FROM ${LOG_TABLE}`))[0].m ?? 0));
}

/** Environment a playground process needs outside the harness (the in-process scripts, the transfer CLI). */
function appEnv(extra = {}) {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    APP_KEYS: 'bench-k1,bench-k2',
    ADMIN_JWT_SECRET: 'bench-admin-jwt',
    API_TOKEN_SALT: 'bench-api-token-salt',
    TRANSFER_TOKEN_SALT: 'bench-transfer-salt',
    ENCRYPTION_KEY: 'bench-encryption-key-0123456789',
    JWT_SECRET: 'bench-jwt',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'false',
    FORCE_COLOR: '0',
    ...extra,
  };
  return env;
}

/** Runs a node script / command as a child process; resolves with { code, stdout, stderr, ms }. */
function runChild(cmd, args, { cwd = REPO_ROOT, env = process.env, timeoutMs = 60 * 60 * 1000, onLine } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      const s = c.toString('utf8');
      stdout += s;
      if (onLine) s.split('\n').filter(Boolean).forEach(onLine);
    });
    child.stderr.on('data', (c) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, pid: child.pid });
    });
  });
}

module.exports = {
  ARTICLE,
  CUSTOMER,
  ITEM,
  INVOICE,
  LOG_TABLE,
  OUTBOX_TABLE,
  NEVER,
  LONG,
  PLAYGROUND,
  REPO_ROOT,
  sleep,
  waitFor,
  link,
  setStatus,
  pullNow,
  timedBackfill,
  restCount,
  updateLogCount,
  pool,
  datasetCounts,
  invoiceData,
  writeDataset,
  stats,
  percentile,
  memOf,
  cpuSecondsOf,
  withDb,
  insertOldLogRows,
  maxSeq,
  appEnv,
  runChild,
  path,
};
