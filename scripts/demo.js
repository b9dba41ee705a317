#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: two playground sites streaming to each other, set up through the plugin's
 * admin API only.
 *
 *   head-office  http://127.0.0.1:1337   produces customers, suppliers, items
 *   branch       http://127.0.0.1:1338   produces sales invoices
 *
 * 1. builds the plugin, compiles the playground, builds the admin panel (only if missing/stale)
 * 2. boots both sites (SQLite files under .demo/, wiped at start unless --keep)
 * 3. registers an admin on each and creates the API tokens each site gives the other
 * 4. branch subscribes to head-office's customers/suppliers/items; head-office approves
 * 5. head-office subscribes to branch's sales invoices and contacts in push mode (branch, the
 *    store, connects and pushes through an uplink on STORE_UPLINK_PORT, 1339); branch approves
 * 6. creates sample content on each side and shows it arriving on the other; the store goes
 *    offline while contacts are added, and catches up when it is back (scripts/demo-push.js)
 * 7. keeps running until Ctrl-C
 *
 * Options: --keep (reuse .demo/ data, skip the setup when it was done), --once (exit after the
 * scenario: 0 when everything arrived), --no-admin (skip the admin build; API only).
 * Env: HEAD_OFFICE_PORT (1337), BRANCH_PORT (1338), DEMO_PULL_CRON ('*\/10 * * * * *').
 */
const fs = require('fs');
const path = require('path');
const { buildPlugin, compilePlayground, buildAdmin } = require('../tests/helpers/build');
const { startSites, stopAll, waitFor, expectStatus } = require('../tests/helpers/sites');
const { CONTACT, offlineStore, pushSubscribe, storeUplink } = require('./demo-push');

const ROOT = path.resolve(__dirname, '..');
const DEMO_DIR = path.join(ROOT, '.demo');
const args = new Set(process.argv.slice(2));
const KEEP = args.has('--keep');
const ONCE = args.has('--once');
const WITH_ADMIN = !args.has('--no-admin');
const PASSWORD = 'Demo12345!';
const ARRIVAL_TIMEOUT_MS = Number(process.env.DEMO_ARRIVAL_TIMEOUT_MS || 90000);

const { PRODUCER_TOKEN_PERMISSIONS } = require('../tests/helpers/permissions');

const c = {
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
  green: (s) => `\x1b[32m${s}\x1b[0m`,
  yellow: (s) => `\x1b[33m${s}\x1b[0m`,
  red: (s) => `\x1b[31m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};
const step = (s) => console.log(`\n${c.bold('==>')} ${c.bold(s)}`);
const info = (s) => console.log(`    ${s}`);
const warn = (s) => console.log(`    ${c.yellow('!')} ${s}`);

class DemoError extends Error {}

/** A failed call of the plugin's admin API: explain which contract call failed. */
function must(res, what) {
  try {
    return expectStatus(res, what);
  } catch (e) {
    const hint =
      res.status === 404 || res.status === 405
        ? ' (the route does not exist yet: is the plugin admin API implemented and the plugin rebuilt?)'
        : res.status === 403
          ? ' (forbidden: RBAC permission missing for the super admin?)'
          : '';
    throw new DemoError(`${e.message}${hint}`);
  }
}

const dataOf = (res) => (res.body && Object.prototype.hasOwnProperty.call(res.body, 'data') ? res.body.data : res.body);

/** A scoped token for the consumer; falls back to full access while the plugin's content-API actions do not exist yet. */
async function producerTokenFor(site, consumerName) {
  const name = `event-streaming: ${consumerName}`;
  try {
    const t = await site.createApiToken({
      name,
      type: 'custom',
      permissions: PRODUCER_TOKEN_PERMISSIONS,
      description: `used by ${consumerName} to stream from ${site.name}`,
    });
    info(`${site.name}: API token "${name}" (custom: the plugin's stream actions)`);
    return t.accessKey;
  } catch (e) {
    warn(`${site.name}: could not create a scoped token (${e.message.split('\n')[0].slice(0, 160)}); using a full-access token instead`);
    const t = await site.createApiToken({ name, type: 'full-access', description: `used by ${consumerName} to stream from ${site.name}` });
    return t.accessKey;
  }
}

