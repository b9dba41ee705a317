/**
 * Issue 16 (5, 6): the health endpoint (JSON and Prometheus text, API token with the
 * monitor.health permission), alerts sent once with one recovery (state kept across a restart),
 * and the per-minute series behind the admin charts. Two real sites; a local webhook receiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { sql } from '../helpers/db';
import { CUSTOMER } from '../helpers/uids';
import { STREAM_ACTIONS } from '../../server/src/constants';

interface Alert {
  type: 'alert' | 'recovery';
  key: string;
  reason: string;
  siteId: string;
  lagEvents: number;
}

let P: Site;
let C: Site;
let l: Link;
let receiver: http.Server;
const received: Alert[] = [];
const TICK = '*/2 * * * * *';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const health = async (site: Site, token: string, query = '') =>
  expectStatus(await site.api('GET', `/event-streaming/health${query}`, undefined, { token }), `health of ${site.name}`);
const alertsFor = (key: string, siteId: string) => received.filter((a) => a.key === key && a.siteId === siteId);
const siteIdOf = async (s: Site): Promise<string> => expectStatus(await s.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
const createCustomers = async (tag: string, n: number) => {
  for (let i = 0; i < n; i += 1)
    expectStatus(await P.api('POST', '/customers', { data: { name: `${tag}-${i}` } }), `create ${tag}-${i}`, [200, 201]);
};

let monitorP: string;
let monitorC: string;
let pSite: string;
let cSite: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Alert);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const alerts = JSON.stringify({
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
    lagEvents: 3,
    forMinutes: 0,
  });
  const env = { EVENT_STREAMING_PULL_CRON: TICK, EVENT_STREAMING_ALERTS: alerts, EVENT_STREAMING_LEASE_MS: '3000' };
  [P, C] = await startSites([
    { name: 'monitor-producer', env },
    { name: 'monitor-consumer', env },
  ]);
  l = await link(P, C, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  const perm = [STREAM_ACTIONS.health];
  monitorP = (await P.createApiToken({ name: 'prometheus', type: 'custom', permissions: perm })).accessKey;
  monitorC = (await C.createApiToken({ name: 'prometheus', type: 'custom', permissions: perm })).accessKey;
  [pSite, cSite] = [await siteIdOf(P), await siteIdOf(C)];
}, 300_000);

afterAll(async () => {
  await stopAll();
  await new Promise((r) => receiver.close(r));
});

test('the health endpoint needs an API token holding monitor.health: 401/403 without, 403 with a read-only or a stream token', async () => {
  const anonymous = await P.api('GET', '/event-streaming/health', undefined, { token: null });
  expect([401, 403]).toContain(anonymous.status);
  const readOnly = (await P.createApiToken({ name: 'read-only', type: 'read-only' })).accessKey;
  expect((await P.api('GET', '/event-streaming/health', undefined, { token: readOnly })).status).toBe(403);
  expect((await P.api('GET', '/event-streaming/metrics', undefined, { token: l.token })).status).toBe(403);
  expect((await P.api('GET', '/event-streaming/health', undefined, { token: monitorP })).status).toBe(200);
  expect((await P.api('GET', '/event-streaming/health?format=xml', undefined, { token: monitorP })).status).toBe(400);
});

