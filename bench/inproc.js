'use strict';
/**
 * In-process measurements (one Strapi per process, pitfall 12): boots the compiled playground
 * with createStrapi like tests/helpers/serve.js, on the database given by the environment
 * (DATABASE_CLIENT / DATABASE_FILENAME / DATABASE_NAME), and prints `RESULT {json}`.
 *
 *   node bench/inproc.js direct   <customers> <items> <invoices>
 *       the throughput ceiling: strapi.documents(uid).create of the same dataset, sequentially
 *   node bench/inproc.js overhead <pairsPerMode> <batchSize>
 *       create + update of a customer with capture on (type Approved for a consumer) vs off
 *       (Pending), interleaved batches
 *   node bench/inproc.js overhead <pairsPerMode> <batchSize> invoice
 *       the same with published sales invoices of three lines (relations, components, D&P)
 */
const { PLAYGROUND, PLAYGROUND_DIST } = require('../tests/helpers/paths');
const { CUSTOMER, INVOICE, ITEM } = require('../tests/helpers/uids');

const CONSUMER_UID = 'plugin::event-streaming.event-consumer';

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function boot() {
  const { createStrapi } = require('@strapi/strapi');
  const app = createStrapi({ appDir: PLAYGROUND, distDir: PLAYGROUND_DIST, autoReload: false, serveAdminPanel: false });
  app.log.level = process.env.STRAPI_LOG_LEVEL || 'error';
  await app.load();
  if (!app.plugin('event-streaming')) throw new Error('plugin event-streaming is not loaded (build it: npx strapi-plugin build)');
  return app;
}

async function direct(app, [nc, ni, nv]) {
  const customers = [];
  const items = [];
  let queries = 0;
  // BENCH_QUERY_STATS_FILE: statement counts by text, to compare with the consumer's (bench/query-stats.js)
  const byText = new Map();
  const statsFile = process.env.BENCH_QUERY_STATS_FILE;
  app.db.connection.on('query', (q) => {
    queries += 1;
    if (statsFile) {
      const sql = String(q.sql)
        .replace(/\s+/g, ' ')
        .replace(/'[^']*'/g, "'?'")
        .replace(/\b\d+\b/g, 'N')
        .replace(/(\?, )+\?/g, '?…')
        .slice(0, 220);
      byText.set(sql, (byText.get(sql) || 0) + 1);
    }
  });
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let i = 0; i < Number(nc); i += 1) {
    customers.push((await app.documents(CUSTOMER).create({ data: { name: `Customer ${i}`, email: `c${i}@bench.test` } })).documentId);
  }
  for (let i = 0; i < Number(ni); i += 1) {
    items.push((await app.documents(ITEM).create({ data: { name: `Item ${i}`, sku: `SKU-${i}`, price: 1 + (i % 50) } })).documentId);
  }
  const t1 = now();
  for (let i = 0; i < Number(nv); i += 1) {
    await app.documents(INVOICE).create({
      status: 'published',
      data: {
        number: `INV-${String(i).padStart(6, '0')}`,
        customer: customers[i % customers.length],
        total: 6,
        lines: [0, 1, 2].map((k) => ({ item: items[(i * 3 + k) % items.length], qty: k + 1, rate: 1 })),
      },
    });
  }
  const t2 = now();
  const cpu = process.cpuUsage(c0);
  const docs = Number(nc) + Number(ni) + Number(nv);
  if (statsFile) {
    const rows = [...byText.entries()].map(([sql, n]) => ({ sql, n })).sort((a, b) => b.n - a.n);
    require('fs').writeFileSync(statsFile, JSON.stringify(rows, null, 1));
  }
  return {
    docs,
    ms: t2 - t0,
    docsPerSec: (docs * 1000) / (t2 - t0),
    invoicesMs: t2 - t1,
    invoicesPerSec: (Number(nv) * 1000) / (t2 - t1),
    cpuMs: (cpu.user + cpu.system) / 1000,
    sqlStatements: queries,
  };
}

/**
 * The written pair of the overhead measurement. `customer`: create + update of a customer (scalar
 * only). `invoice`: create of a published sales invoice with three lines (a customer relation,
 * a repeatable component each with an item relation; Draft & Publish) + update of it, published.
 */
async function pairWriter(app, kind) {
  let counter = 0;
  if (kind !== 'invoice') {
    return {
      uid: CUSTOMER,
      create: async () => {
        counter += 1;
        return app.documents(CUSTOMER).create({ data: { name: `Writer ${counter}`, email: `w${counter}@bench.test` } });
      },
      update: (documentId) => app.documents(CUSTOMER).update({ documentId, data: { name: `Writer ${counter} (edited)` } }),
    };
  }
  const customers = [];
  const items = [];
  for (let i = 0; i < 5; i += 1) customers.push((await app.documents(CUSTOMER).create({ data: { name: `Buyer ${i}` } })).documentId);
  for (let i = 0; i < 9; i += 1)
    items.push((await app.documents(ITEM).create({ data: { name: `Good ${i}`, sku: `G-${i}`, price: 2 + i } })).documentId);
  const lines = (n, qty) => [0, 1, 2].map((k) => ({ item: items[(n * 3 + k) % items.length], qty: qty + k, rate: 2 }));
  return {
    uid: INVOICE,
    create: async () => {
      counter += 1;
      return app.documents(INVOICE).create({
        status: 'published',
        data: {
          number: `W-${String(counter).padStart(7, '0')}`,
          customer: customers[counter % customers.length],
          total: 12,
          lines: lines(counter, 1),
        },
      });
    },
    update: (documentId) =>
      app.documents(INVOICE).update({ documentId, status: 'published', data: { total: 18, lines: lines(counter + 1, 2) } }),
  };
}