async function subscribe(consumer, producer, contentTypes) {
  const token = await producerTokenFor(producer, consumer.name);
  const body = {
    producerUrl: producer.url,
    apiToken: token,
    subscriptions: contentTypes.map((contentType) => ({ contentType, useSameName: true })),
  };
  const res = must(
    await consumer.admin('POST', '/event-streaming/producers', body),
    `${consumer.name}: POST /event-streaming/producers (${producer.url})`
  );
  const p = dataOf(res);
  info(`${consumer.name}: Event Producer ${producer.url} created (id ${p && p.id}), subscribed to ${contentTypes.join(', ')}`);
  return p;
}

async function approve(producer, consumer, contentTypes) {
  const list =
    dataOf(must(await producer.admin('GET', '/event-streaming/consumers'), `${producer.name}: GET /event-streaming/consumers`)) || [];
  const found = list.find((x) => x.consumerName === consumer.name || (x.callbackUrl || '').startsWith(consumer.url));
  if (!found) {
    throw new DemoError(
      `${producer.name}: no Event Consumer for ${consumer.name} after registration; got ${JSON.stringify(list).slice(0, 800)}`
    );
  }
  must(
    await producer.admin('PUT', `/event-streaming/consumers/${found.id}/subscriptions`, {
      subscriptions: contentTypes.map((contentType) => ({ contentType, status: 'Approved' })),
    }),
    `${producer.name}: PUT /event-streaming/consumers/${found.id}/subscriptions`
  );
  info(`${producer.name}: approved ${contentTypes.join(', ')} for ${consumer.name} (Event Consumer ${found.id})`);
  return found;
}

async function create(site, plural, data, query = '') {
  const res = must(await site.api('POST', `/${plural}${query}`, { data }), `${site.name}: POST /api/${plural}`);
  return res.body.data;
}

/** Wait until every documentId exists on `site` (REST); returns the missing ones on timeout. */
async function arrival(site, plural, docs, label) {
  const t0 = Date.now();
  const missing = new Set(docs.map((d) => d.documentId));
  try {
    await waitFor(
      async () => {
        for (const id of [...missing]) {
          const r = await site.api('GET', `/${plural}/${id}`);
          if (r.status === 200) {
            missing.delete(id);
            info(
              `${c.green('✓')} ${label} ${c.bold(r.body.data.name || r.body.data.number)} arrived on ${site.name} after ${((Date.now() - t0) / 1000).toFixed(1)} s`
            );
          }
        }
        return missing.size === 0;
      },
      { timeoutMs: ARRIVAL_TIMEOUT_MS, intervalMs: 500, what: `${label}s on ${site.name}` }
    );
    return [];
  } catch {
    return [...missing];
  }
}

async function diagnose(consumer) {
  const producers = await consumer.admin('GET', '/event-streaming/producers');
  info(c.dim(`${consumer.name} producers: HTTP ${producers.status} ${JSON.stringify(dataOf(producers)).slice(0, 1200)}`));
  const failed = await consumer.admin('GET', '/event-streaming/sync-logs?status=Failed&pageSize=5');
  info(c.dim(`${consumer.name} failed sync logs: HTTP ${failed.status} ${JSON.stringify(dataOf(failed)).slice(0, 1200)}`));
  info(c.dim(`${consumer.name} log: ${consumer.logFile}`));
}

async function pullNow(consumer, producerRecord) {
  if (!producerRecord || producerRecord.id == null) return;
  const r = await consumer.admin('POST', `/event-streaming/producers/${producerRecord.id}/pull`);
  if (r.status >= 300) warn(`${consumer.name}: POST /event-streaming/producers/${producerRecord.id}/pull -> HTTP ${r.status}`);
}