test('writes while the consumer is stopped: the producer reports its lag (JSON and Prometheus), alerts once, recovers once', async () => {
  const tag = `mon-${Date.now().toString(36)}`;
  await createCustomers(`${tag}-a`, 1);
  // Caught up: the consumer applied it, and its next pull acknowledged everything.
  await eventually(async () => (await sql(C, `SELECT COUNT(*) AS n FROM customers WHERE name LIKE ?`, [`${tag}-a%`]))[0].n > 0, 'applied');
  await eventually(async () => (await health(P, monitorP)).body.consumers[0]?.lagEvents === 0, 'the consumer caught up');
  await C.stop();
  const started = Date.now();
  await createCustomers(`${tag}-b`, 5);

  const report = (await health(P, monitorP)).body;
  const consumer = report.consumers.find((c: { id: number }) => c.id === l.consumerId);
  expect(consumer).toMatchObject({ consumerSiteId: cSite, lagEvents: 5, headSeq: consumer.ackSeq + 5 });
  expect(consumer.lagSeconds).toBeGreaterThanOrEqual(0);
  expect(consumer.lagSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);

  const text = await P.api('GET', '/event-streaming/metrics', undefined, { token: monitorP });
  expect(text.status).toBe(200);
  expect(String(text.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(text.text).toContain('# TYPE event_streaming_consumer_lag_events gauge');
  expect(text.text).toContain(`event_streaming_consumer_lag_events{consumer="monitor-consumer",consumer_site_id="${cSite}"} 5\n`);
  expect((await P.api('GET', '/event-streaming/health?format=prometheus', undefined, { token: monitorP })).text).toContain(
    '# HELP event_streaming_consumer_lag_seconds '
  );

  // Lag 5 >= threshold 3 for 0 minutes: one alert, and no second one on later ticks.
  const key = `consumer:${l.consumerId}`;
  await eventually(async () => alertsFor(key, pSite).length > 0, 'the lag alert');
  await sleep(5_000);
  expect(alertsFor(key, pSite).map((a) => a.type)).toEqual(['alert']);
  expect(alertsFor(key, pSite)[0].reason).toMatch(/^lagging [345] events \(threshold 3\)$/);

  await C.restart();
  await eventually(async () => (await health(P, monitorP)).body.consumers[0]?.lagEvents === 0, 'the consumer caught up again', 60_000);
  await eventually(async () => alertsFor(key, pSite).length === 2, 'the recovery');
  await sleep(5_000);
  expect(alertsFor(key, pSite).map((a) => a.type)).toEqual(['alert', 'recovery']);
}, 240_000);

test('the producer stopped: the consumer alerts once (not again after its own restart) and sends one recovery', async () => {
  const key = `producer:${l.producerId}`;
  if (!C.running) await C.restart();
  await P.stop();
  await eventually(async () => alertsFor(key, cSite).length > 0, 'the failure alert', 60_000);
  const down = (await health(C, monitorC)).body.producers[0];
  expect(down.lastError).toBeTruthy();
  expect((await C.api('GET', '/event-streaming/metrics', undefined, { token: monitorC })).text).toContain(
    `event_streaming_producer_up{producer="${P.url}",producer_site_id="${pSite}"} 0\n`
  );
  await C.restart(); // the alert state is persisted: no second alert
  await sleep(6_000);
  expect(alertsFor(key, cSite).map((a) => a.type)).toEqual(['alert']);
  expect(alertsFor(key, cSite)[0].reason).toBe('failing');
  expect((await health(C, monitorC)).body.producers[0].lagSeconds).toBeGreaterThanOrEqual(6); // failing: since the last success

  await P.restart();
  await eventually(async () => alertsFor(key, cSite).length === 2, 'the recovery', 60_000);
  await sleep(5_000);
  expect(alertsFor(key, cSite).map((a) => a.type)).toEqual(['alert', 'recovery']);
  const up = (await health(C, monitorC)).body.producers[0];
  expect(up).toMatchObject({ lastError: null, lagEvents: 0, lagSeconds: 0, failedEvents: 0 });
}, 240_000);

test('the series of the admin charts counts every event applied, per minute, with the lag', async () => {
  for (const s of [P, C]) if (!s.running) await s.restart();
  await createCustomers(`series-${Date.now().toString(36)}`, 4);
  const synced = async () =>
    Number(
      (await sql(C, `SELECT COUNT(*) AS n FROM event_streaming_sync_logs WHERE status = 'Synced' AND producer_id = ?`, [l.producerId]))[0].n
    );
  await eventually(async () => (await synced()) === 10, '10 events applied', 60_000);
  const series = expectStatus(await C.admin('GET', `/event-streaming/metrics/producer/${l.producerId}`), 'series').body.data;
  expect(series.reduce((n: number, p: { events: number }) => n + p.events, 0)).toBe(10);
  for (const p of series) expect(new Date(p.minute).getUTCSeconds()).toBe(0);
  // Producer side: the consumer's acknowledged events; its 5-event lag while stopped is in a sample.
  const served = expectStatus(await P.admin('GET', `/event-streaming/metrics/consumer/${l.consumerId}?hours=24`), 'series').body.data;
  expect(Math.max(...served.map((p: { lagEvents: number }) => p.lagEvents))).toBeGreaterThanOrEqual(5);
  expect((await C.admin('GET', `/event-streaming/metrics/other/${l.producerId}`)).status).toBe(400);
  expect((await C.admin('GET', `/event-streaming/metrics/producer/${l.producerId}?hours=25`)).status).toBe(400);
}, 120_000);