async function overhead(app, [pairsPerMode, batchSize, kind = 'customer']) {
  const total = Number(pairsPerMode);
  const batch = Number(batchSize);
  const writer = await pairWriter(app, kind);
  const sub = (status) => [{ contentType: writer.uid, status, unsubscribed: false, approvedAtSeq: 0, condition: null }];
  const consumer = await app.db.query(CONSUMER_UID).create({
    data: {
      consumerSiteId: 'bench-consumer-0001',
      consumerName: 'bench',
      apiTokenId: 999999,
      subscriptions: sub('Pending'),
      ackSeq: 0,
      notifiedSeq: 0,
    },
  });
  const setMode = (on) =>
    app.db.query(CONSUMER_UID).update({ where: { id: consumer.id }, data: { subscriptions: sub(on ? 'Approved' : 'Pending') } });
  const notifier = app.plugin('event-streaming').service('notifier');
  let queries = 0;
  app.db.connection.on('query', () => {
    queries += 1;
  });
  const pair = async () => {
    const q0 = queries;
    const c0 = process.cpuUsage();
    const t0 = now();
    const doc = await writer.create();
    const t1 = now();
    await writer.update(doc.documentId);
    const t2 = now();
    const c = process.cpuUsage(c0);
    return { create: t1 - t0, update: t2 - t1, pair: t2 - t0, cpu: (c.user + c.system) / 1000, queries: queries - q0 };
  };
  // BENCH_OVERHEAD_LEGACY=1 adds a third arm, "legacy": capture on, plus the sequencer run after
  // every notification window even with no consumer to poke (the notifier before the fix).
  const legacy = process.env.BENCH_OVERHEAD_LEGACY === '1' && kind !== 'invoice';
  const realChanged = notifier.changed;
  let legacyOn = false;
  let legacyTimer = null;
  notifier.changed = function changed() {
    realChanged.call(this);
    if (!legacyOn || legacyTimer) return;
    legacyTimer = setTimeout(() => {
      legacyTimer = null;
      app
        .plugin('event-streaming')
        .service('update-log')
        .sequence()
        .catch(() => {});
    }, 25);
  };
  // Warm-up in both modes (JIT, statement caches).
  for (const on of [true, false]) {
    await setMode(on);
    for (let i = 0; i < Math.min(20, batch); i += 1) await pair();
  }
  const res = {
    on: [],
    off: [],
    onCreate: [],
    offCreate: [],
    onUpdate: [],
    offUpdate: [],
    legacy: [],
    legacyCreate: [],
    legacyUpdate: [],
    onCpu: [],
    offCpu: [],
    legacyCpu: [],
    onQueries: [],
    offQueries: [],
    legacyQueries: [],
  };
  const batches = Math.ceil(total / batch);
  // ABBA (or ABCCBA) order cancels drift within each group of batches.
  const order = legacy ? ['on', 'off', 'legacy', 'legacy', 'off', 'on'] : ['on', 'off', 'off', 'on'];
  for (let b = 0; b < batches * (legacy ? 3 : 2); b += 1) {
    const k = order[b % order.length];
    const on = k !== 'off';
    legacyOn = k === 'legacy';
    await setMode(on);
    for (let i = 0; i < batch; i += 1) {
      const r = await pair();
      res[k].push(r.pair);
      res[`${k}Create`].push(r.create);
      res[`${k}Update`].push(r.update);
      res[`${k}Cpu`].push(r.cpu);
      res[`${k}Queries`].push(r.queries);
    }
    await notifier.idle();
  }
  const logRows = await app.db.query('plugin::event-streaming.event-update-log').count({});
  return { ...res, logRows };
}

(async () => {
  const [mode, ...args] = process.argv.slice(2);
  const t0 = now();
  const app = await boot();
  const bootMs = now() - t0;
  let result;
  if (mode === 'direct') result = await direct(app, args);
  else if (mode === 'overhead') result = await overhead(app, args);
  else throw new Error(`unknown mode ${mode}`);
  const { readFileSync } = require('fs');
  const hwm = Number((readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)/m) || [])[1] || 0);
  process.stdout.write(`RESULT ${JSON.stringify({ mode, bootMs, peakRssMb: Math.round(hwm / 1024), ...result })}\n`, () => {
    // No app.destroy(): on PostgreSQL it can abort a pending pool acquisition (an unhandled
    // 'aborted' rejection, exit 1). The database is thrown away by the caller anyway.
    process.exit(0);
  });
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
