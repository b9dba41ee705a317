#!/usr/bin/env node
'use strict';
/**
 * Benchmark suite (issue 7). `npm run bench` — see bench/README.md.
 *
 *   BENCH_SCALE=0.1 npm run bench        quick run (every count × 0.1)
 *   BENCH_DB=sqlite|postgres|mariadb|both|all  database of the sites (default sqlite; both: SQLite and
 *                                        PostgreSQL; all: the three)
 *   BENCH_ONLY=overhead,overheadInvoice,direct,throughput,pullcost,latency,transfer,fanout,bigdocs,catchup,backfill
 *                                        a subset (development)
 *   BENCH_PROFILE=consumer|producer|both  --cpu-prof the site processes of measurement 1, and fan-out's producer (bench/profiles/)
 *   BENCH_OUT=path                       results file (default bench/results.json)
 *   BENCH_SKIP_BUILD=1                   do not rebuild a stale plugin / playground first
 *   BENCH_CATCHUP_SIZES=1000,10000       backlogs of the catch-up measurement (default 1000,10000,100000)
 *   BENCH_BACKFILL_SIZES=3000            back-fill sizes (default 3000,30000)
 *   BENCH_BIGDOCS_HEAP_MB=512            V8 heap cap of the big-documents sites (0: none)
 *
 * Real sites: playground Strapi processes started through the test harness (tests/helpers/sites.js);
 * the ceiling and the write overhead run in-process (bench/inproc.js). Every ratio is computed
 * from figures measured in this run. Writes bench/results.json and prints a table.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execSync } = require('child_process');
const { startSites, startSite, stopAll, expectStatus, httpRequest } = require('../tests/helpers/sites');
const { PLAYGROUND, PLAYGROUND_DIST, REPO_ROOT } = require('../tests/helpers/paths');
const L = require('./lib');
const S = require('./scenarios');
const { writeChart } = require('./chart');

const SCALE = Number(process.env.BENCH_SCALE || 1);
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const DB = (process.env.BENCH_DB || 'sqlite').toLowerCase();
const CLIENT_NAMES = { sqlite: 'sqlite', pg: 'postgres', postgres: 'postgres', mariadb: 'mysql', mysql: 'mysql' };
const CLIENTS = DB === 'both' ? ['sqlite', 'postgres'] : DB === 'all' ? ['sqlite', 'postgres', 'mysql'] : [CLIENT_NAMES[DB]];
if (!CLIENTS[0]) throw new Error(`BENCH_DB must be sqlite, postgres, mariadb, both or all; got ${process.env.BENCH_DB}`);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const PROFILE = process.env.BENCH_PROFILE || '';
const want = (m) => !ONLY || ONLY.has(m);
const PROFILE_DIR = path.join(__dirname, 'profiles');
const LOG_DIR = path.join(__dirname, 'logs');
const OUT = path.resolve(process.env.BENCH_OUT || path.join(__dirname, 'results.json'));

const T0 = Date.now();
const log = (msg) => console.log(`[bench +${((Date.now() - T0) / 1000).toFixed(0)}s] ${msg}`);
const round = (v, d = 2) => (v === null || v === undefined || Number.isNaN(v) ? null : Math.round(v * 10 ** d) / 10 ** d);
const sc = (n, min) => Math.max(min, Math.round(n * SCALE));

// ---------------------------------------------------------------------------------------------
// Build prerequisites (plugin dist, compiled playground) — only when missing or stale.

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const build = require('../tests/helpers/build');
  const serverDist = path.join(REPO_ROOT, 'dist', 'server', 'index.js');
  if (!fs.existsSync(serverDist) || newestMtime(path.join(REPO_ROOT, 'server', 'src')) > fs.statSync(serverDist).mtimeMs) {
    log('building the plugin (dist/ missing or older than server/src)');
    build.buildPlugin({ log });
  }
  const compiled = path.join(PLAYGROUND_DIST, 'config', 'plugins.js');
  const srcNewest = Math.max(newestMtime(path.join(PLAYGROUND, 'config')), newestMtime(path.join(PLAYGROUND, 'src')));
  if (!fs.existsSync(compiled) || srcNewest > fs.statSync(compiled).mtimeMs) {
    log('compiling the playground (playground/dist missing or stale)');
    build.compilePlayground({ log });
  }
}

// ---------------------------------------------------------------------------------------------
// Fresh databases for the in-process scripts.

async function freshDb(client, label) {
  if (client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `es-bench-${label}-`));
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const helper = require(client === 'mysql' ? '../tests/helpers/mysql' : '../tests/helpers/pg');
  const name = `es_test_bench_${label}_p${process.pid}_${Date.now().toString(36)}`;
  await helper.createDatabase(name);
  return { env: { DATABASE_CLIENT: client, DATABASE_NAME: name }, cleanup: () => helper.dropDatabase(name) };
}

async function inproc(client, label, args, extraEnv = {}) {
  const db = await freshDb(client, label);
  try {
    const res = await L.runChild(process.execPath, [path.join(__dirname, 'inproc.js'), ...args], {
      env: L.appEnv({ PORT: '0', ...db.env, ...extraEnv }),
    });
    const m = res.stdout.match(/^RESULT (\{.*\})$/m);
    if (res.code !== 0 || !m) throw new Error(`bench/inproc.js ${args.join(' ')} failed (exit ${res.code}):\n${res.stderr.slice(-3000)}`);
    return JSON.parse(m[1]);
  } finally {
    await db.cleanup().catch(() => {});
  }
}

const siteOpts = (client, name, env = {}) => ({ name, client, env, logDir: LOG_DIR });
const profiling = (role) => PROFILE === role || PROFILE === 'both';
const profileEnv = (role) =>
  profiling(role)
    ? {
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS || ''} --require ${path.join(__dirname, 'cpu-prof.js')} --require ${path.join(__dirname, 'query-stats.js')}`.trim(),
        BENCH_CPU_PROF_DIR: path.join(PROFILE_DIR, role),
        BENCH_QUERY_STATS_DIR: path.join(PROFILE_DIR, role),
      }
    : {};
/** Makes the profiled sites write their profiles (bench/cpu-prof.js) and waits for the files. */
async function collectProfiles(sites) {
  for (const [role, site] of Object.entries(sites)) {
    if (!profiling(role)) continue;
    const dir = path.join(PROFILE_DIR, role);
    fs.writeFileSync(path.join(dir, 'stop'), '');
    const file = path.join(dir, `${site.child.pid}.cpuprofile`);
    const queries = path.join(dir, `${site.child.pid}.queries.json`);
    await L.waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0 && fs.existsSync(queries), {
      timeoutMs: 60000,
      what: `${file}`,
    }).catch(() => {});
    await L.sleep(500);
    fs.rmSync(path.join(dir, 'stop'), { force: true });
    log(`[profile] ${role}: ${path.relative(REPO_ROOT, file)} (node bench/profile-summary.js ${path.relative(REPO_ROOT, file)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Write overhead of capture (in-process, interleaved batches).

async function measureOverhead(client, kind = 'customer') {
  const pairs = sc(kind === 'invoice' ? 500 : 1000, 60);
  const batch = 10; // short batches, many alternations: drift (other load on the machine) hits both modes alike
  log(`[2] write overhead (${kind}): ${pairs} create+update pairs per mode, batches of ${batch} (in-process, ${client})`);
  // Third arm "legacy" = the notifier before commit 1ae0cb5 (a sequencer run per notification window); customers only.
  const r = await inproc(client, `overhead_${kind}`, ['overhead', String(pairs), String(batch), kind], { BENCH_OVERHEAD_LEGACY: '1' });
  const on = L.stats(r.on);
  const off = L.stats(r.off);
  return {
    pairsPerMode: r.on.length,
    batchSize: batch,
    captureOnMs: on,
    captureOffMs: off,
    createOnMs: L.stats(r.onCreate),
    createOffMs: L.stats(r.offCreate),
    updateOnMs: L.stats(r.onUpdate),
    updateOffMs: L.stats(r.offUpdate),
    cpuOnMs: L.stats(r.onCpu),
    cpuOffMs: L.stats(r.offCpu),
    cpuOverheadRatio: round(L.stats(r.onCpu).mean / L.stats(r.offCpu).mean, 3),
    sqlStatementsPerPair: { on: L.stats(r.onQueries).mean, off: L.stats(r.offQueries).mean },
    updateLogRowsWritten: r.logRows,
    kind,
    ...(r.legacy.length
      ? {
          legacyCaptureOnMs: L.stats(r.legacy),
          legacyWriteOverheadRatio: round(L.stats(r.legacy).mean / off.mean, 3),
          legacyWriteOverheadRatioP50: round(L.stats(r.legacy).p50 / off.p50, 3),
        }
      : {}),
    writeOverheadRatio: round(on.mean / off.mean, 3),
    writeOverheadRatioP50: round(on.p50 / off.p50, 3),
  };
}

// ---------------------------------------------------------------------------------------------
// 1 (ceiling). The same documents created directly with strapi.documents().create.

async function measureDirect(client) {
  const c = L.datasetCounts(SCALE);
  log(
    `[1] ceiling: ${c.customers} customers + ${c.items} items + ${c.invoices} invoices via strapi.documents().create (in-process, ${client})`
  );
  const r = await inproc(client, 'direct', ['direct', String(c.customers), String(c.items), String(c.invoices)]);
  return {
    ...c,
    docs: r.docs,
    ms: round(r.ms, 0),
    docsPerSec: round(r.docsPerSec),
    invoicesPerSec: round(r.invoicesPerSec),
    cpuMsPerDoc: round(r.cpuMs / r.docs),
    sqlStatementsPerDoc: round(r.sqlStatements / r.docs, 1),
    peakRssMb: r.peakRssMb,
  };
}

// ---------------------------------------------------------------------------------------------
// 1, 6, 7. Streamed throughput (catch-up), peak RSS of both sites, update-log size under retention 0.

async function measureThroughput(client) {
  const c = L.datasetCounts(SCALE);
  log(`[1] streamed: booting producer + consumer (${client})`);
  const [producer, consumer] = await startSites(
    [
      siteOpts(client, 'bench-producer', {
        EVENT_STREAMING_PULL_CRON: L.NEVER,
        EVENT_STREAMING_UPDATE_LOG_DAYS: '0',
        EVENT_STREAMING_MAINTENANCE_CRON: '*/2 * * * * *',
        ...profileEnv('producer'),
      }),
      siteOpts(client, 'bench-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER, ...profileEnv('consumer') }),
    ],
    { client }
  );
  try {
    const l = await L.link(
      producer,
      consumer,
      [L.CUSTOMER, L.ITEM, L.INVOICE].map((contentType) => ({ contentType, useSameName: true })),
      { pullOnly: true }
    );
    await L.setStatus(l, { [L.CUSTOMER]: 'Approved', [L.ITEM]: 'Approved', [L.INVOICE]: 'Approved' });

    // Sampler: update-log rows on the producer, RSS of both sites.
    const samples = [];
    let sampling = true;
    let phase = 'write';
    const sampler = (async () => {
      while (sampling) {
        try {
          samples.push({
            t: Date.now() - T0,
            phase,
            logRows: await L.updateLogCount(producer),
            producer: L.memOf(producer.child.pid),
            consumer: L.memOf(consumer.child.pid),
          });
        } catch (e) {
          samples.push({ t: Date.now() - T0, phase, error: e.message });
        }
        await L.sleep(1000);
      }
    })();

    log(`[1] writing ${c.customers} customers, ${c.items} items, ${c.invoices} invoices on the producer over REST (consumer not pulling)`);
    const written = await L.writeDataset(producer, c, { log });
    const docs = c.customers + c.items + c.invoices;
    log(`[1] written in ${(written.ms / 1000).toFixed(1)} s (${((docs * 1000) / written.ms).toFixed(1)} docs/s); catching up`);

    phase = 'catch-up';
    const cpu0 = { producer: L.cpuSecondsOf(producer.child.pid), consumer: L.cpuSecondsOf(consumer.child.pid) };
    const t0 = Date.now();
    let tLast = t0;
    const totals = { pulls: 0, pulled: 0, applied: 0, failed: 0 };
    for (;;) {
      const r = await L.pullNow(l);
      totals.pulls += 1;
      totals.pulled += r.pulled;
      totals.applied += r.applied;
      totals.failed += r.failed;
      if (!r.pulled) break;
      tLast = Date.now();
      log(`  pulled ${totals.pulled} events so far (${((totals.pulled * 1000) / (tLast - t0)).toFixed(1)} events/s)`);
    }
    const catchUpMs = tLast - t0;
    const cpu1 = { producer: L.cpuSecondsOf(producer.child.pid), consumer: L.cpuSecondsOf(consumer.child.pid) };
    await collectProfiles({ producer, consumer });
    phase = 'after';
    const onConsumer = {
      customers: await L.restCount(consumer, 'customers'),
      items: await L.restCount(consumer, 'items'),
      invoices: await L.restCount(consumer, 'sales-invoices'),
    };
    await L.sleep(4500); // two more maintenance ticks
    sampling = false;
    await sampler;
    const finalLogRows = await L.updateLogCount(producer);
    const mem = { producer: L.memOf(producer.child.pid), consumer: L.memOf(consumer.child.pid) };
    const complete = onConsumer.customers === c.customers && onConsumer.items === c.items && onConsumer.invoices === c.invoices;
    const rows = samples.filter((s) => typeof s.logRows === 'number');
    const maxOf = (ph) => Math.max(0, ...rows.filter((s) => !ph || s.phase === ph).map((s) => s.logRows));
    return {
      throughput: {
        ...c,
        docs,
        producerWriteMs: written.ms,
        producerWriteDocsPerSec: round((docs * 1000) / written.ms),
        catchUpMs,
        streamedDocsPerSec: round((docs * 1000) / catchUpMs),
        events: totals.pulled,
        pulls: totals.pulls,
        applied: totals.applied,
        failed: totals.failed,
        onConsumer,
        complete,
        cpuSecondsDuringCatchUp: { producer: round(cpu1.producer - cpu0.producer, 1), consumer: round(cpu1.consumer - cpu0.consumer, 1) },
      },
      memory: { producer: mem.producer, consumer: mem.consumer, peakRssMb: Math.max(mem.producer?.hwmMb ?? 0, mem.consumer?.hwmMb ?? 0) },
      retention: {
        updateLogDays: 0,
        maintenanceCron: '*/2 * * * * *',
        maxLogRows: maxOf(),
        maxLogRowsDuringWrite: maxOf('write'),
        maxLogRowsDuringCatchUp: maxOf('catch-up'),
        finalLogRows,
        samples: rows.length,
        bounded: finalLogRows <= Math.max(10, Math.round(totals.pulled * 0.01)),
      },
      siteLogs: [producer.logFile, consumer.logFile],
    };
  } finally {
    await producer.destroy().catch(() => {});
    await consumer.destroy().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Pull cost (GET /api/event-streaming/updates, 100 new events) with 10k vs 1M older log rows.

async function measurePullCost(client) {
  const small = sc(10000, 1000);
  const big = sc(1000000, 10000);
  const reps = 40;
  log(`[3] pull cost: ${small} vs ${big} older update-log rows on two producers, ${reps} interleaved GETs each (${client})`);
  const [ps, pb, consumer] = await startSites(
    [
      siteOpts(client, 'bench-pc-small', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
      siteOpts(client, 'bench-pc-big', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
      siteOpts(client, 'bench-pc-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
    ],
    { client }
  );
  try {
    const ins = {};
    for (const [name, site, n] of [
      ['small', ps, small],
      ['big', pb, big],
    ]) {
      ins[name] = await L.insertOldLogRows(site, await L.maxSeq(site), n, 'bench-old-origin');
      log(`[3] ${name}: inserted ${n} rows in ${ins[name].ms} ms`);
    }
    // Log rows plus outbox entries (capture appends to the outbox; the sequencer moves them into the log).
    const countRows = (site) =>
      L.withDb(site, async (db) =>
        Number((await db.all(`SELECT (SELECT COUNT(*) FROM ${L.LOG_TABLE}) + (SELECT COUNT(*) FROM ${L.OUTBOX_TABLE}) AS n`))[0].n)
      );
    const prepare = async (site, label) => {
      const l = await L.link(site, consumer, [{ contentType: L.CUSTOMER, useSameName: true }], { pullOnly: true });
      await L.setStatus(l, { [L.CUSTOMER]: 'Approved' });
      const before = await L.maxSeq(site);
      const rowsBefore = await countRows(site);
      await L.pool(100, 4, async (i) => {
        expectStatus(await site.api('POST', '/customers', { data: { name: `${label} ${i}` } }), 'customer');
      });
      // Committed with the writes (into the outbox); with only a pull-only consumer they are moved
      // into the log with their seq by the first pull (the untimed warm-up GETs below).
      const rowsAfter = await countRows(site);
      if (rowsAfter !== rowsBefore + 100) throw new Error(`expected 100 new update-log rows, got ${rowsAfter - rowsBefore}`);
      const get = async () => {
        const t = process.hrtime.bigint();
        const res = await httpRequest(`${site.url}/api/event-streaming/updates?after=${before}&limit=100`, {
          headers: { authorization: `Bearer ${l.token}`, 'x-event-streaming-site': l.consumerSiteId },
        });
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        expectStatus(res, 'GET /updates');
        if (res.body.events.length !== 100) throw new Error(`expected 100 events after ${before}, got ${res.body.events.length}`);
        return ms;
      };
      for (let i = 0; i < 3; i += 1) await get();
      return { get, logRows: await countRows(site), after: before };
    };
    const S = await prepare(ps, 'small');
    const B = await prepare(pb, 'big');
    // Interleaved (ABBA) so that load from elsewhere on the machine hits both alike.
    const times = { small: [], big: [] };
    const pairRatios = [];
    for (let i = 0; i < reps; i += 1) {
      let a;
      let b;
      if (i % 2 === 0) {
        a = await S.get();
        b = await B.get();
      } else {
        b = await B.get();
        a = await S.get();
      }
      times.small.push(a);
      times.big.push(b);
      pairRatios.push(b / a);
    }
    const plans = await queryPlans(pb, B.after);
    const sm = L.stats(times.small);
    const bg = L.stats(times.big);
    log(`[3] p50 ${sm.p50} ms (${S.logRows} rows) vs ${bg.p50} ms (${B.logRows} rows)`);
    return {
      small: { olderRows: small, logRows: S.logRows, ms: sm },
      big: { olderRows: big, logRows: B.logRows, ms: bg },
      insertMs: { small: ins.small.ms, big: ins.big.ms },
      pullCostRatio: round(bg.p50 / sm.p50, 3),
      pullCostRatioMean: round(bg.mean / sm.mean, 3),
      pullCostRatioMedianOfPairs: L.stats(pairRatios).p50,
      queryPlansOnBig: plans,
    };
  } finally {
    await Promise.all([ps, pb, consumer].map((s) => s.destroy().catch(() => {})));
  }
}

/** Query plans of the pull path's statements on the big log (cause analysis). */
async function queryPlans(site, after) {
  const T = L.LOG_TABLE;
  const stmts = {
    sequencerPendingCheck: `SELECT id FROM ${T} WHERE seq IS NULL LIMIT 1`,
    sequencerOutboxCheck: `SELECT id FROM event_streaming_outbox LIMIT 1`,
    head: `SELECT MAX(seq) FROM ${T}`,
    page: `SELECT * FROM ${T} WHERE seq > ${after} AND seq <= ${after + 100} AND content_type IN ('${L.CUSTOMER}') ORDER BY seq ASC LIMIT 100`,
  };
  return L.withDb(site, async (db) => {
    const out = {};
    for (const [k, sql] of Object.entries(stmts)) {
      const rows = await db.all(db.client === 'sqlite' ? `EXPLAIN QUERY PLAN ${sql}` : `EXPLAIN ${sql}`);
      out[k] = rows.map((r) => r.detail || r['QUERY PLAN'] || JSON.stringify(r));
    }
    return out;
  }).catch((e) => ({ error: e.message }));
}

// ---------------------------------------------------------------------------------------------
// 4 + 5. Latency with notifications, then `strapi transfer` vs back-fill on the same producer.

async function createTransferToken(site) {
  const res = expectStatus(
    await site.admin('POST', '/admin/transfer/tokens', {
      name: `bench-push-${Date.now()}`,
      description: 'bench',
      permissions: ['push'],
      lifespan: null,
    }),
    'create transfer token'
  );
  return res.body.data.accessKey;
}

async function measureLatencyAndTransfer(client, { latency, transfer }) {
  log(`[4/5] booting producer + consumer${transfer ? ' + back-fill target' : ''} (${client})`);
  const specs = [
    siteOpts(client, 'bench-lat-producer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
    siteOpts(client, 'bench-lat-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
  ];
  if (transfer) specs.push(siteOpts(client, 'bench-backfill-target', { EVENT_STREAMING_PULL_CRON: L.NEVER }));
  const [producer, consumer, target] = await startSites(specs, { client });
  const out = {};
  try {
    const l = await L.link(producer, consumer, [{ contentType: L.CUSTOMER, useSameName: true }]); // push: notifications on
    await L.setStatus(l, { [L.CUSTOMER]: 'Approved' });
    if (latency) {
      const edits = sc(500, 30);
      log(`[4] latency: ${edits} single edits, consumer polled every 5 ms`);
      const doc = expectStatus(await producer.api('POST', '/customers', { data: { name: 'latency v-1' } }), 'customer').body.data;
      await L.waitFor(async () => (await consumer.api('GET', `/customers/${doc.documentId}`)).status === 200, {
        timeoutMs: 30000,
        what: 'first customer on the consumer',
      });
      const lat = [];
      const writeMs = [];
      let timeouts = 0;
      for (let i = 0; i < edits; i += 1) {
        const name = `latency v${i}`;
        const tw = process.hrtime.bigint();
        expectStatus(await producer.api('PUT', `/customers/${doc.documentId}`, { data: { name } }), 'edit');
        const tc = process.hrtime.bigint(); // the write is committed before the response is sent
        writeMs.push(Number(tc - tw) / 1e6);
        let seen = false;
        while (!seen) {
          const res = await consumer.api('GET', `/customers/${doc.documentId}?fields[0]=name`);
          if (res.status === 200 && res.body.data.name === name) seen = true;
          else if (Number(process.hrtime.bigint() - tc) / 1e6 > 30000) break;
          else await L.sleep(5);
        }
        if (!seen) timeouts += 1;
        lat.push(Number(process.hrtime.bigint() - tc) / 1e6);
      }
      const s = L.stats(lat);
      out.latency = { edits, timeouts, commitToVisibleMs: s, producerWriteMs: L.stats(writeMs), latencyP50Ms: s.p50, latencyP99Ms: s.p99 };
      log(`[4] p50 ${s.p50} ms, p99 ${s.p99} ms`);
    }
    if (transfer) {
      // Stop streaming to the latency consumer, then seed the producer (capture off: no approved type).
      await L.setStatus(l, { [L.CUSTOMER]: 'Rejected' });
      const counts = { customers: sc(2000, 100), items: sc(1000, 50) };
      log(`[5] seeding ${counts.customers} customers + ${counts.items} items on the producer`);
      await L.pool(counts.customers, 4, async (i) => {
        expectStatus(
          await producer.api('POST', '/customers', { data: { name: `Seed customer ${i}`, email: `s${i}@bench.test` } }),
          'customer'
        );
      });
      await L.pool(counts.items, 4, async (i) => {
        expectStatus(await producer.api('POST', '/items', { data: { name: `Seed item ${i}`, sku: `S-${i}`, price: 2 } }), 'item');
      });
      const expected = { customers: await L.restCount(producer, 'customers'), items: await L.restCount(producer, 'items') };
      out.transfer = { ...counts, docsOnProducer: expected };

      // Back-fill into a fresh site.
      log('[5] back-fill');
      const { ms: backfillMs, body: bf } = await L.timedBackfill(producer, target);
      const gotB = { customers: await L.restCount(target, 'customers'), items: await L.restCount(target, 'items') };
      out.transfer.backfill = {
        ms: backfillMs,
        docsPerSec: round(((gotB.customers + gotB.items) * 1000) / backfillMs),
        result: { copied: bf.copied, failed: bf.failed },
        onTarget: gotB,
      };
      log(`[5] back-fill: ${backfillMs} ms (${bf.copied} copied, ${bf.failed} failed)`);

      // strapi transfer into the latency consumer (it holds one customer; transfer replaces the types' content).
      out.transfer.strapiTransfer = await runTransfer(producer, consumer, expected);
    }
    return out;
  } finally {
    await Promise.all([producer, consumer, target].filter(Boolean).map((s) => s.destroy().catch(() => {})));
  }
}

/**
 * `strapi transfer` of customers and items from `producer` into `dest`. `baseline`: a transfer of
 * the notes (one) instead, whose wall time is the CLI's fixed cost (boot, handshake).
 */
async function runTransfer(producer, dest, expected, { baseline = false } = {}) {
  const bin = [path.join(PLAYGROUND, 'node_modules', '.bin', 'strapi'), path.join(REPO_ROOT, 'node_modules', '.bin', 'strapi')].find((p) =>
    fs.existsSync(p)
  );
  let token;
  try {
    token = await createTransferToken(dest);
  } catch (e) {
    return { ok: false, reason: `could not create a transfer token on the receiving site: ${e.message}` };
  }
  const attempts = baseline
    ? [['--only', 'content', '--only-content-types', 'api::note.note']]
    : [
        ['--only', 'content', '--only-content-types', `${L.CUSTOMER},${L.ITEM}`],
        ['--only', 'content'],
      ];
  const tried = [];
  for (const extra of attempts) {
    const args = ['transfer', '--to', `${dest.url}/admin`, '--to-token', token, '--force', ...extra];
    log(`[5] strapi ${args.join(' ').replace(token, '<token>')}`);
    // The CLI runs from playground/ as the producer app: the producer's own environment (database, secrets).
    const env = { ...producer.env, PORT: '0' };
    delete env.HARNESS_PARENT_PID;
    const r = await L.runChild(bin, args, { cwd: PLAYGROUND, env, timeoutMs: 30 * 60 * 1000 });
    // eslint-disable-next-line no-control-regex -- strips ANSI colour codes from the output
    const output = `${r.stdout}\n${r.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    const got = { customers: await L.restCount(dest, 'customers'), items: await L.restCount(dest, 'items') };
    const ok = r.code === 0 && (baseline || (got.customers === expected.customers && got.items === expected.items));
    const attempt = {
      args: args.map((a) => (a === token ? '<token>' : a)),
      exitCode: r.code,
      ms: r.ms,
      onTarget: got,
      outputTail: output.split('\n').filter(Boolean).slice(-25),
    };
    tried.push(attempt);
    if (ok) {
      const m = output.match(/Transfer process has been completed successfully/);
      return {
        ok: true,
        ms: r.ms,
        docsPerSec: round(((got.customers + got.items) * 1000) / r.ms),
        completedMessage: !!m,
        onTarget: got,
        note: 'wall time of the CLI, including its own boot (compileStrapi + load of the producer app)',
        attempts: tried,
      };
    }
  }
  const last = tried[tried.length - 1];
  return { ok: false, reason: `strapi transfer failed (exit ${last.exitCode}): ${last.outputTail.slice(-6).join(' | ')}`, attempts: tried };
}

// ---------------------------------------------------------------------------------------------

// Issue 17's targets (issue 7's were throughput ≥ 0.6, overhead ≤ 1.10, latency ≤ 300 / 1000 ms).
const TARGETS = {
  throughputRatio: { min: 1.0 },
  writeOverheadRatio: { max: 1.05 },
  writeOverheadRatioInvoice: { max: 1.05 },
  pullCostRatio: { max: 1.5 },
  latencyP50Ms: { max: 50 },
  latencyP99Ms: { max: 150 },
  backfillVsTransferRatio: { max: 0.5 },
  fanoutLatencyP99Ms: { max: 250 },
  peakRssMbBigDocs: { max: 600 },
  catchupLinearity: { max: 1.2 },
};
const met = (k, v) => {
  const t = TARGETS[k];
  if (!t || v === null || v === undefined) return null;
  return t.min !== undefined ? v >= t.min : v <= t.max;
};

/** Runs one measurement; a failure is recorded (and the suite goes on) instead of losing the run. */
async function phase(r, name, fn, onDone) {
  const load = { start: os.loadavg().map((v) => round(v)), at: new Date().toISOString() };
  r.loadAvg = { ...(r.loadAvg || {}), [name]: load };
  try {
    await fn();
    load.end = os.loadavg().map((v) => round(v));
  } catch (e) {
    log(`${name} FAILED: ${e.message.split('\n')[0]}`);
    r.errors = [...(r.errors || []), { phase: name, error: e.message.slice(0, 4000) }];
  }
  if (onDone) onDone();
}

async function runFor(client, r, onDone) {
  if (want('overhead'))
    await phase(
      r,
      'overhead',
      async () => {
        r.writeOverhead = await measureOverhead(client);
      },
      onDone
    );
  if (want('overheadInvoice'))
    await phase(
      r,
      'overheadInvoice',
      async () => {
        r.writeOverheadInvoice = await measureOverhead(client, 'invoice');
      },
      onDone
    );
  if (want('direct') || want('throughput'))
    await phase(
      r,
      'direct',
      async () => {
        r.direct = await measureDirect(client);
      },
      onDone
    );
  if (want('throughput')) {
    await phase(
      r,
      'throughput',
      async () => {
        const t = await measureThroughput(client);
        Object.assign(r, t);
        r.throughput.directDocsPerSec = r.direct ? r.direct.docsPerSec : null;
        r.throughputRatio = r.direct ? round(r.throughput.streamedDocsPerSec / r.direct.docsPerSec, 3) : null;
        // Load on the shared machine changes between the two phases; CPU per document does not (much).
        r.throughput.consumerCpuMsPerDoc = round((r.throughput.cpuSecondsDuringCatchUp.consumer * 1000) / r.throughput.docs);
        r.throughputRatioCpu = r.direct ? round(r.direct.cpuMsPerDoc / r.throughput.consumerCpuMsPerDoc, 3) : null;
      },
      onDone
    );
  }
  if (want('pullcost'))
    await phase(
      r,
      'pullcost',
      async () => {
        r.pullCost = await measurePullCost(client);
      },
      onDone
    );
  if (want('latency') || want('transfer')) {
    await phase(
      r,
      'latency+transfer',
      async () => Object.assign(r, await measureLatencyAndTransfer(client, { latency: want('latency'), transfer: want('transfer') })),
      onDone
    );
  }
  const ctx = { log, sc, round, siteOpts, profileEnv, collectProfiles };
  for (const [name, key, fn] of [
    ['fanout', 'fanout', () => S.measureFanout(client, ctx)],
    ['bigdocs', 'bigDocs', () => S.measureBigDocs(client, ctx)],
    ['catchup', 'catchup', () => S.measureCatchup(client, ctx)],
    ['backfill', 'backfill', () => S.measureBackfillSizes(client, ctx, runTransfer)],
  ]) {
    if (want(name))
      await phase(
        r,
        name,
        async () => {
          r[key] = await fn();
        },
        onDone
      );
  }
  r.writeOverheadRatio = r.writeOverhead?.writeOverheadRatio ?? null;
  r.writeOverheadRatioInvoice = r.writeOverheadInvoice?.writeOverheadRatio ?? null;
  r.backfillVsTransferRatio = r.backfill?.backfillVsTransferRatio ?? null;
  r.fanoutLatencyP99Ms = r.fanout?.fanoutLatencyP99Ms ?? null;
  r.peakRssMbBigDocs = r.bigDocs?.peakRssMbBigDocs ?? null;
  r.catchupLinearity = r.catchup?.catchupLinearity ?? null;
  r.throughputRatio = r.throughputRatio ?? null;
  r.pullCostRatio = r.pullCost?.pullCostRatio ?? null;
  r.latencyP50Ms = r.latency?.latencyP50Ms ?? null;
  r.latencyP99Ms = r.latency?.latencyP99Ms ?? null;
  r.peakRssMb = r.memory?.peakRssMb ?? null;
  r.targetsMet = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, met(k, r[k])]));
  return r;
}

