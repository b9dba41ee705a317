'use strict';
/**
 * The demo's push-mode scene (README "Push mode"): branch plays the seed's store "in a remote
 * area" for its contacts. Head-office cannot call it (its Event Producer for them is in push
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

/** Sets up the push-mode stream (first run only) and plays the offline stretch. Returns false when something did not arrive. */
async function offlineStore({ ho, br, must, dataOf, step, info, warn, c, firstRun, timeoutMs }) {
  const port = Number(process.env.STORE_UPLINK_PORT || 1339);
  const link = await startUplink(ho.url, port);
  if (!firstRun) {
    info(`branch pushes its contacts to head-office through ${link.url}`);
    return true;
  }
  step('Branch as an offline store: its contacts reach head-office by push (head-office never calls it)');
  const ep = dataOf(
    must(
      await ho.admin('POST', '/event-streaming/producers', {
        producerUrl: 'http://remote-store.invalid',
        mode: 'push',
        subscriptions: [{ contentType: CONTACT }],
      }),
      'head-office: POST /event-streaming/producers (push mode)'
    )
  );
  info(`head-office: push-mode Event Producer created; push token ${c.dim(`${ep.pushToken.slice(0, 6)}…`)} handed to the store`);
  const ec = dataOf(
    must(
      await br.admin('POST', '/event-streaming/consumers/push', { consumerUrl: link.url, token: ep.pushToken }),
      'branch: POST /event-streaming/consumers/push'
    )
  );
  must(
    await br.admin('PUT', `/event-streaming/consumers/${ec.id}/subscriptions`, {
      subscriptions: [{ contentType: CONTACT, status: 'Approved' }],
    }),
    'branch: approve contacts'
  );
  info(`branch: connected head-office (${link.url}) and approved contacts`);

  link.uplink.up = false;
  info(c.yellow('the store goes offline (its uplink is down); it keeps taking contacts'));
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
        await br.admin('POST', `/event-streaming/consumers/${ec.id}/push`).catch(() => {});
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

module.exports = { offlineStore };
