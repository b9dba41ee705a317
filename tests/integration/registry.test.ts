/**
 * The producer-side registration surface (issues 13 and 14.3/14.4), between two real playground
 * sites: P (producer; prunes its update log every second, retention 0 days, a consumer that has
 * not pulled for 0.0003 days ≈ 26 s is stale) and C (consumer, pulls every 2 s). A third consumer
 * "Y" is registered on P straight through the site-to-site API and never pulls.
 *
 *  - unsubscribing keeps the type's row and approval; subscribing again restores it (14.4)
 *  - a consumer rotates its API token, proving itself with the old one; approvals and cursor stay (14.3)
 *  - /notify is accepted only with the callback token of that producer, also an admin-supplied one (13)
 *  - a changed callback URL waits for the producer admin's approval; no pokes meanwhile (13)
 *  - a consumer that stopped pulling no longer pins the update log (13)
 *  - peer-supplied names reach the log with their control characters escaped (13)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { CALLBACK_TOKEN_PERMISSIONS } from '../../server/src/constants';
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus, STREAM_PERMISSIONS, type Link } from '../helpers/streaming';
import { countLogLines, expectClientError } from '../helpers/security';
import { CUSTOMER, ITEM } from '../helpers/uids';

const NOTIFY_LINE = /POST \/api\/event-streaming\/notify /;
const FORGED = 'Y site\nforged: admin logged in\u001b[2J';

let P: Site;
let C: Site;
let l: Link;
let cSiteId: string;
let pSiteId: string;
let yToken: string;
let yAck: number;

const consumerOnP = async (id: number) => expectStatus(await P.admin('GET', `/event-streaming/consumers/${id}`), 'consumer').body.data;
const producerOnC = async () => expectStatus(await C.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
const subOf = (subs: any[], uid: string) => subs.find((s) => s.contentType === uid);
const createCustomer = async (name: string): Promise<string> =>
  expectStatus(await P.api('POST', '/customers', { data: { name } }), name).body.data.documentId;
const arrives = (documentId: string, what: string) =>
  eventually(async () => (await getDoc(C, 'customers', documentId)) !== null, what, 30_000);

/** Saves C's Event Producer as the edit form does (re-registers on P). */
async function saveProducer(
  subs: Array<{ contentType: string; unsubscribed?: boolean }>,
  extra: Record<string, unknown> = {},
  expected = 200
) {
  const res = await C.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
    producerUrl: P.url,
    subscriptions: subs.map((s) => ({ useSameName: true, unsubscribed: false, ...s })),
    ...extra,
  });
  return expectStatus(res, 'save Event Producer', expected);
}
const BOTH = [{ contentType: CUSTOMER }, { contentType: ITEM }];

const register = (token: string, body: Record<string, unknown>) => P.request('POST', '/api/event-streaming/register', body, { token });