function table(r) {
  const rows = [];
  const f = (v, unit = '') => (v === null || v === undefined ? 'n/a' : `${v}${unit}`);
  const mark = (k) => (r.targetsMet[k] === null ? '' : r.targetsMet[k] ? 'met' : 'MISSED');
  if (r.throughput && r.direct) {
    rows.push([
      '1 throughput: streamed',
      `${f(r.throughput.streamedDocsPerSec)} docs/s (${r.throughput.docs} docs in ${f(round(r.throughput.catchUpMs / 1000, 1))} s)`,
      '',
      '',
    ]);
    rows.push(['1 throughput: direct create (ceiling)', `${f(r.direct.docsPerSec)} docs/s`, '', '']);
    rows.push(['1 throughputRatio', f(r.throughputRatio), '>= 1.0', mark('throughputRatio')]);
    rows.push([
      '1   CPU ms per doc: direct / consumer (ratio)',
      `${f(r.direct.cpuMsPerDoc)} / ${f(r.throughput.consumerCpuMsPerDoc)} (${f(r.throughputRatioCpu)})`,
      '',
      '',
    ]);
  }
  if (r.writeOverhead) {
    const w = r.writeOverhead;
    rows.push([
      '2 create+update, capture on / off',
      `mean ${w.captureOnMs.mean} / ${w.captureOffMs.mean} ms, p50 ${w.captureOnMs.p50} / ${w.captureOffMs.p50} ms`,
      '',
      '',
    ]);
    rows.push([
      '2 writeOverheadRatio (mean; p50)',
      `${f(w.writeOverheadRatio)}; ${f(w.writeOverheadRatioP50)}`,
      '<= 1.05',
      mark('writeOverheadRatio'),
    ]);
    rows.push([
      '2   same, notifier before 1ae0cb5 (mean; p50)',
      `${f(w.legacyWriteOverheadRatio)}; ${f(w.legacyWriteOverheadRatioP50)}`,
      '',
      '',
    ]);
    if (r.writeOverheadInvoice) {
      const v = r.writeOverheadInvoice;
      rows.push([
        '2b invoice create+update, capture on / off',
        `mean ${v.captureOnMs.mean} / ${v.captureOffMs.mean} ms; SQL ${v.sqlStatementsPerPair.on} vs ${v.sqlStatementsPerPair.off}`,
        '',
        '',
      ]);
      rows.push([
        '2b writeOverheadRatioInvoice (mean; p50)',
        `${f(v.writeOverheadRatio)}; ${f(v.writeOverheadRatioP50)}`,
        '<= 1.05',
        mark('writeOverheadRatioInvoice'),
      ]);
    }
    rows.push([
      '2   CPU ratio on/off; SQL statements per pair',
      `${f(w.cpuOverheadRatio)}; ${w.sqlStatementsPerPair.on} vs ${w.sqlStatementsPerPair.off}`,
      '',
      '',
    ]);
  }
  if (r.pullCost) {
    const p = r.pullCost;
    rows.push([
      `3 GET /updates (100 events), ${p.small.logRows} vs ${p.big.logRows} log rows`,
      `p50 ${p.small.ms.p50} vs ${p.big.ms.p50} ms (median of pair ratios ${p.pullCostRatioMedianOfPairs})`,
      '',
      '',
    ]);
    rows.push(['3 pullCostRatio (p50)', f(p.pullCostRatio), '<= 1.5', mark('pullCostRatio')]);
  }
  if (r.latency) {
    rows.push([`4 latency p50 (${r.latency.edits} edits)`, f(r.latencyP50Ms, ' ms'), '<= 50 ms', mark('latencyP50Ms')]);
    rows.push(['4 latency p99', f(r.latencyP99Ms, ' ms'), '<= 150 ms', mark('latencyP99Ms')]);
  }
  if (r.transfer) {
    const t = r.transfer;
    rows.push([
      `5 back-fill (${t.customers} customers + ${t.items} items)`,
      `${f(round(t.backfill.ms / 1000, 1))} s (${f(t.backfill.docsPerSec)} docs/s)`,
      '',
      '',
    ]);
    rows.push([
      '5 strapi transfer (same docs)',
      t.strapiTransfer.ok
        ? `${f(round(t.strapiTransfer.ms / 1000, 1))} s wall incl. CLI boot`
        : `failed: ${t.strapiTransfer.reason.slice(0, 100)}`,
      '',
      '',
    ]);
  }
  if (r.memory) rows.push(['6 peak RSS producer / consumer', `${f(r.memory.producer?.hwmMb)} / ${f(r.memory.consumer?.hwmMb)} MB`, '', '']);
  if (r.retention)
    rows.push([
      '7 update-log rows max (write / catch-up / final)',
      `${r.retention.maxLogRowsDuringWrite} / ${r.retention.maxLogRowsDuringCatchUp} / ${r.retention.finalLogRows}`,
      'bounded',
      r.retention.bounded ? 'met' : 'MISSED',
    ]);
  if (r.backfill) {
    for (const x of r.backfill.sizes)
      rows.push([
        `8 back-fill (bulk / per document) vs transfer, ${x.docs} docs`,
        `${f(round(x.backfill.ms / 1000, 1))} / ${f(round((x.backfillPerDocument?.ms ?? NaN) / 1000, 1))} s vs ${x.strapiTransfer.ok ? `${f(round(x.strapiTransfer.ms / 1000, 1))} s` : 'failed'} (${f(x.ratio)} / ${f(x.ratioPerDocument)})`,
        '',
        '',
      ]);
    rows.push(['8 backfillVsTransferRatio (bulk, max)', f(r.backfillVsTransferRatio), '<= 0.5', mark('backfillVsTransferRatio')]);
    rows.push(['8   per document (default), max', f(r.backfill.backfillPerDocumentVsTransferRatio), '', '']);
    rows.push([
      '8   vs transfer less its fixed cost (max)',
      `${f(r.backfill.backfillVsTransferCopyRatio)} (one-note transfer ${f(round((r.backfill.transferBaselineMs ?? NaN) / 1000, 1))} s)`,
      '',
      '',
    ]);
  }
  if (r.fanout) {
    for (const x of r.fanout.steps)
      rows.push([
        `9 fan-out, ${x.consumers} consumers`,
        `p50 ${x.latencyMs.p50} / p99 ${x.latencyMs.p99} ms; producer CPU ${x.producerCpuMsPerServed} ms per served, ${x.producerCpuMsPerEdit} ms per edit`,
        '',
        '',
      ]);
    rows.push(['9 fanoutLatencyP99Ms', f(r.fanoutLatencyP99Ms, ' ms'), '<= 250 ms', mark('fanoutLatencyP99Ms')]);
  }
  if (r.bigDocs) {
    const b = r.bigDocs;
    rows.push([
      `10 big docs (${b.docs} × ~${b.avgDocKb} KB)`,
      `${f(round(b.streamMs / 1000, 1))} s; peak RSS producer / consumer ${f(b.memory.producer?.hwmMb)} / ${f(b.memory.consumer?.hwmMb)} MB`,
      '',
      '',
    ]);
    rows.push(['10 peakRssMbBigDocs', f(r.peakRssMbBigDocs, ' MB'), '<= 600 MB', mark('peakRssMbBigDocs')]);
  }
  if (r.catchup) {
    rows.push(['11 catch-up events/s', r.catchup.sizes.map((x) => `${x.backlog}: ${x.eventsPerSec}`).join(', '), '', '']);
    rows.push(['11 catchupLinearity (max/min events/s)', f(r.catchupLinearity), '<= 1.2', mark('catchupLinearity')]);
  }
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((x) => String(x[i]).length), 6));
  const line = (x) => `| ${x.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  return [line(['measurement', 'result', 'target', '']), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function machine() {
  let commit = null;
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemGb: round(os.totalmem() / 2 ** 30, 1),
    loadAvgAtStart: os.loadavg().map((v) => round(v)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    strapi: require('@strapi/strapi/package.json').version,
    commit,
  };
}

(async () => {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  if (!process.env.BENCH_SKIP_BUILD) ensureBuilt();
  // PostgreSQL sites: the local cluster, started like `npm test` starts it (scripts/postgres.js).
  if (CLIENTS.includes('postgres')) await require('../scripts/postgres').ensurePostgres();
  // MariaDB sites: the local server on 127.0.0.1:3306 as strapi/strapi (the playground's defaults),
  // started and tuned like `npm test` does it (scripts/mariadb.js: redo log flushed once a second).
  if (CLIENTS.includes('mysql')) await require('../scripts/mariadb').ensureMariadb();
  const info = { date: new Date().toISOString(), scale: SCALE, db: CLIENTS.join('+'), only: ONLY ? [...ONLY] : null, machine: machine() };
  log(`scale ${SCALE}, db ${info.db}, ${info.machine.cpus} cores, load ${info.machine.loadAvgAtStart.join(' ')}`);
  const runs = {};
  const partial = () => fs.writeFileSync(OUT.replace(/\.json$/, '.partial.json'), `${JSON.stringify({ ...info, runs }, null, 2)}\n`);
  for (const client of CLIENTS) {
    runs[client] = { client };
    await runFor(client, runs[client], partial);
  }
  const first = runs[CLIENTS[0]];
  const results = {
    ...info,
    dbClient: CLIENTS[0],
    throughputRatio: first.throughputRatio,
    writeOverheadRatio: first.writeOverheadRatio,
    writeOverheadRatioInvoice: first.writeOverheadRatioInvoice,
    backfillVsTransferRatio: first.backfillVsTransferRatio,
    fanoutLatencyP99Ms: first.fanoutLatencyP99Ms,
    pullCostRatio: first.pullCostRatio,
    latencyP50Ms: first.latencyP50Ms,
    latencyP99Ms: first.latencyP99Ms,
    peakRssMb: first.peakRssMb,
    peakRssMbBigDocs: first.peakRssMbBigDocs,
    catchupLinearity: first.catchupLinearity,
    targetsMet: first.targetsMet,
    runs,
    loadAvgAtEnd: os.loadavg().map((v) => round(v)),
    durationS: round((Date.now() - T0) / 1000, 0),
  };
  try {
    results.chart = path.relative(REPO_ROOT, writeChart(runs, path.join(path.dirname(OUT), 'chart.svg')));
  } catch (e) {
    log(`chart not written: ${e.message}`);
  }
  fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  for (const client of CLIENTS) {
    console.log(`\n${client} (scale ${SCALE}):`);
    console.log(table(runs[client]));
  }
  console.log(`\nwrote ${path.relative(process.cwd(), OUT)} (${results.durationS} s)`);
  await stopAll();
})().catch(async (e) => {
  console.error(e && e.stack ? e.stack : e);
  await stopAll().catch(() => {});
  process.exit(1);
});

module.exports = { startSite };
