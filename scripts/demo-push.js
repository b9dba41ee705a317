'use strict';
/**
 * The demo's push mode (README "Push mode"): branch plays the seed's store "in a remote area".
 * Head-office never calls it (its Event Producer for branch's invoices and contacts is in push
 * mode, its URL a label); branch connects and pushes through an uplink — a relay on
 * 127.0.0.1:STORE_UPLINK_PORT (1339) in front of head-office — that the demo takes down while
 * the store keeps working, then brings back: the store catches up by itself.
 */
const http = require('http');
const { waitFor } = require('../tests/helpers/sites');

const CONTACT = 'api::contact.contact';

/** The store's uplink: forwards to `target` while up; refuses every connection while down. */
function startUplink(target, port) {
  const uplink = { up: true };
  const server = http.createServer((req, res) => {
    if (!uplink.up) return req.socket.destroy();
    const forward = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode || 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ uplink, url: `http://127.0.0.1:${port}`, close: () => server.close() }));
  });
}

let started = null;
/** The store's uplink to head-office (every run, also with --keep: the store pushes through it). */
async function storeUplink({ ho }) {
  started = started || (await startUplink(ho.url, Number(process.env.STORE_UPLINK_PORT || 1339)));
  return started;
}

/** Head-office streams `contentTypes` from branch in push mode; branch connects through its uplink and approves. */
async function pushSubscribe(scene, contentTypes) {
  const { ho, br, must, dataOf, info, c } = scene;
  const link = await storeUplink(scene);
  const ep = dataOf(
    must(
      await ho.admin('POST', '/event-streaming/producers', {
        producerUrl: 'http://remote-store.invalid',
        mode: 'push',
        subscriptions: contentTypes.map((contentType) => ({ contentType })),
      }),
      'head-office: POST /event-streaming/producers (push mode)'
    )
  );
  info(
    `head-office: push-mode Event Producer created (never called); push token ${c.dim(`${ep.pushToken.slice(0, 6)}…`)} handed to branch`
  );
  const ec = dataOf(
    must(
      await br.admin('POST', '/event-streaming/consumers/push', { consumerUrl: link.url, token: ep.pushToken }),
      'branch: POST /event-streaming/consumers/push'
    )
  );
  must(
    await br.admin('PUT', `/event-streaming/consumers/${ec.id}/subscriptions`, {
      subscriptions: contentTypes.map((contentType) => ({ contentType, status: 'Approved' })),
    }),
    'branch: approve'
  );
  info(`branch: connected head-office through its uplink ${link.url}, approved ${contentTypes.join(', ')}`);
  return { ...ep, consumerId: ec.id };
}

/** The store goes offline while contacts are added there, then comes back. Returns false when they did not arrive. */
async function offlineStore(scene, pushed) {
  const { ho, br, must, dataOf, step, info, warn, c, timeoutMs } = scene;
  const link = await storeUplink(scene);
  step('Branch, a store in a remote area, goes offline for a while');
  link.uplink.up = false;
  info(c.yellow('the uplink is down; branch keeps taking contacts'));
  const created = [];
  for (const fullName of ['Offline Olga', 'Offline Omar', 'Offline Otto']) {
    created.push(dataOf(must(await br.api('POST', '/contacts', { data: { fullName } }), 'branch: POST /api/contacts')));
  }
  await new Promise((r) => setTimeout(r, 3000));
  const seen = (await Promise.all(created.map((d) => ho.api('GET', `/contacts/${d.documentId}`)))).filter((r) => r.status === 200);
  info(`after 3 s offline: ${seen.length} of ${created.length} contacts on head-office`);
  link.uplink.up = true;
  info(c.green('the uplink is back'));
  const t0 = Date.now();
  try {
    await waitFor(
      async () => {
        await br.admin('POST', `/event-streaming/consumers/${pushed.consumerId}/push`).catch(() => {});
        const here = await Promise.all(created.map((d) => ho.api('GET', `/contacts/${d.documentId}`)));
        return here.every((r) => r.status === 200);
      },
      { timeoutMs, intervalMs: 1000, what: 'the store catching up' }
    );
    info(
      `${c.green('✓')} the ${created.length} contacts reached head-office ${((Date.now() - t0) / 1000).toFixed(1)} s after the store came back`
    );
    return true;
  } catch {
    warn(c.red('the store did not catch up'));
    return false;
  }
}

module.exports = { storeUplink, pushSubscribe, offlineStore, CONTACT };
