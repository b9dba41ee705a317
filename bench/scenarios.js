'use strict';
/**
 * Measurements of issue 17 (bench/run.js calls them; see bench/README.md):
 *   fanout     one producer, one real consumer (notifications) and 1 → 10 → 100 light consumers
 *              (bench/fanout.js) pulling over the real protocol while edits stream
 *   bigdocs    500 articles of ~1 MB (long text + a 20-row component list) streamed; peak RSS
 *   catchup    1k / 10k / 100k backlogged events caught up; events/s each
 *   backfill   back-fill vs `strapi transfer` at 3,000 and 30,000 documents (run.js runTransfer)
 */
const fs = require('fs');
const { startSites, startSite, expectStatus, httpRequest } = require('../tests/helpers/sites');
const L = require('./lib');
const F = require('./fanout');

/** Edits `documentId`'s name on the producer and waits until the consumer shows it; ms from the PUT's answer. */
async function editAndWait(producer, consumer, documentId, name, { pollMs = 5, timeoutMs = 30000 } = {}) {
  expectStatus(await producer.api('PUT', `/customers/${documentId}`, { data: { name } }), 'edit');
  const tc = process.hrtime.bigint();
  for (;;) {
    const res = await consumer.api('GET', `/customers/${documentId}?fields[0]=name`);
    const ms = Number(process.hrtime.bigint() - tc) / 1e6;
    if (res.status === 200 && res.body.data.name === name) return { ms, seen: true };
    if (ms > timeoutMs) return { ms, seen: false };
    await L.sleep(pollMs);
  }
}

/** POST …/pull, retried twice on a failure (a reused keep-alive socket reset under heavy machine load). */
async function pullRetry(l) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await L.pullNow(l);
    } catch (e) {
      if (attempt >= 2) throw e;
      await L.sleep(500);
    }
  }
}

/** Resets a process's VmHWM (peak RSS) to its current RSS (Linux: clear_refs 5). */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Fan-out.