beforeAll(async () => {
  [P, C] = await startSites([
    {
      name: 'registry-producer',
      env: {
        EVENT_STREAMING_UPDATE_LOG_DAYS: '0',
        EVENT_STREAMING_MAINTENANCE_CRON: '*/1 * * * * *',
        EVENT_STREAMING_MAX_CONSUMER_LAG_DAYS: '0.0003',
      },
    },
    { name: 'registry-consumer' },
  ]);
  cSiteId = expectStatus(await C.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  pSiteId = expectStatus(await P.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  // Y registers first, so that it is stale by the time the last test runs.
  yToken = (await P.createApiToken({ name: 'stream-to-Y', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
  const y = expectStatus(
    await register(yToken, { siteId: crypto.randomUUID(), name: FORGED, callbackUrl: null, subscriptions: [{ contentType: CUSTOMER }] }),
    'register Y'
  );
  yAck = y.body.headSeq;
  l = await link(
    P,
    C,
    BOTH.map((s) => ({ ...s, useSameName: true }))
  );
  await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });
});

afterAll(() => stopAll());

test('unsubscribing keeps the type and its approval on the producer; subscribing again streams at once (14.4)', async () => {
  await saveProducer([{ contentType: CUSTOMER, unsubscribed: true }, { contentType: ITEM }]);
  const ec = await consumerOnP(l.consumerId);
  expect(subOf(ec.subscriptions, CUSTOMER)).toMatchObject({ status: 'Approved', unsubscribed: true });
  // The consumer mirrors the producer's answer: unsubscribed, approval kept.
  expect(subOf((await producerOnC()).subscriptions, CUSTOMER)).toMatchObject({ status: 'Approved', unsubscribed: true });

  // While unsubscribed the producer's admin still decides on the type (its row exists).
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  const quiet = await createCustomer('While unsubscribed');
  await new Promise((r) => setTimeout(r, 3000)); // C pulls every 2 s
  expect(await getDoc(C, 'customers', quiet)).toBeNull();

  await saveProducer(BOTH);
  expect(subOf((await consumerOnP(l.consumerId)).subscriptions, CUSTOMER)).toMatchObject({ status: 'Approved', unsubscribed: false });
  expect(subOf((await producerOnC()).subscriptions, CUSTOMER)).toMatchObject({ status: 'Approved', unsubscribed: false });
  await arrives(await createCustomer('After subscribing again'), 'a customer after re-subscribing (no new approval needed)');
});

test('a consumer moves to a new API token by presenting the old one; approvals and cursor stay (14.3)', async () => {
  const before = await consumerOnP(l.consumerId);
  const fresh = await P.createApiToken({ name: 'stream-to-C-rotated', type: 'custom', permissions: STREAM_PERMISSIONS });
  const saved = await saveProducer(BOTH, { apiToken: fresh.accessKey });
  expect(saved.body.data.apiTokenHint).toMatch(new RegExp(`${fresh.accessKey.slice(-4)}$`));

  const after = await consumerOnP(l.consumerId);
  expect(after.id).toBe(before.id);
  expect(after.apiTokenId).toBe(fresh.id);
  expect(after.subscriptions.map((s: any) => [s.contentType, s.status, s.approvedAtSeq])).toEqual(
    before.subscriptions.map((s: any) => [s.contentType, s.status, s.approvedAtSeq])
  );
  expect(after.ackSeq).toBeGreaterThanOrEqual(before.ackSeq);
  await arrives(await createCustomer('After rotation'), 'a customer pulled with the new token');
  // The old token no longer identifies the consumer.
  expectClientError(
    await P.request('GET', '/api/event-streaming/updates?after=0', undefined, { token: l.token }),
    403,
    /has not registered a consumer/
  );

  // Another token claiming C's site id: refused without proof, and with a wrong proof.
  const intruder = await P.createApiToken({ name: 'intruder', type: 'custom', permissions: STREAM_PERMISSIONS });
  const claim = { siteId: cSiteId, name: 'intruder', callbackUrl: null, subscriptions: [{ contentType: CUSTOMER }] };
  expectClientError(await register(intruder.accessKey, claim), 409, /already registered with another API token/);
  expectClientError(await register(intruder.accessKey, { ...claim, previousToken: yToken }), 409, /previousToken is not the API token/);
  expectClientError(
    await register(intruder.accessKey, { ...claim, previousToken: l.token }),
    409,
    /previousToken is not the API token/,
    'the token C used before the rotation'
  );
  expect((await consumerOnP(l.consumerId)).apiTokenId).toBe(fresh.id);
  l.token = fresh.accessKey;
});

test('notify is accepted only with the callback token this site gave that producer, also an admin-supplied one (13)', async () => {
  const notifyToken = (name: string) => C.createApiToken({ name, type: 'custom', permissions: [...CALLBACK_TOKEN_PERMISSIONS] });
  const [supplied, replacement, other] = await Promise.all(
    ['callbacks-from-P', 'callbacks-from-P-2', 'callbacks-from-elsewhere'].map(notifyToken)
  );
  const notify = (token: string | null) => C.request('POST', '/api/event-streaming/notify', { siteId: pSiteId }, { token });

  // The case: an Event Producer saved with an admin-supplied callback token (none minted).
  expectStatus(await C.admin('DELETE', `/event-streaming/producers/${l.producerId}`), 'delete Event Producer');
  const created = await C.admin('POST', '/event-streaming/producers', {
    producerUrl: P.url,
    apiToken: l.token,
    callbackToken: supplied.accessKey,
    subscriptions: BOTH.map((s) => ({ ...s, useSameName: true })),
  });
  l.producerId = expectStatus(created, 'create Event Producer', 201).body.data.id;
  const consumers = expectStatus(await P.admin('GET', '/event-streaming/consumers'), 'consumers').body.data;
  l.consumerId = consumers.find((c: { consumerSiteId: string }) => c.consumerSiteId === cSiteId).id;
  await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });

  expectClientError(await notify(other.accessKey), 403, /not the callback token of that producer/, 'another notify token');
  expectClientError(await notify(C.fullAccessToken), 403, /not the callback token of that producer/, 'full access');
  expect(expectStatus(await notify(supplied.accessKey), 'the supplied callback token', 202).body).toEqual({ accepted: true });

  // Replaced in the edit form: the producer holds only the new token, so only it is accepted.
  await saveProducer(BOTH, { callbackToken: replacement.accessKey });
  expectClientError(await notify(supplied.accessKey), 403, /not the callback token of that producer/, 'the replaced token');
  expectStatus(await notify(replacement.accessKey), 'the replacement callback token', 202);
  const seen = countLogLines(C, NOTIFY_LINE);
  await createCustomer('Poked with the supplied token');
  await eventually(async () => countLogLines(C, NOTIFY_LINE) > seen, 'a poke from P');
  // A pull-only producer is never poked.
  await saveProducer(BOTH, { pullOnly: true });
  expectClientError(await notify(replacement.accessKey), 403, /pull-only/, 'pull-only');
  // Back to push: a callback URL where there was none also waits for the producer admin.
  await saveProducer(BOTH, { callbackToken: replacement.accessKey });
  expect(await consumerOnP(l.consumerId)).toMatchObject({ callbackUrl: null, pendingCallbackUrl: `http://127.0.0.1:${C.port}` });
  expectStatus(await P.admin('POST', `/event-streaming/consumers/${l.consumerId}/callback/approve`), 'approve callback');
});

test('a changed callback URL waits for the producer admin; nobody is poked meanwhile (13)', async () => {
  const oldUrl = `http://127.0.0.1:${C.port}`;
  const newUrl = `http://localhost:${C.port}`;
  (C as unknown as { env: Record<string, string> }).env.PUBLIC_URL = newUrl;
  await C.restart();
  await saveProducer(BOTH);
  let ec = await consumerOnP(l.consumerId);
  expect(ec.callbackUrl).toBe(oldUrl);
  expect(ec.pendingCallbackUrl).toBe(newUrl);
  expect(ec.callbackChangeRequestedAt).toEqual(expect.any(String));

  const seen = countLogLines(C, NOTIFY_LINE);
  await arrives(await createCustomer('While the callback is pending'), 'a customer by the periodic pull');
  await new Promise((r) => setTimeout(r, 1500));
  expect(countLogLines(C, NOTIFY_LINE)).toBe(seen);

  expectClientError(
    await P.request('POST', `/event-streaming/consumers/${l.consumerId}/callback/approve`, undefined, { token: null }),
    401
  );
  ec = expectStatus(await P.admin('POST', `/event-streaming/consumers/${l.consumerId}/callback/approve`), 'approve callback').body.data;
  expect(ec.callbackUrl).toBe(newUrl);
  expect(ec.pendingCallbackUrl).toBeNull();
  await createCustomer('After the approval');
  await eventually(async () => countLogLines(C, NOTIFY_LINE) > seen, 'pokes at the approved URL');
  expectClientError(
    await P.admin('POST', `/event-streaming/consumers/${l.consumerId}/callback/approve`),
    409,
    /no callback URL change awaiting approval/
  );
  expectClientError(await P.admin('POST', '/event-streaming/consumers/999999/callback/approve'), 404);
});

test('a consumer that stopped pulling no longer pins the update log; the admin shows it (13)', async () => {
  for (const name of ['Lag 1', 'Lag 2', 'Lag 3']) await arrives(await createCustomer(name), name);
  const list = async () => expectStatus(await P.admin('GET', '/event-streaming/consumers'), 'consumers').body.data;
  const y = async () => (await list()).find((c: any) => c.consumerName === FORGED.trim());
  // Y acknowledged nothing since it registered; once stale, rows after its cursor are pruned.
  await eventually(
    async () => {
      const logs = expectStatus(await P.admin('GET', '/event-streaming/update-logs?pageSize=100'), 'update log').body.data;
      // Every row may go: the head is the persisted high-water mark (retention.test.ts).
      return logs.length === 0 && (await y()).stale === true;
    },
    'the log pruned past the stale consumer',
    60_000
  );
  expect((await y()).ackSeq).toBe(yAck);
  expect((await list()).find((c: any) => c.id === l.consumerId).stale).toBe(false);
  // Back again, Y's cursor is below what was pruned: an empty page at its cursor saying how far
  // the log is gone, from which a consumer re-copies (retention.test.ts (b)).
  const back = expectStatus(
    await P.request('GET', `/api/event-streaming/updates?after=${yAck}`, undefined, { token: yToken }),
    'pull'
  ).body;
  expect(back.events).toEqual([]);
  expect(back.nextCursor).toBe(yAck);
  expect(back.prunedThrough).toBeGreaterThan(yAck);
});

test("a peer's name with control characters is escaped in the producer's log (13)", () => {
  const log = fs.readFileSync(P.logFile, 'utf8');
  expect(log).toContain('consumer "Y site\\nforged: admin logged in\\u001b[2J"');
  expect(log).not.toMatch(/^forged: admin logged in/m);
  expect(log).not.toContain('\u001b[2J');
});
