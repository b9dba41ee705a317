/**
 * Issue 6 (security), SPEC §8: token scoping on the producer, secrets at rest / in responses /
 * in logs, admin RBAC on every admin route, and outbound calls (no notification before approval,
 * URL validation that leaves nothing behind).
 *
 * Sites: P (producer) and X (a real consumer site). A second consumer "Y" is registered on P
 * straight through the site-to-site API with its own token (what a consumer site does on save),
 * pull-only, so P never calls it.
 */
import crypto from 'node:crypto';
import adminRoutes from '../../server/src/routes/admin';
import { ACTIONS } from '../../server/src/constants';
import { startSites, stopAll, expectStatus, freePort, type HttpResult, type Site } from '../helpers/sites';
import { eventually, getDoc, setStatus, STREAM_PERMISSIONS, type Link } from '../helpers/streaming';
import { apiTokens, countLogLines, expectClientError, rawRows, snapshotCounts, sqliteBytes, tokenSecret } from '../helpers/security';
import { ARTICLE, CONTACT, CUSTOMER, INVOICE, ITEM, SUPPLIER } from '../helpers/uids';

const SITE_HEADER = 'x-event-streaming-site';
const NOTIFY_LINE = /POST \/api\/event-streaming\/notify /;

let P: Site;
let X: Site;
let l: Link;
let createBody: any; // the POST /event-streaming/producers response (X)
let xSiteId: string;
let ySiteId: string;
let yToken: string;
let yConsumerId: number;
let callbackToken: string; // minted by X, held (encrypted) by P
const docs: Record<string, string> = {}; // documentIds on P

const stream = (site: Site, path: string, token: string | null, headers: Record<string, string> = {}) =>
  site.request('GET', `/api/event-streaming${path}`, undefined, { token, headers });

const via = (...hops: Array<[string, string, string | null]>) => `via=${encodeURIComponent(JSON.stringify(hops))}`;

async function create(plural: string, data: Record<string, unknown>, query = ''): Promise<string> {
  return expectStatus(await P.api('POST', `/${plural}${query}`, { data }), `create ${plural}`).body.data.documentId;
}