async function measureFanout(client, ctx) {
  const { log, sc, round, siteOpts, profileEnv, collectProfiles } = ctx;
  const edits = sc(1000, 40);
  const steps = [1, 10, 100];
  log(`[fanout] booting producer + consumer (${client}); ${edits} edits per step, light consumers ${steps.join(' → ')}`);
  const [producer, consumer] = await startSites(
    [
      siteOpts(client, 'bench-fan-producer', { EVENT_STREAMING_PULL_CRON: L.NEVER, ...profileEnv('producer') }),
      siteOpts(client, 'bench-fan-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
    ],
    { client }
  );
  try {
    const l = await L.link(producer, consumer, [{ contentType: L.CUSTOMER, useSameName: true }]); // notifications on
    await L.setStatus(l, { [L.CUSTOMER]: 'Approved' });
    const light = await F.registerLight(producer, Math.max(...steps), [L.CUSTOMER]);
    log(`[fanout] ${light.length} light consumers registered and approved`);
    const doc = expectStatus(await producer.api('POST', '/customers', { data: { name: 'fanout v-1' } }), 'customer').body.data;
    await L.waitFor(async () => (await consumer.api('GET', `/customers/${doc.documentId}`)).status === 200, {
      timeoutMs: 30000,
      what: 'first customer on the consumer',
    });
    const out = { edits, steps: [] };
    for (const n of steps) {
      const active = light.slice(0, n);
      // Every active light consumer starts at the head (idle ones fall behind: their backlog is not served now).
      for (const c of active) while ((await F.pullOnce(producer, c, 1000)).hasMore);
      const served0 = active.reduce((a, c) => a + c.served, 0);
      const polling = F.startPolling(producer, active, { idleMs: 1000 });
      await L.sleep(1000);
      const cpu0 = L.cpuSecondsOf(producer.child.pid);
      const t0 = Date.now();
      const lat = [];
      let timeouts = 0;
      for (let i = 0; i < edits; i += 1) {
        const r = await editAndWait(producer, consumer, doc.documentId, `fanout n${n} v${i}`);
        lat.push(r.ms);
        if (!r.seen) timeouts += 1;
      }
      // Until every light consumer has been served every event of the step.
      const head = await L.maxSeq(producer).catch(() => null);
      await L.waitFor(async () => active.every((c) => head === null || c.cursor >= head), {
        timeoutMs: 120000,
        what: 'light consumers at the head',
      }).catch(() => {});
      const wallMs = Date.now() - t0;
      const cpu = L.cpuSecondsOf(producer.child.pid) - cpu0;
      await polling.stop();
      const servedLight = active.reduce((a, c) => a + c.served, 0) - served0;
      const servedPairs = servedLight + edits; // + the real consumer's
      const s = L.stats(lat);
      const step = {
        lightConsumers: n,
        consumers: n + 1,
        latencyMs: s,
        timeouts,
        wallMs,
        producerCpuS: round(cpu, 2),
        servedEventConsumerPairs: servedPairs,
        producerCpuMsPerServed: round((cpu * 1000) / servedPairs, 3),
        producerCpuMsPerEdit: round((cpu * 1000) / edits, 2),
        lightPulls: active.reduce((a, c) => a + c.pulls, 0),
        lightErrors: active.reduce((a, c) => a + c.errors, 0),
      };
      out.steps.push(step);
      log(
        `[fanout] ${n + 1} consumers: p50 ${s.p50} / p99 ${s.p99} ms, producer CPU ${step.producerCpuMsPerServed} ms per served (event × consumer)`
      );
    }
    const first = out.steps[0];
    const last = out.steps[out.steps.length - 1];
    out.fanoutLatencyP99Ms = last.latencyMs.p99;
    out.fanoutLatencyP50Ms = last.latencyMs.p50;
    // Growth of the producer's CPU per edit against the number of consumers: ≤ 1 is at most linear.
    out.cpuPerEditGrowth = round(last.producerCpuMsPerEdit / first.producerCpuMsPerEdit / (last.consumers / first.consumers), 3);
    await collectProfiles({ producer }); // BENCH_PROFILE=producer: the producer's CPU profile and SQL counts
    return out;
  } finally {
    await Promise.all([producer, consumer].map((s) => s.destroy().catch(() => {})));
  }
}

// ---------------------------------------------------------------------------------------------
// Big documents.

const bigArticle = (i, kb) => {
  const para = (seed, n) => {
    const words = [];
    let len = 0;
    for (let w = 0; len < n; w += 1) {
      const word = `w${(seed * 7919 + w * 104729) % 99991}`;
      words.push(word);
      len += word.length + 1;
    }
    return words.join(' ').slice(0, n);
  };
  const rows = 20;
  const bodyBytes = Math.round(kb * 1024 * 0.3);
  const rowBytes = Math.round((kb * 1024 * 0.7) / rows);
  return {
    title: `Big article ${i}`,
    body: para(i, bodyBytes),
    blocks: Array.from({ length: rows }, (_, k) => ({ __component: 'content.text', text: para(i * 100 + k, rowBytes) })),
  };
};

async function measureBigDocs(client, ctx) {
  const { log, sc, round, siteOpts } = ctx;
  const docs = sc(500, 20);
  const kb = 950; // REST bodies are limited to 1 MB (koa-body's default jsonLimit)
  // Both sites run with a V8 heap cap, as a memory-bounded deployment would (BENCH_BIGDOCS_HEAP_MB,
  // 0: none). Uncapped, V8 lets the old space grow towards its default limit (about 4 GB on a
  // 24 GB machine) before it collects, so the peak RSS measured its laziness more than what the
  // streaming holds; capped, a working set over the cap fails the run (out of memory) instead.
  const heapMb = Number(process.env.BENCH_BIGDOCS_HEAP_MB ?? 512);
  const heap = heapMb > 0 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --max-old-space-size=${heapMb}`.trim() } : {};
  log(`[bigdocs] booting producer + consumer (${client}); ${docs} articles of ~${kb} KB; heap cap ${heapMb || 'none'}`);
  const [producer, consumer] = await startSites(
    [
      siteOpts(client, 'bench-big-producer', { EVENT_STREAMING_PULL_CRON: L.NEVER, ...heap }),
      siteOpts(client, 'bench-big-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER, ...heap }),
    ],
    { client }
  );
  try {
    const l = await L.link(producer, consumer, [{ contentType: L.ARTICLE, useSameName: true }], { pullOnly: true });
    await L.setStatus(l, { [L.ARTICLE]: 'Approved' });
    await L.pullNow(l); // learns the status
    const t0 = Date.now();
    let bytes = 0;
    await L.pool(docs, 2, async (i) => {
      const data = bigArticle(i, kb);
      bytes += JSON.stringify(data).length;
      expectStatus(await producer.api('POST', '/articles?status=published', { data }), 'big article');
    });
    const writeMs = Date.now() - t0;
    log(`[bigdocs] written in ${(writeMs / 1000).toFixed(1)} s (${Math.round(bytes / docs / 1024)} KB per doc); streaming`);
    const afterWrite = { producer: L.memOf(producer.child.pid), consumer: L.memOf(consumer.child.pid) };
    const reset = resetPeak(producer.child.pid) && resetPeak(consumer.child.pid);
    const t1 = Date.now();
    const totals = { pulls: 0, pulled: 0, applied: 0, failed: 0 };
    let maxRss = { producer: 0, consumer: 0 };
    const sampler = setInterval(() => {
      for (const [k, s] of [
        ['producer', producer],
        ['consumer', consumer],
      ])
        maxRss[k] = Math.max(maxRss[k], L.memOf(s.child.pid)?.rssMb ?? 0);
    }, 200);
    try {
      for (;;) {
        const r = await pullRetry(l);
        totals.pulls += 1;
        totals.pulled += r.pulled;
        totals.applied += r.applied;
        totals.failed += r.failed;
        if (!r.pulled) break;
      }
    } finally {
      clearInterval(sampler);
    }
    const streamMs = Date.now() - t1;
    const mem = { producer: L.memOf(producer.child.pid), consumer: L.memOf(consumer.child.pid) };
    const onConsumer = await L.restCount(consumer, 'articles');
    return {
      docs,
      heapCapMb: heapMb || null,
      avgDocKb: Math.round(bytes / docs / 1024),
      writeMs,
      streamMs,
      docsPerSec: round((docs * 1000) / streamMs),
      ...totals,
      onConsumer,
      complete: onConsumer === docs,
      peakResetBeforeStreaming: reset,
      memoryAfterWrite: afterWrite,
      memory: mem,
      sampledMaxRssMb: maxRss,
      // The peak of the streaming phase (VmHWM reset after the writes; else the process's lifetime peak).
      peakRssMbBigDocs: Math.max(mem.producer?.hwmMb ?? 0, mem.consumer?.hwmMb ?? 0),
    };
  } finally {
    await Promise.all([producer, consumer].map((s) => s.destroy().catch(() => {})));
  }
}

// ---------------------------------------------------------------------------------------------
// Catch-up linearity.

/** Puts `n` customer Create entries into the producer's outbox (what capture writes), in chunks. */
async function fillOutbox(site, n, template, tag) {
  return L.withDb(site, async (db) => {
    const chunk = 500;
    const now = new Date().toISOString();
    for (let i = 0; i < n; i += chunk) {
      const rows = [];
      for (let k = i; k < Math.min(n, i + chunk); k += 1) {
        rows.push(
          JSON.stringify({
            ...template,
            targetDocumentId: `bk${tag}${String(k).padStart(7, '0')}`.slice(0, 24).padEnd(24, 'x'),
            data: { ...template.data, name: `Backlog ${tag} ${k}`, email: null },
            createdAt: now,
          })
        );
      }
      // With its size, as capture writes it (the sequencer bounds its batches by it).
      await db.run(
        `INSERT INTO ${L.OUTBOX_TABLE} (entry, entry_chars) VALUES ${rows.map(() => '(?, ?)').join(', ')}`,
        rows.flatMap((r) => [r, r.length])
      );
    }
  });
}

/**
 * The sizes of a scenario at scale 1 (`BENCH_CATCHUP_SIZES` / `BENCH_BACKFILL_SIZES`: a comma-separated
 * list instead of the default, e.g. when a slow machine cannot run the 100k backlog in its time),
 * each times the scale with the given minimums.
 */
function sizesFrom(envName, defaults, sc, minimums) {
  const given = (process.env[envName] || '')
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isInteger(v) && v > 0);
  const list = given.length ? given : defaults;
  return list.map((n, i) => sc(n, minimums[Math.min(i, minimums.length - 1)]));
}

async function measureCatchup(client, ctx) {
  const { log, sc, round, siteOpts } = ctx;
  const sizes = sizesFrom('BENCH_CATCHUP_SIZES', [1000, 10000, 100000], sc, [100, 300, 1000]);
  log(`[catchup] booting producer + consumer (${client}); backlogs ${sizes.join(', ')}`);
  const [producer, consumer] = await startSites(
    [
      siteOpts(client, 'bench-cu-producer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
      siteOpts(client, 'bench-cu-consumer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
    ],
    { client }
  );
  try {
    const l = await L.link(producer, consumer, [{ contentType: L.CUSTOMER, useSameName: true }], { pullOnly: true });
    await L.setStatus(l, { [L.CUSTOMER]: 'Approved' });
    await L.pullNow(l);
    // A real event as the template of the synthetic ones (same shape, same origin).
    expectStatus(await producer.api('POST', '/customers', { data: { name: 'template', email: 't@bench.test' } }), 'customer');
    await L.pullNow(l);
    const [row] = await L.withDb(producer, (db) =>
      db.all(`SELECT update_type, content_type, doc_locale, data, origin_site_id FROM ${L.LOG_TABLE} ORDER BY seq DESC LIMIT 1`)
    );
    const template = {
      updateType: 'Create',
      contentType: row.content_type,
      docLocale: null,
      data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
      originSiteId: row.origin_site_id,
    };
    // A light consumer whose pull sequences the backlog before the timed catch-up.
    const [seqr] = await F.registerLight(producer, 1, [L.CUSTOMER], { prefix: 'benchseq' });
    const out = { sizes: [] };
    for (const [k, n] of sizes.entries()) {
      const ti = Date.now();
      await fillOutbox(producer, n, template, `s${k}`);
      await F.pullOnce(producer, seqr, 1); // runs the sequencer (untimed)
      const prepMs = Date.now() - ti;
      const cpu0 = L.cpuSecondsOf(consumer.child.pid);
      const t0 = Date.now();
      let pulled = 0;
      let failed = 0;
      for (;;) {
        const r = await pullRetry(l);
        pulled += r.pulled;
        failed += r.failed;
        if (!r.pulled) break;
      }
      const ms = Date.now() - t0;
      const step = {
        backlog: n,
        pulled,
        failed,
        ms,
        eventsPerSec: round((pulled * 1000) / ms, 1),
        consumerCpuMsPerEvent: round(((L.cpuSecondsOf(consumer.child.pid) - cpu0) * 1000) / pulled, 2),
        prepareMs: prepMs,
      };
      out.sizes.push(step);
      log(`[catchup] ${n} events: ${(ms / 1000).toFixed(1)} s, ${step.eventsPerSec} events/s`);
    }
    out.onConsumer = await L.restCount(consumer, 'customers');
    const rates = out.sizes.map((s) => s.eventsPerSec);
    // max/min of the events/s (1 = perfectly linear; target ≤ 1.2, i.e. within 20 %).
    out.catchupLinearity = round(Math.max(...rates) / Math.min(...rates), 3);
    return out;
  } finally {
    await Promise.all([producer, consumer].map((s) => s.destroy().catch(() => {})));
  }
}

// ---------------------------------------------------------------------------------------------
// Back-fill vs `strapi transfer` at two sizes.

async function measureBackfillSizes(client, ctx, runTransfer) {
  const { log, sc, round, siteOpts, profileEnv, collectProfiles } = ctx;
  const sizes = sizesFrom('BENCH_BACKFILL_SIZES', [3000, 30000], sc, [150, 600]);
  log(`[backfill] booting producer + transfer target (${client}); ${sizes.join(' and ')} documents`);
  const [producer, dest] = await startSites(
    [
      siteOpts(client, 'bench-bf-producer', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
      siteOpts(client, 'bench-bf-dest', { EVENT_STREAMING_PULL_CRON: L.NEVER }),
    ],
    { client }
  );
  const out = { sizes: [] };
  try {
    // The CLI's fixed cost: a transfer of one note (boot of the CLI and of the producer app,
    // handshake; a transfer of an empty type fails at its links stage).
    expectStatus(await producer.api('POST', '/notes', { data: { text: 'transfer baseline' } }), 'note');
    const base = await runTransfer(producer, dest, null, { baseline: true });
    out.transferBaselineMs = base.ok ? base.ms : null;
    log(`[backfill] strapi transfer of one note (fixed cost): ${base.ok ? `${base.ms} ms` : base.reason}`);
    let seeded = 0;
    for (const total of sizes) {
      // Two thirds customers, one third items (as measurement 5); capture off (no consumer yet approved).
      const add = total - seeded;
      const c0 = Math.round((seeded * 2) / 3);
      const nc = Math.round((total * 2) / 3) - c0;
      const ni = add - nc;
      log(`[backfill] seeding ${nc} customers + ${ni} items (total ${total})`);
      await L.pool(nc, 4, async (i) => {
        expectStatus(await producer.api('POST', '/customers', { data: { name: `Seed customer ${c0 + i}` } }), 'customer');
      });
      const i0 = seeded - c0;
      await L.pool(ni, 4, async (i) => {
        expectStatus(await producer.api('POST', '/items', { data: { name: `Seed item ${i0 + i}`, sku: `S-${i0 + i}`, price: 2 } }), 'item');
      });
      seeded = total;
      const expected = { customers: await L.restCount(producer, 'customers'), items: await L.restCount(producer, 'items') };
      // Back-fill into a fresh site, once per mode: every document through the Document Service
      // (the default), then with bulkBackfill (a page's plain documents in one insert, as transfer writes).
      const backfillInto = async (mode) => {
        // BENCH_PROFILE=consumer: the bulk target's CPU profile and SQL counts.
        const env = {
          EVENT_STREAMING_PULL_CRON: L.NEVER,
          ...(mode === 'bulk' ? { EVENT_STREAMING_BULK_BACKFILL: 'true', ...profileEnv('consumer') } : {}),
        };
        const target = await startSite(siteOpts(client, `bench-bf-${mode}-${total}`, env));
        try {
          const { ms, body: bf } = await L.timedBackfill(producer, target);
          const got = { customers: await L.restCount(target, 'customers'), items: await L.restCount(target, 'items') };
          log(`[backfill] ${total} (${mode}): back-fill ${ms} ms (${bf.copied} copied, ${bf.bulk ?? 0} in bulk, ${bf.failed} failed)`);
          if (mode === 'bulk') await collectProfiles({ consumer: target });
          return {
            ms,
            copied: bf.copied,
            bulk: bf.bulk ?? 0,
            failed: bf.failed,
            onTarget: got,
            complete: got.customers === expected.customers && got.items === expected.items,
          };
        } finally {
          await target.destroy().catch(() => {});
        }
      };
      const perDocument = await backfillInto('document');
      const bulk = await backfillInto('bulk');
      const transfer = await runTransfer(producer, dest, expected);
      log(`[backfill] ${total}: strapi transfer ${transfer.ok ? `${transfer.ms} ms` : `failed: ${transfer.reason}`}`);
      const copyMs =
        transfer.ok && out.transferBaselineMs !== null && transfer.ms > out.transferBaselineMs
          ? transfer.ms - out.transferBaselineMs
          : null;
      out.sizes.push({
        docs: total,
        expected,
        // The headline is the bulk mode: what transfer does (plain inserts, no per-document pipeline).
        backfill: bulk,
        backfillPerDocument: perDocument,
        strapiTransfer: transfer,
        ratio: transfer.ok ? round(bulk.ms / transfer.ms, 3) : null,
        ratioPerDocument: transfer.ok ? round(perDocument.ms / transfer.ms, 3) : null,
        // Against the copy itself: transfer's wall time less its fixed cost (the one-note transfer).
        transferCopyMs: copyMs,
        ratioVsCopy: copyMs ? round(bulk.ms / copyMs, 3) : null,
        ratioPerDocumentVsCopy: copyMs ? round(perDocument.ms / copyMs, 3) : null,
      });
    }
    const ratios = out.sizes.map((s) => s.ratio).filter((r) => r !== null);
    out.backfillVsTransferRatio = ratios.length ? Math.max(...ratios) : null;
    const copy = out.sizes.map((s) => s.ratioVsCopy).filter((r) => r !== null);
    out.backfillVsTransferCopyRatio = copy.length ? Math.max(...copy) : null;
    const perDoc = out.sizes.map((s) => s.ratioPerDocument).filter((r) => r !== null);
    out.backfillPerDocumentVsTransferRatio = perDoc.length ? Math.max(...perDoc) : null;
    return out;
  } finally {
    await Promise.all([producer, dest].map((s) => s.destroy().catch(() => {})));
  }
}

module.exports = { measureFanout, measureBigDocs, measureCatchup, measureBackfillSizes, editAndWait, httpRequest };