async function main() {
  step('Building');
  buildPlugin({ log: info });
  compilePlayground({ log: info });
  if (WITH_ADMIN) buildAdmin({ log: info });
  else info('--no-admin: the admin panel is not served');

  const state = path.join(DEMO_DIR, 'state.json');
  const previous = KEEP && fs.existsSync(state) ? JSON.parse(fs.readFileSync(state, 'utf8')) : null;
  if (!KEEP) fs.rmSync(DEMO_DIR, { recursive: true, force: true });
  fs.mkdirSync(DEMO_DIR, { recursive: true });

  step(previous ? 'Starting the two sites (reusing .demo/)' : 'Starting the two sites');
  const pullCron = process.env.DEMO_PULL_CRON || '*/10 * * * * *';
  const common = { keepData: true, serveAdmin: WITH_ADMIN, logDir: path.join(DEMO_DIR, 'logs'), bootTimeoutMs: 180000 };
  const siteOpts = (name, port) => ({
    name,
    port,
    client: 'sqlite',
    dbFile: path.join(DEMO_DIR, `${name}.db`),
    admin: { email: `admin@${name}.demo`, password: PASSWORD, firstname: 'Demo', lastname: name },
    env: { NODE_ENV: 'production', EVENT_STREAMING_PULL_CRON: pullCron, SITE_NAME: name, ...(previous ? previous.secrets[name] : {}) },
  });
  const ports = { 'head-office': Number(process.env.HEAD_OFFICE_PORT || 1337), branch: Number(process.env.BRANCH_PORT || 1338) };
  const [ho, br] = await startSites([siteOpts('head-office', ports['head-office']), siteOpts('branch', ports.branch)], common).catch(
    (e) => {
      if (/EADDRINUSE/.test(e.message))
        throw new DemoError(
          `port ${ports['head-office']} or ${ports.branch} is in use (set HEAD_OFFICE_PORT / BRANCH_PORT): ${e.message.split('\n')[0]}`
        );
      throw e;
    }
  );
  for (const s of [ho, br])
    info(`${c.green('✓')} ${s.name} is up at ${s.url} (boot ${(s.bootMs / 1000).toFixed(1)} s, log ${path.relative(ROOT, s.logFile)})`);
  // Secrets must stay the same for --keep (tokens and sessions are signed/hashed with them).
  const secretKeys = ['APP_KEYS', 'ADMIN_JWT_SECRET', 'API_TOKEN_SALT', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY', 'JWT_SECRET'];
  const secrets = Object.fromEntries([ho, br].map((s) => [s.name, Object.fromEntries(secretKeys.map((k) => [k, s.env[k]]))]));
  fs.writeFileSync(state, JSON.stringify({ secrets, setupDone: previous ? previous.setupDone : false }, null, 2));

  let ok = true;
  const scene = { ho, br, must, dataOf, step, info, warn, c, timeoutMs: ARRIVAL_TIMEOUT_MS };
  if (!(previous && previous.setupDone)) {
    step('Branch subscribes to head-office: customers, suppliers, items');
    const toBranch = ['api::customer.customer', 'api::supplier.supplier', 'api::item.item'];
    const hoOnBranch = await subscribe(br, ho, toBranch);
    await approve(ho, br, toBranch);

    step('Head-office subscribes to branch (a store that pushes): sales invoices, contacts');
    const toHo = ['api::sales-invoice.sales-invoice'];
    // Branch is a store behind NAT: it pushes (scripts/demo-push.js); head-office never calls it.
    const brOnHo = await pushSubscribe(scene, [...toHo, CONTACT]);
    fs.writeFileSync(state, JSON.stringify({ secrets, setupDone: true }, null, 2));

    step('Head-office creates master data');
    const suppliers = [await create(ho, 'suppliers', { name: 'Acme Tools' }), await create(ho, 'suppliers', { name: 'Globex Paper' })];
    const customers = [
      await create(ho, 'customers', { name: 'Ada Lovelace', email: 'ada@example.com' }),
      await create(ho, 'customers', { name: 'Grace Hopper', email: 'grace@example.com' }),
    ];
    const items = [
      await create(ho, 'items', { name: 'Hammer', sku: 'HAM-1', price: 12.5, supplier: suppliers[0].documentId }),
      await create(ho, 'items', { name: 'Notebook', sku: 'NB-A5', price: 3.2, supplier: suppliers[1].documentId }),
    ];
    info(`created ${suppliers.length} suppliers, ${customers.length} customers, ${items.length} items on head-office`);
    const nudge = setTimeout(() => pullNow(br, hoOnBranch).catch(() => {}), 15000);
    const missing = [
      ...(await arrival(br, 'suppliers', suppliers, 'supplier')),
      ...(await arrival(br, 'customers', customers, 'customer')),
      ...(await arrival(br, 'items', items, 'item')),
    ];
    clearTimeout(nudge);
    if (missing.length) {
      ok = false;
      warn(c.red(`${missing.length} document(s) did not reach branch within ${ARRIVAL_TIMEOUT_MS / 1000} s: ${missing.join(', ')}`));
      await diagnose(br);
    } else {
      const item = await br.api('GET', `/items/${items[0].documentId}?populate=supplier`);
      const sup = item.body && item.body.data && item.body.data.supplier;
      info(`branch's ${item.body.data.name} has supplier ${sup ? c.bold(sup.name) : c.red('(missing)')}`);
    }

    step('Branch raises a sales invoice (published) for Ada');
    const invoice = await create(br, 'sales-invoices', {
      number: 'BR-0001',
      customer: customers[0].documentId,
      lines: [
        { item: items[0].documentId, qty: 2, rate: 12.5 },
        { item: items[1].documentId, qty: 10, rate: 3.2 },
      ],
      total: 57,
    });
    const nudge2 = setTimeout(() => pullNow(ho, brOnHo).catch(() => {}), 15000);
    const missingInv = await arrival(ho, 'sales-invoices', [invoice], 'sales invoice');
    clearTimeout(nudge2);
    if (missingInv.length) {
      ok = false;
      warn(c.red(`the invoice did not reach head-office within ${ARRIVAL_TIMEOUT_MS / 1000} s`));
      await diagnose(ho);
    } else {
      const inv = await ho.api('GET', `/sales-invoices/${invoice.documentId}?populate[customer]=true&populate[lines][populate]=item`);
      const d = inv.body.data;
      info(
        `head-office's ${d.number}: customer ${d.customer ? d.customer.name : '(missing)'}, ${(d.lines || []).length} lines, total ${d.total}`
      );
    }
    if (!(await offlineStore(scene, brOnHo))) ok = false;
  } else {
    info('--keep: the streams were set up on an earlier run');
    await storeUplink(scene);
  }

  step(ok ? c.green('The demo is running') : c.yellow('The demo is running (with problems, see above)'));
  for (const s of [ho, br]) {
    console.log(`\n    ${c.bold(s.name)}  ${s.url}`);
    if (WITH_ADMIN) console.log(`      admin     ${s.url}/admin   (plugin: ${s.url}/admin/plugins/event-streaming)`);
    console.log(`      login     ${s.adminEmail} / ${s.adminPassword}`);
    console.log(`      REST      curl -H 'Authorization: Bearer ${s.fullAccessToken}' ${s.url}/api/customers`);
    console.log(`      log       ${path.relative(ROOT, s.logFile)}`);
  }
  console.log(`\n    Data in ${path.relative(ROOT, DEMO_DIR)}/ (npm run demo -- --keep reuses it). Ctrl-C stops both sites.`);
  if (ONCE) {
    await stopAll();
    process.exit(ok ? 0 : 1);
  }
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n    stopping the sites...');
  await stopAll().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

main().catch(async (e) => {
  console.error(`\n${c.red('demo failed:')} ${e instanceof DemoError ? e.message : e.stack || e.message}`);
  await shutdown(1);
});
