/**
 * Issue 13: the pulls of different producers are independent. A consumer pulls two producers on
 * its cron (every second, pull-only: no notification helps): a slow one — a fake producer in this
 * test that speaks the protocol but trickles every page over 6 s — and a real producer site. The
 * real producer's changes still arrive within a few seconds, not one slow page after another.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectStatus, startSites, stopAll, waitFor, type Site } from '../helpers/sites';
import { link, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER, SUPPLIER } from '../helpers/uids';

const FAKE_SITE = '0f0f0f0f-5105-beef-0000-000000000013';
const FAKE_TOKEN = 'slow-producer-token-0123456789abcdef';
const TRICKLE_MS = 6000;

let producer: Site;
let consumer: Site;
let server: http.Server;
let l: Link;
let slowPages = 0;
let slowInFlight = 0;

/** The slow producer: registers at once; every GET /updates answers an empty page, a few bytes at a time over TRICKLE_MS. */
function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://fake');
  req.resume();
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) return json(401, { error: { message: 'who are you' } });
  if (url.pathname === '/api/event-streaming/register') {
    if (req.method === 'DELETE') return json(200, { deregistered: true });
    return json(200, { siteId: FAKE_SITE, headSeq: 0, subscriptions: [{ contentType: SUPPLIER, status: 'Approved' }] });
  }
  if (url.pathname !== '/api/event-streaming/updates') return json(404, { error: { message: 'not here' } });
  const after = Number(url.searchParams.get('after') ?? 0);
  const body = Buffer.from(
    JSON.stringify({
      siteId: FAKE_SITE,
      headSeq: after,
      epoch: 'slow-fake-epoch',
      prunedThrough: 0,
      nextCursor: after,
      hasMore: false,
      subscriptions: [{ contentType: SUPPLIER, status: 'Approved', unsubscribed: false }],
      events: [],
    })
  );
  slowInFlight += 1;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  const step = Math.ceil(body.length / 20);
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(body.subarray(sent, sent + step));
    sent += step;
    if (sent >= body.length) {
      clearInterval(timer);
      res.end();
      slowPages += 1;
    }
  }, TRICKLE_MS / 20);
  res.on('close', () => {
    clearInterval(timer);
    slowInFlight -= 1;
  });
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fakeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [producer, consumer] = await startSites([
    { name: 'ind-producer' },
    { name: 'ind-consumer', env: { EVENT_STREAMING_PULL_CRON: '*/1 * * * * *', EVENT_STREAMING_PULL_ON_BOOT: 'false' } },
  ]);
  // The slow producer first: a consumer that pulled its producers one after another would wait
  // for its page before pulling the real one.
  expectStatus(
    await consumer.admin('POST', '/event-streaming/producers', {
      producerUrl: fakeUrl,
      apiToken: FAKE_TOKEN,
      pullOnly: true,
      subscriptions: [{ contentType: SUPPLIER }],
    }),
    'create the slow Event Producer',
    201
  );
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }], { pullOnly: true });
  await setStatus(l, { [CUSTOMER]: 'Approved' });
});

afterAll(async () => {
  await stopAll();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test("a slow producer's trickled pages do not delay another producer's changes", async () => {
  // The slow producer is pulled: its pages are served whole, one every TRICKLE_MS.
  await waitFor(() => slowPages > 0, { timeoutMs: 30_000, intervalMs: 50, what: 'a slow page served' });
  const arrivals: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    // Wait until the slow producer is mid-page, so the cron is busy with it right now.
    await waitFor(() => slowInFlight > 0, { timeoutMs: 15_000, intervalMs: 20, what: 'a slow page in flight' });
    const t0 = Date.now();
    const doc = expectStatus(await producer.api('POST', '/customers', { data: { name: `ind-${i}` } }), 'create').body.data;
    await waitFor(async () => (await consumer.api('GET', `/customers/${doc.documentId}`)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: `customer ${i} on the consumer`,
    });
    arrivals.push(Date.now() - t0);
  }
  console.log(`[independent-pulls] arrivals ${JSON.stringify(arrivals)} ms; slow pages served ${slowPages} (${TRICKLE_MS} ms each)`);
  expect(slowPages).toBeGreaterThan(0);
  // Cron every second + a pull: well under one slow page each time.
  expect(Math.max(...arrivals)).toBeLessThan(TRICKLE_MS / 2);
});