beforeAll(async () => {
  [P, X] = await startSites([{ name: 'sec-producer' }, { name: 'sec-consumer' }]);
  xSiteId = expectStatus(await X.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  // X subscribes (the way a user does it: a custom token on P, an Event Producer on X).
  const token = await P.createApiToken({ name: 'stream-to-X', type: 'custom', permissions: STREAM_PERMISSIONS });
  const created = expectStatus(
    await X.admin('POST', '/event-streaming/producers', {
      producerUrl: P.url,
      apiToken: token.accessKey,
      subscriptions: [{ contentType: ITEM }, { contentType: CUSTOMER }, { contentType: CONTACT }, { contentType: INVOICE }],
    }),
    'create Event Producer',
    201
  );
  createBody = created.body;
  const ec = expectStatus(await P.admin('GET', '/event-streaming/consumers'), 'consumers').body.data.find(
    (c: any) => c.consumerSiteId === xSiteId
  );
  l = { producer: P, consumer: X, producerId: created.body.data.id, consumerId: ec.id, token: token.accessKey };
  const minted = (await apiTokens(X)).find((t) => t.name.startsWith('event-streaming callbacks from'));
  if (!minted) throw new Error('X minted no callback token');
  callbackToken = await tokenSecret(X, minted.id);

  // Y: its own custom token on P, registered through the site-to-site API, pull-only.
  yToken = (await P.createApiToken({ name: 'stream-to-Y', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
  ySiteId = crypto.randomUUID();
  expectStatus(
    await P.request(
      'POST',
      '/api/event-streaming/register',
      { siteId: ySiteId, name: 'Site Y', callbackUrl: null, subscriptions: [{ contentType: SUPPLIER }, { contentType: ITEM }] },
      { token: yToken }
    ),
    'register Y'
  );
  yConsumerId = expectStatus(await P.admin('GET', '/event-streaming/consumers'), 'consumers').body.data.find(
    (c: any) => c.consumerSiteId === ySiteId
  ).id;

  // Documents on P, created before any approval.
  docs.s1 = await create('suppliers', { name: 'Supplier One' });
  docs.i1 = await create('items', { name: 'Item One', sku: 'SEC-1', supplier: docs.s1 });
  docs.i2 = await create('items', { name: 'Item Two (no supplier)', sku: 'SEC-2' });
  docs.c1 = await create('customers', { name: 'Rejected Customer' });
  docs.k1 = await create('contacts', { fullName: 'Pending Contact' });
  docs.inv1 = await create('sales-invoices', { number: 'INV-SEC-1', customer: docs.c1 }, '?status=published');
  docs.a1 = await create('articles', { title: 'Never subscribed' }, '?status=published');
});

afterAll(() => stopAll());

describe('4. outbound calls', () => {
  test("no request reaches the consumer's /notify before the producer's admin approved one of its types", async () => {
    // Rejecting (nothing Approved) must not poke X either; changes of Pending types are not even logged.
    await setStatus(l, { [CUSTOMER]: 'Rejected' });
    expectStatus(await P.api('PUT', `/items/${docs.i2}`, { data: { name: 'Item Two (edited while Pending)' } }), 'edit');
    await create('customers', { name: 'Created while Rejected' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(countLogLines(X, NOTIFY_LINE)).toBe(0);
    const logs = expectStatus(await P.admin('GET', '/event-streaming/update-logs?pageSize=100'), 'update logs').body;
    expect(logs.data).toHaveLength(0);

    await setStatus(l, { [ITEM]: 'Approved', [INVOICE]: 'Approved' });
    await eventually(async () => countLogLines(X, NOTIFY_LINE) >= 1, 'a notification after approval');
    // Y is pull-only: approving its type calls nobody.
    expectStatus(
      await P.admin('PUT', `/event-streaming/consumers/${yConsumerId}/subscriptions`, {
        subscriptions: [{ contentType: SUPPLIER, status: 'Approved' }],
      }),
      'approve Y'
    );
    await eventually(async () => {
      const ep = (await X.admin('GET', `/event-streaming/producers/${l.producerId}`)).body.data;
      return ep.subscriptions.find((s: any) => s.contentType === ITEM).status === 'Approved';
    }, 'X sees Approved');
    // X back-fills what P already holds of the types just approved (back-fill on approval, the
    // default): the later tests compare row counts, so it must be over first.
    await eventually(async () => {
      const runs = expectStatus(await X.admin('GET', `/event-streaming/producers/${l.producerId}/backfill`), 'back-fills').body.data;
      return runs.length >= 2 && runs.every((b: any) => b.state === 'done' || b.state === 'failed');
    }, 'the back-fills on approval to end');
  });

  const BAD_URLS: Array<[string, RegExp]> = [
    ['ftp://127.0.0.1/producer', /producerUrl must use http or https, not ftp/],
    ['http://user:pass@127.0.0.1:1', /producerUrl must not contain credentials/],
    ['http://127.0.0.1:1/?q=1', /producerUrl must not have a query string/],
    ['not a url', /producerUrl is not a valid URL/],
    ['javascript:alert(1)', /producerUrl must use http or https, not javascript/],
    ['', /producerUrl must be a non-empty URL/],
  ];

  test.each(BAD_URLS)('producer URL %j → 400 with a message, nothing left behind on either site', async (url, message) => {
    const beforeX = await snapshotCounts(X);
    const beforeP = await snapshotCounts(P);
    const res = await X.admin('POST', '/event-streaming/producers', {
      producerUrl: url,
      apiToken: l.token,
      subscriptions: [{ contentType: CUSTOMER }],
    });
    expectClientError(res, 400, message, url);
    expect(await snapshotCounts(X)).toEqual(beforeX);
    expect(await snapshotCounts(P)).toEqual(beforeP);
  });

  test('an unreachable producer and a wrong token are 400s; the minted callback token is revoked, nothing is left', async () => {
    const beforeX = await snapshotCounts(X);
    const beforeP = await snapshotCounts(P);
    const tokenIds = (await apiTokens(X)).map((t) => t.id).sort();
    const closed = `http://127.0.0.1:${await freePort()}`;
    expectClientError(
      await X.admin('POST', '/event-streaming/producers', {
        producerUrl: closed,
        apiToken: 'a'.repeat(64),
        subscriptions: [{ contentType: CUSTOMER }],
      }),
      400,
      /Could not reach http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/
    );
    // The same producer under another spelling of its URL, with a token P does not know.
    const alias = P.url.replace('127.0.0.1', 'localhost');
    expectClientError(
      await X.admin('POST', '/event-streaming/producers', {
        producerUrl: alias,
        apiToken: 'b'.repeat(64),
        subscriptions: [{ contentType: CUSTOMER }],
      }),
      400,
      /answered POST \/api\/event-streaming\/register with 401.*the API token is not valid on that site/
    );
    expect(await snapshotCounts(X)).toEqual(beforeX);
    expect(await snapshotCounts(P)).toEqual(beforeP);
    expect((await apiTokens(X)).map((t) => t.id).sort()).toEqual(tokenIds);
  });

  const BAD_CALLBACKS: Array<[unknown, RegExp]> = [
    ['ftp://127.0.0.1/cb', /callbackUrl must use http or https/],
    ['http://user:pass@127.0.0.1:1', /callbackUrl must not contain credentials/],
    ['http://127.0.0.1:1/?q=1', /callbackUrl must not have a query string/],
    ['not a url', /callbackUrl is not a valid URL/],
    ['javascript:alert(1)', /callbackUrl must use http or https/],
    [12345, /callbackUrl must be a non-empty URL/],
  ];

  test.each(BAD_CALLBACKS)('callback URL %j at registration → 400 with a message, no Event Consumer', async (url, message) => {
    const token = (
      await P.createApiToken({ name: `cb-test-${crypto.randomBytes(3).toString('hex')}`, type: 'custom', permissions: STREAM_PERMISSIONS })
    ).accessKey;
    const before = await snapshotCounts(P);
    const res = await P.request(
      'POST',
      '/api/event-streaming/register',
      {
        siteId: crypto.randomUUID(),
        name: 'Z',
        callbackUrl: url,
        callbackToken: 'x'.repeat(40),
        subscriptions: [{ contentType: CUSTOMER }],
      },
      { token }
    );
    expectClientError(res, 400, message, String(url));
    expect(await snapshotCounts(P)).toEqual(before);
  });
});

describe('1. token scoping on the producer', () => {
  test("X's token pulls only X's approved types (the log holds Y's and unapproved ones too)", async () => {
    const s2 = await create('suppliers', { name: 'Supplier Two' });
    const i3 = await create('items', { name: 'Item Three', sku: 'SEC-3', supplier: s2 });
    await create('contacts', { fullName: 'Another pending contact' });
    const log = expectStatus(await P.admin('GET', '/event-streaming/update-logs?pageSize=100'), 'update log').body.data;
    expect(log.map((e: any) => e.contentType)).toEqual(expect.arrayContaining([SUPPLIER, ITEM]));

    const x = expectStatus(await stream(P, '/updates?after=0&limit=500', l.token), 'X pulls').body;
    expect(new Set(x.events.map((e: any) => e.contentType))).toEqual(new Set([ITEM]));
    expect(x.events.map((e: any) => e.documentId)).toContain(i3);
    expect(x.subscriptions.find((s: any) => s.contentType === CUSTOMER).status).toBe('Rejected');

    const y = expectStatus(await stream(P, '/updates?after=0&limit=500', yToken), 'Y pulls').body;
    expect(new Set(y.events.map((e: any) => e.contentType))).toEqual(new Set([SUPPLIER]));
    expect(y.events.map((e: any) => e.documentId)).toContain(s2);
    // The dependency came along to X's site by itself (through a valid via chain).
    await eventually(() => getDoc(X, 'items', i3), 'item on X');
  });

  test('fetch: X reads its approved type; Pending, Rejected, never-subscribed and Y-only types are 403 with a message', async () => {
    const ok = expectStatus(await stream(P, `/documents/${ITEM}/${docs.i1}`, l.token), 'approved').body;
    expect(ok).toMatchObject({ contentType: ITEM, documentId: docs.i1, data: expect.objectContaining({ name: 'Item One' }) });
    const denied = /is neither of a type approved for this consumer nor reachable from one/;
    expectClientError(await stream(P, `/documents/${CONTACT}/${docs.k1}`, l.token), 403, denied, 'Pending');
    expectClientError(await stream(P, `/documents/${CUSTOMER}/${docs.c1}`, l.token), 403, denied, 'Rejected');
    expectClientError(await stream(P, `/documents/${ARTICLE}/${docs.a1}`, l.token), 403, denied, 'never subscribed');
    expectClientError(await stream(P, `/documents/${SUPPLIER}/${docs.s1}`, l.token), 403, denied, "Y's type");
    expect(expectStatus(await stream(P, `/documents/${SUPPLIER}/${docs.s1}`, yToken), 'Y reads its own').body.data.name).toBe(
      'Supplier One'
    );
    expectClientError(await stream(P, `/documents/${ITEM}/${docs.i1}`, yToken), 403, denied, "X's type with Y's token (Pending for Y)");
    // Listing (back-fill) follows the same rule.
    expect(expectStatus(await stream(P, `/documents/${ITEM}`, l.token), 'list approved').body.documents.length).toBeGreaterThanOrEqual(2);
    for (const uid of [CONTACT, CUSTOMER, ARTICLE, SUPPLIER]) {
      expectClientError(await stream(P, `/documents/${uid}`, l.token), 403, /is not approved for this consumer/, `list ${uid}`);
    }
  });

  test('an unsubscribed type stops at once: 200 before, 403 after', async () => {
    expect(expectStatus(await stream(P, `/documents/${INVOICE}/${docs.inv1}`, l.token), 'invoice while subscribed').body.data.number).toBe(
      'INV-SEC-1'
    );
    expectStatus(
      await X.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
        producerUrl: P.url,
        subscriptions: [
          { contentType: ITEM },
          { contentType: CUSTOMER },
          { contentType: CONTACT },
          { contentType: INVOICE, unsubscribed: true },
        ],
      }),
      'unsubscribe'
    );
    expectClientError(await stream(P, `/documents/${INVOICE}/${docs.inv1}`, l.token), 403, /neither of a type approved/, 'unsubscribed');
    expectClientError(await stream(P, `/documents/${INVOICE}`, l.token), 403, /is not approved for this consumer/, 'list unsubscribed');
    const after = await create('sales-invoices', { number: 'INV-SEC-2' }, '?status=published');
    const x = expectStatus(await stream(P, '/updates?after=0&limit=500', l.token), 'X pulls').body;
    expect(x.events.filter((e: any) => e.contentType === INVOICE || e.documentId === after)).toEqual([]);
  });

  test('a dependency is readable only through a valid via chain', async () => {
    const dep = expectStatus(await stream(P, `/documents/${SUPPLIER}/${docs.s1}?${via([ITEM, docs.i1, null])}`, l.token), 'valid via').body;
    expect(dep).toMatchObject({ contentType: SUPPLIER, documentId: docs.s1, data: expect.objectContaining({ name: 'Supplier One' }) });
    const denied = /neither of a type approved for this consumer nor reachable from one/;
    // Forged: i2 does not reference s1.
    expectClientError(
      await stream(P, `/documents/${SUPPLIER}/${docs.s1}?${via([ITEM, docs.i2, null])}`, l.token),
      403,
      denied,
      'forged hop'
    );
    // A chain starting at a type X may not read (Pending contact, Y's supplier).
    expectClientError(
      await stream(P, `/documents/${SUPPLIER}/${docs.s1}?${via([CONTACT, docs.k1, null])}`, l.token),
      403,
      denied,
      'unapproved start'
    );
    expectClientError(
      await stream(P, `/documents/${CUSTOMER}/${docs.c1}?${via([SUPPLIER, docs.s1, null])}`, l.token),
      403,
      denied,
      "Y's start"
    );
    // A real chain that does not end at the requested document.
    expectClientError(
      await stream(P, `/documents/${CUSTOMER}/${docs.c1}?${via([ITEM, docs.i1, null], [SUPPLIER, docs.s1, null])}`, l.token),
      403,
      denied,
      'chain to elsewhere'
    );
    // Not a chain at all.
    expectClientError(
      await stream(P, `/documents/${SUPPLIER}/${docs.s1}?via=not-json`, l.token),
      400,
      /via must be a JSON list/,
      'via not JSON'
    );
    const long = Array.from({ length: 17 }, () => [ITEM, docs.i1, null] as [string, string, null]);
    expectClientError(
      await stream(P, `/documents/${SUPPLIER}/${docs.s1}?${via(...long)}`, l.token),
      400,
      /at most 16 hops/,
      'via too long'
    );
    expectClientError(
      await stream(P, `/documents/${SUPPLIER}/${docs.s1}?${via(['api::../x', docs.i1, null])}`, l.token),
      400,
      /via\[0\] must be/,
      'via bad uid'
    );
    // Files: only through the document that references them.
    expectClientError(
      await stream(P, '/files/abc123', l.token),
      403,
      /served only through the document that references it/,
      'file without via'
    );
    expectClientError(
      await stream(P, `/files/abc123?${via([ITEM, docs.i1, null])}`, l.token),
      403,
      /does not reference this file/,
      'file not referenced'
    );
  });

  test('read-only, unregistered full-access, anonymous and foreign tokens get nothing', async () => {
    const readOnly = (await P.createApiToken({ name: 'read-only (never registered)', type: 'read-only' })).accessKey;
    const fullUnregistered = P.fullAccessToken!;
    const paths = ['/updates?after=0', `/documents/${ITEM}/${docs.i1}`, `/documents/${ITEM}`, `/files/x?${via([ITEM, docs.i1, null])}`];
    for (const p of paths) {
      expectClientError(await stream(P, p, readOnly), 403, /^Forbidden$/, `read-only ${p}`);
      expectClientError(await stream(P, p, fullUnregistered), 403, /has not registered a consumer/, `full access ${p}`);
      expectClientError(await stream(P, p, null), 403, /^Forbidden$/, `anonymous ${p}`);
      expectClientError(await stream(P, p, X.fullAccessToken), 401, /Missing or invalid credentials/, `X's token ${p}`);
      expectClientError(await stream(P, p, callbackToken), 401, /Missing or invalid credentials/, `X's callback token ${p}`);
    }
    expectClientError(
      await P.request(
        'POST',
        '/api/event-streaming/register',
        { siteId: crypto.randomUUID(), name: 'RO', subscriptions: [{ contentType: ITEM }] },
        { token: readOnly }
      ),
      403,
      /^Forbidden$/
    );
    expectClientError(
      await P.request('DELETE', '/api/event-streaming/register', undefined, { token: fullUnregistered }),
      404,
      /No consumer is registered with this API token/
    );
    expectClientError(await P.request('DELETE', '/api/event-streaming/register', undefined, { token: null }), 403, /^Forbidden$/);
    // X's token claiming to be Y.
    expectClientError(await stream(P, '/updates?after=0', l.token, { [SITE_HEADER]: ySiteId }), 403, /belongs to another consumer site/);
    // The callback token P holds lets it poke X and do nothing else on X.
    expectClientError(
      await X.api('GET', '/customers', undefined, { token: callbackToken }),
      403,
      /^Forbidden$/,
      'callback token reads content'
    );
    expectClientError(
      await X.api('GET', '/event-streaming/updates', undefined, { token: callbackToken }),
      403,
      /^Forbidden$/,
      'callback token pulls'
    );
    // X's full-access token is not the callback token of P's Event Producer.
    const pSiteId = expectStatus(await P.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
    expectClientError(await X.api('POST', '/event-streaming/notify', { siteId: pSiteId }), 403, /not the callback token of that producer/);
    expect(
      expectStatus(await X.api('POST', '/event-streaming/notify', { siteId: pSiteId }, { token: callbackToken }), 'real poke', 202).body
    ).toEqual({ accepted: true });
  });
});

describe('2. secrets', () => {
  test('stored encrypted: neither token is in clear in the plugin rows (nor anywhere in the SQLite file)', async () => {
    const secrets = [l.token, callbackToken];
    const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64'), s.slice(0, 32), s.slice(-32)]);
    const producerRows = await rawRows(X, 'event_streaming_producers');
    const consumerRows = await rawRows(P, 'event_streaming_consumers');
    expect(producerRows).toHaveLength(1);
    expect(consumerRows).toHaveLength(2);
    const xRow = producerRows[0];
    const pRow = consumerRows.find((r) => r.consumer_site_id === xSiteId)!;
    // The columns hold something (ciphertext), not nothing.
    expect(String(xRow.api_token).length).toBeGreaterThan(40);
    expect(String(xRow.callback_token).length).toBeGreaterThan(40);
    expect(String(pRow.callback_token).length).toBeGreaterThan(40);
    for (const rows of [
      producerRows,
      consumerRows,
      await rawRows(X, 'event_streaming_sync_logs'),
      await rawRows(P, 'event_streaming_update_logs'),
    ]) {
      const text = JSON.stringify(rows);
      for (const f of forms) expect(text.includes(f)).toBe(false);
    }
    for (const site of [P, X]) {
      const bytes = sqliteBytes(site);
      if (bytes) for (const s of secrets) expect(bytes.includes(Buffer.from(s))).toBe(false);
    }
  });

  test('admin responses show only a ••••xxxx hint, never a token (GET/POST/PUT of producers and consumers)', async () => {
    const hintOf = (s: string) => `••••${s.slice(-4)}`;
    expect(createBody.data.apiTokenHint).toBe(hintOf(l.token));
    expect(createBody.data.callbackTokenHint).toBe(hintOf(callbackToken));
    const responses: HttpResult[] = [
      await X.admin('GET', '/event-streaming/producers'),
      await X.admin('GET', `/event-streaming/producers/${l.producerId}`),
      await X.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
        producerUrl: P.url,
        subscriptions: [
          { contentType: ITEM },
          { contentType: CUSTOMER },
          { contentType: CONTACT },
          { contentType: INVOICE, unsubscribed: true },
        ],
      }),
      await P.admin('GET', '/event-streaming/consumers'),
      await P.admin('GET', `/event-streaming/consumers/${l.consumerId}`),
      await P.admin('PUT', `/event-streaming/consumers/${l.consumerId}/subscriptions`, {
        subscriptions: [{ contentType: ITEM, status: 'Approved' }],
      }),
    ];
    const bodies = [JSON.stringify(createBody), ...responses.map((r) => expectStatus(r, 'admin call').text)];
    for (const text of bodies) {
      expect(text.includes(l.token)).toBe(false);
      expect(text.includes(callbackToken)).toBe(false);
      expect(text).not.toMatch(/"(apiToken|callbackToken|accessKey)"\s*:/);
    }
    expect(responses[1].body.data).toMatchObject({ apiTokenHint: hintOf(l.token), callbackTokenHint: hintOf(callbackToken) });
    expect(responses[4].body.data.callbackTokenHint).toBe(hintOf(callbackToken));
  });

  test("neither site's log file contains a token", async () => {
    for (const site of [P, X]) {
      const fs = await import('node:fs');
      const text = fs.readFileSync(site.logFile, 'utf8');
      expect(text.length).toBeGreaterThan(1000);
      for (const s of [l.token, callbackToken, yToken]) {
        expect(text.includes(s)).toBe(false);
        expect(text.includes(s.slice(0, 24))).toBe(false);
      }
    }
  });
});

describe('3. admin RBAC', () => {
  type Route = { method: string; path: string; handler: string; config: { policies: any[] } };
  const routes = adminRoutes.routes as Route[];
  const actionOf = (r: Route) =>
    r.config.policies.find((p: any) => typeof p === 'object' && p.name === 'admin::hasPermissions').config.actions[0] as string;

  /** A limited admin on `site`: role without plugin permissions, user invited and registered. */
  async function limitedAdmin(site: Site) {
    const role = expectStatus(
      await site.admin('POST', '/admin/roles', { name: `No streaming ${crypto.randomBytes(3).toString('hex')}`, description: 'test' }),
      'create role'
    ).body.data;
    const email = `limited-${crypto.randomBytes(3).toString('hex')}@${site.name}.test`;
    const user = expectStatus(
      await site.admin('POST', '/admin/users', { firstname: 'Lim', lastname: 'Ited', email, roles: [role.id] }),
      'create user',
      201
    ).body.data;
    expect(typeof user.registrationToken).toBe('string');
    const reg = expectStatus(
      await site.request('POST', '/admin/register', {
        registrationToken: user.registrationToken,
        userInfo: { firstname: 'Lim', lastname: 'Ited', password: 'Limited12345!' },
      }),
      'register'
    );
    const jwt = reg.body.data.token as string;
    const grant = async (actions: string[]) =>
      expectStatus(
        await site.admin('PUT', `/admin/roles/${role.id}/permissions`, {
          permissions: actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
        }),
        `grant ${actions.join(',')}`
      );
    return { jwt, grant };
  }

  // Real ids where they exist (so a permitted GET is a 200), a missing id for writes (a permitted write is a 404, not a change).
  let ids: Record<string, number>;
  const pathFor = (r: Route, write: boolean) => {
    const kind = r.path.split('/')[1];
    // The charts' series (/metrics/:peer/:id) of the Event Producer on X.
    const id = write ? 999999 : kind === 'metrics' ? ids.producers : ids[kind];
    let p = r.path.replace(':peer', 'producer').replace(':id', String(id));
    if (r.path === '/documents/origin') p += `?contentType=${ITEM}&documentId=${docs.i1}`;
    return `/event-streaming${p}`;
  };
  const siteFor = (r: Route) => (r.path.startsWith('/consumers') || r.path.startsWith('/update-logs') ? P : X);
  const bodyFor = (r: Route) =>
    r.method === 'GET' || r.method === 'DELETE' ? undefined : r.path === '/sync-logs/resync-failed' ? { producerId: 999999 } : {};

  test('every admin route: 401 without a JWT, 403 for an admin without the plugin permission, and nothing changes', async () => {
    const mapping = expectStatus(
      await X.admin('POST', '/event-streaming/mappings', {
        mappingName: 'rbac-map',
        localContentType: CUSTOMER,
        remoteContentType: CUSTOMER,
        fieldMappings: [{ localField: 'name', remoteField: 'name' }],
      }),
      'mapping',
      201
    ).body.data;
    const sync = expectStatus(await X.admin('GET', '/event-streaming/sync-logs?pageSize=1'), 'sync logs').body.data[0];
    ids = { producers: l.producerId, consumers: l.consumerId, 'sync-logs': sync.id, mappings: mapping.id };
    expect(routes.length).toBeGreaterThanOrEqual(24);

    const before = { P: await snapshotCounts(P), X: await snapshotCounts(X) };
    const limited = { P: await limitedAdmin(P), X: await limitedAdmin(X) };
    for (const r of routes) {
      const site = siteFor(r);
      const write = r.method !== 'GET';
      const jwt = site === P ? limited.P.jwt : limited.X.jwt;
      expectClientError(
        await site.request(r.method, pathFor(r, false), bodyFor(r)),
        401,
        /Missing or invalid credentials/,
        `${r.method} ${r.path} anonymous`
      );
      expectClientError(
        await site.request(r.method, pathFor(r, false), bodyFor(r), { token: jwt }),
        403,
        /Policy Failed|Forbidden/,
        `${r.method} ${r.path} no permission`
      );
      if (write)
        expectClientError(await site.request(r.method, pathFor(r, true), bodyFor(r), { token: jwt }), 403, /Policy Failed|Forbidden/);
    }
    expect(await snapshotCounts(P)).toEqual(before.P);
    expect(await snapshotCounts(X)).toEqual(before.X);

    // Each action opens exactly its own routes: read → every GET; approve, configure-producers,
    // resync, configure-mappings → only theirs (a permitted write on a missing id is a 4xx, not a 403).
    for (const action of Object.values(ACTIONS)) {
      await limited.P.grant([action]);
      await limited.X.grant([action]);
      for (const r of routes) {
        const site = siteFor(r);
        const write = r.method !== 'GET';
        const res = await site.request(r.method, pathFor(r, write), bodyFor(r), { token: site === P ? limited.P.jwt : limited.X.jwt });
        const what = `${r.method} ${r.path} with only ${action}`;
        if (actionOf(r) === action) {
          if (write) {
            expect([res.status, what]).not.toEqual([403, what]);
            expect(res.status).toBeLessThan(500);
          } else {
            expect([res.status, what]).toEqual([200, what]);
          }
        } else {
          expectClientError(res, 403, /Policy Failed|Forbidden/, what);
        }
      }
    }
    expect(await snapshotCounts(P)).toEqual(before.P);
    expect(await snapshotCounts(X)).toEqual(before.X);
  });
});
