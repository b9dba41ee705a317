'use strict';
/**
 * Lightweight consumers for the fan-out measurement (bench/scenarios.js): each has its own API
 * token on the producer, registers over the real protocol (POST /api/event-streaming/register),
 * is Approved by the producer's admin, and pulls GET /api/event-streaming/updates in a loop
 * (no callback URL: pull-only, one poll every `idleMs` when it is at the head). They apply
 * nothing: they count the events served to them.
 */
const { expectStatus, httpRequest } = require('../tests/helpers/sites');
const { PRODUCER_TOKEN_PERMISSIONS } = require('../tests/helpers/permissions');
const L = require('./lib');

const API = '/api/event-streaming';

/** Registers `n` light consumers of `contentTypes` on `producer` and approves them. */
async function registerLight(producer, n, contentTypes, { prefix = 'benchlight' } = {}) {
  const run = Date.now().toString(36);
  const out = [];
  await L.pool(n, 4, async (i) => {
    const token = await producer.createApiToken({
      name: `${prefix}-${run}-${i}`,
      type: 'custom',
      permissions: PRODUCER_TOKEN_PERMISSIONS,
    });
    const siteId = `${prefix}-${run}-${String(i).padStart(4, '0')}`;
    const res = expectStatus(
      await httpRequest(`${producer.url}${API}/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.accessKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          siteId,
          name: `light ${i}`,
          callbackUrl: null,
          subscriptions: contentTypes.map((contentType) => ({ contentType })),
        }),
      }),
      'register light consumer'
    );
    out[i] = { token: token.accessKey, siteId, cursor: Number(res.body.headSeq), served: 0, pulls: 0, errors: 0 };
  });
  const listed = expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'list consumers').body.data;
  const bySite = new Map(listed.map((c) => [c.consumerSiteId, c.id]));
  await L.pool(out.length, 4, async (i) => {
    const c = out[i];
    c.id = bySite.get(c.siteId);
    if (!c.id) throw new Error(`light consumer ${c.siteId} not listed on the producer`);
    expectStatus(
      await producer.admin('PUT', `/event-streaming/consumers/${c.id}/subscriptions`, {
        subscriptions: contentTypes.map((contentType) => ({ contentType, status: 'Approved' })),
      }),
      'approve light consumer'
    );
  });
  return out;
}

/** One pull of a light consumer; returns the number of events served. */
async function pullOnce(producer, c, limit = 100) {
  const res = await httpRequest(`${producer.url}${API}/updates?after=${c.cursor}&limit=${limit}`, {
    headers: { authorization: `Bearer ${c.token}`, 'x-event-streaming-site': c.siteId },
    timeoutMs: 60000,
  });
  c.pulls += 1;
  if (res.status !== 200) {
    c.errors += 1;
    return { n: 0, hasMore: false };
  }
  c.cursor = Number(res.body.nextCursor);
  c.served += res.body.events.length;
  return { n: res.body.events.length, hasMore: res.body.hasMore === true };
}

/** Starts polling loops for `consumers`; `stop()` ends them (awaitable). */
function startPolling(producer, consumers, { idleMs = 500 } = {}) {
  let running = true;
  const loops = consumers.map(async (c, i) => {
    await L.sleep((idleMs * i) / Math.max(1, consumers.length)); // spread the polls
    while (running) {
      const r = await pullOnce(producer, c).catch(() => ({ n: 0, hasMore: false }));
      if (!r.hasMore) await L.sleep(idleMs);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

module.exports = { registerLight, pullOnce, startPolling };
