/**
 * Property-based fuzzing (fast-check, fixed seed) of every site-to-site route
 * (server/src/routes/content-api.ts) and every admin route (server/src/routes/admin.ts) against one
 * linked pair of real playground sites (issue 13). Inputs: hostile path segments (long, unicode,
 * malformed percent-encoding, prototype names), query strings (qs brackets, operators, repeats,
 * numbers as text), bodies (malformed or deep JSON, prototype keys, wrong types, a 200,000-slash
 * URL, 1 MB strings, shaped bodies carrying the real ids), and each route's callers.
 *
 * Properties, per request: an answer within BOUND_MS, never a 5xx, a 4xx with a readable message;
 * a refused (4xx) write leaves both sites' plugin state as it was (no partial write). After the
 * run both sites still answer and no 5xx was logged. Figures go to tests/artifacts/fuzz-report.json.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { startSites, stopAll, expectStatus, type HttpResult, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus, STREAM_PERMISSIONS, type Link } from '../helpers/streaming';
import { apiTokens, countLogLines, expectClientError, sendLarge, stateReader, tokenSecret } from '../helpers/security';
import { FUZZ_SEED, FuzzStats, hostileScalar, hostileString, hostileTree, ownObject } from '../helpers/fuzz';
import { CUSTOMER, ITEM } from '../helpers/uids';

const STREAM_RUNS = Number(process.env.FUZZ_STREAM_RUNS ?? 150);
const ADMIN_RUNS = Number(process.env.FUZZ_ADMIN_RUNS ?? 50);
/** No request may take longer than this (the slash URL took 17-42 s). */
const BOUND_MS = 5000;
/** Strapi's http log line of a 5xx answer (as in bad-input.test.ts). */
// eslint-disable-next-line no-control-regex -- Strapi colours the status in its request log
const SERVER_ERROR_LINE = /http(\u001b\[\d+m)?: [A-Z]+ \S+ \(\d+ ms\) 5\d\d/g;
/** Answered by Node or Strapi's router before any plugin code, as plain text: URL too long (414, 431), no route (404, 405). */
const FRAMEWORK_STATUSES = [404, 405, 414, 431];
/** Node's default limit on a request's header section (request line included), bytes. */
const HEADER_LIMIT = 16 * 1024;

let P: Site;
let C: Site;
let l: Link;
const real: Record<string, string[]> = {};
const tokens: Record<string, string | null> = {};
let readers: Array<Awaited<ReturnType<typeof stateReader>>>;

beforeAll(async () => {
  // No cron pull on the consumer: its state moves only through the requests of this file.
  [P, C] = await startSites([{ name: 'fuzz-producer' }, { name: 'fuzz-consumer', env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' } }]);
  l = await link(P, C, [{ contentType: CUSTOMER }, { contentType: ITEM }]);
  await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });
  const customer = expectStatus(await P.api('POST', '/customers', { data: { name: 'Before the fuzz' } }), 'create').body.data.documentId;
  await eventually(() => getDoc(C, 'customers', customer), 'customer on the consumer');
  const cSite = expectStatus(await C.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  const pSite = expectStatus(await P.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  const mapping = expectStatus(
    await C.admin('POST', '/event-streaming/mappings', {
      mappingName: 'fuzz-map',
      localContentType: CUSTOMER,
      remoteContentType: CUSTOMER,
      fieldMappings: [{ localField: 'name', remoteField: 'name' }],
    }),
    'mapping',
    201
  ).body.data.id;
  const syncLog = expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=1'), 'sync logs').body.data[0].id;
  Object.assign(real, {
    uid: [CUSTOMER, ITEM, 'api::article.article', 'admin::user', 'plugin::users-permissions.user', 'plugin::upload.file'],
    documentId: [customer],
    siteId: [cSite, pSite, crypto.randomUUID()],
    id: [String(l.producerId), String(l.consumerId), String(mapping), String(syncLog), '1', '999999999'],
    url: [P.url, C.url, `${C.url}/${'/'.repeat(200_000)}x`, 'http://169.254.169.254/latest', 'file:///etc/passwd'],
    seq: ['0', '1', '2147483647', '2147483648', '-1', '1e3'],
  });
  const minted = (await apiTokens(C)).find((t) => t.name.startsWith('event-streaming callbacks from'))!;
  Object.assign(tokens, {
    stream: l.token,
    spare: (await P.createApiToken({ name: 'fuzz spare', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey,
    readOnly: (await P.createApiToken({ name: 'fuzz read only', type: 'read-only' })).accessKey,
    callback: await tokenSecret(C, minted.id),
    fullP: P.fullAccessToken,
    fullC: C.fullAccessToken,
    none: null,
  });
  readers = [await stateReader(P), await stateReader(C)];
}, 600_000);

afterAll(async () => {
  await Promise.all((readers ?? []).map((r) => r.close()));
  await stopAll();
});

interface Route {
  site: 'P' | 'C';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:param` segments. */
  path: string;
  /** Callers tried (admin: the admin JWT). */
  who: string[];
  /** Top-level body keys of a shaped body (none: no body is sent unless hostile). */
  keys?: string[];
}

const S = '/api/event-streaming';
const STREAM_WHO = ['stream', 'stream', 'spare', 'readOnly', 'fullP', 'fullC', 'none'];
const STREAM_ROUTES: Route[] = [
  {
    site: 'P',
    method: 'POST',
    path: `${S}/register`,
    who: STREAM_WHO,
    keys: ['siteId', 'name', 'callbackUrl', 'callbackToken', 'subscriptions'],
  },
  { site: 'P', method: 'GET', path: `${S}/updates`, who: STREAM_WHO },
  { site: 'P', method: 'GET', path: `${S}/documents/:uid`, who: STREAM_WHO },
  { site: 'P', method: 'GET', path: `${S}/documents/:uid/:documentId`, who: STREAM_WHO },
  { site: 'P', method: 'GET', path: `${S}/files/:fileId`, who: STREAM_WHO },
  { site: 'P', method: 'GET', path: `${S}/schema`, who: STREAM_WHO },
  { site: 'C', method: 'POST', path: `${S}/notify`, who: ['callback', 'callback', 'fullC', 'fullP', 'none'], keys: ['siteId', 'headSeq'] },
  // Last: the real consumer token is not among its callers (it would deregister the pair).
  { site: 'P', method: 'DELETE', path: `${S}/register`, who: ['spare', 'readOnly', 'fullP', 'fullC', 'none'] },
];
const ADMIN_ROUTES: Route[] = (
  [
    ['C', 'GET', '/site'],
    ['C', 'GET', '/content-types'],
    ['C', 'GET', '/documents/origin'],
    ['C', 'GET', '/producers'],
    ['C', 'POST', '/producers', ['producerUrl', 'apiToken', 'subscriptions', 'pullOnly', 'callbackToken', 'name']],
    ['C', 'GET', '/producers/:id'],
    ['C', 'PUT', '/producers/:id', ['producerUrl', 'apiToken', 'subscriptions', 'pullOnly', 'callbackToken']],
    ['C', 'POST', '/producers/:id/pull'],
    ['C', 'POST', '/producers/:id/backfill', ['contentType', 'force']],
    ['P', 'GET', '/consumers'],
    ['P', 'GET', '/consumers/:id'],
    ['P', 'PUT', '/consumers/:id/subscriptions', ['subscriptions']],
    ['P', 'GET', '/update-logs'],
    ['C', 'GET', '/sync-logs'],
    ['C', 'POST', '/sync-logs/resync-failed', ['producerId']],
    ['C', 'GET', '/sync-logs/:id'],
    ['C', 'POST', '/sync-logs/:id/resync'],
    ['C', 'GET', '/mappings'],
    ['C', 'POST', '/mappings', ['mappingName', 'localContentType', 'remoteContentType', 'fieldMappings']],
    ['C', 'GET', '/mappings/:id'],
    ['C', 'PUT', '/mappings/:id', ['mappingName', 'localContentType', 'remoteContentType', 'fieldMappings']],
    ['C', 'GET', '/producers/:id/schema-check'],
    ['C', 'GET', '/mappings/:id/schema-check'],
    // Last, and never with the real ids (they would unlink the pair).
    ['C', 'DELETE', '/mappings/:id'],
    ['P', 'DELETE', '/consumers/:id'],
    ['C', 'DELETE', '/producers/:id'],
  ] as Array<[Route['site'], Route['method'], string, string[]?]>
).map(([site, method, p, keys]) => ({ site, method, path: `/event-streaming${p}`, who: ['admin', 'admin', 'admin', 'none'], keys }));

const QUERY_KEYS = [
  'after',
  'limit',
  'locale',
  'via',
  'page',
  'pageSize',
  'status',
  'contentType',
  'documentId',
  'producerId',
  'updateType',
];
const SUB_KEYS = ['contentType', 'remoteContentType', 'status', 'useSameName', 'unsubscribed', 'mapping'];
const FIELD_KEYS = ['localField', 'remoteField', 'defaultValue', 'mappingType', 'mapping', 'remoteValueFilters'];

/** A value for `key`: one of the pair's real values most often, else anything. */
const valueFor = (key: string): fc.Arbitrary<unknown> => {
  const pool: Record<string, string[]> = {
    siteId: real.siteId,
    callbackUrl: real.url,
    producerUrl: real.url,
    contentType: real.uid,
    remoteContentType: real.uid,
    localContentType: real.uid,
    producerId: real.id,
    headSeq: real.seq,
    after: real.seq,
    status: ['Approved', 'Rejected', 'Pending', 'Failed', 'Synced'],
    mappingType: ['none', 'component', 'relation'],
    locale: ['en', 'fr', 'zz-ZZ'],
    documentId: real.documentId,
  };
  const list = (keys: string[]) =>
    fc.array(fc.array(fc.tuple(fc.constantFrom(...keys), fc.constant(null)), { maxLength: 6 }), { maxLength: 4 });
  if (key === 'subscriptions' || key === 'fieldMappings') {
    const keys = key === 'subscriptions' ? SUB_KEYS : FIELD_KEYS;
    return fc.oneof(
      list(keys).chain((objs) =>
        fc.tuple(...objs.map((o) => fc.tuple(...o.map(([k]) => valueFor(k).map((v) => [k, v] as [string, unknown]))).map(ownObject)))
      ),
      hostileScalar()
    );
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(pool[key] ?? ['x'])) },
    { weight: 2, arbitrary: hostileScalar() },
    { weight: 1, arbitrary: hostileTree([key, ...SUB_KEYS], hostileScalar(), 3) }
  );
};

/** Path segment: a real value or a hostile one, percent-encoded (sometimes left malformed). */
const segment = (name: string, realOnes: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realOnes).map(encodeURIComponent) },
    { weight: 3, arbitrary: hostileString().map((s) => encodeURIComponent(s.slice(0, 10_000)) || 'x') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '..', '.', '%2e%2e', '__proto__', 'constructor', '-1', '0', '1.5', name),
    }
  );

const queryArb = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom(...QUERY_KEYS),
      fc.constantFrom(...QUERY_KEYS).map((k) => `${k}[$ne]`),
      fc.constantFrom('__proto__[x]', 'constructor[prototype][x]', 'a[][][]'),
      fc.string({ maxLength: 6 })
    ),
    fc.oneof(valueFor('after'), valueFor('contentType'), hostileString()).map((v) => String(v).slice(0, 5000))
  ),
  { maxLength: 5 }
);

const RAW_BODIES = [
  '{',
  '{"siteId": ',
  'null',
  '[]',
  '"x"',
  '1',
  'true',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3001)}`,
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
];

/** A valid value per body key: a valid body with one value made hostile reaches past the schema. */
const plausible = (key: string): unknown =>
  ({
    siteId: real.siteId[2],
    name: 'Fuzz consumer',
    callbackUrl: C.url,
    callbackToken: 'fuzz-callback-token-0123456789',
    subscriptions: key === 'subscriptions' ? [{ contentType: CUSTOMER }] : undefined,
    producerUrl: P.url,
    apiToken: tokens.spare,
    pullOnly: true,
    headSeq: 1,
    contentType: CUSTOMER,
    force: true,
    producerId: real.id[0],
    mappingName: 'fuzz-map-2',
    localContentType: CUSTOMER,
    remoteContentType: CUSTOMER,
    fieldMappings: [{ localField: 'name', remoteField: 'name' }],
  })[key];

const bodyArb = (route: Route) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...(route.keys ?? ['siteId'])), fc.boolean())
        .chain(([k, keep]) =>
          valueFor(k).map((v) => ownObject((route.keys ?? []).map((key) => [key, key === k && !keep ? v : plausible(key)])))
        ),
    },
    {
      weight: 5,
      arbitrary: fc
        .subarray(route.keys ?? ['siteId'])
        .chain((ks) => fc.tuple(...ks.map((k) => valueFor(k).map((v) => [k, v] as [string, unknown]))).map(ownObject)),
    },
    { weight: 2, arbitrary: hostileTree([...(route.keys ?? []), ...SUB_KEYS], hostileScalar(), 4) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) },
    { weight: 1, arbitrary: fc.constant(undefined) }
  );

function requestArb(route: Route) {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const realFor = (p: string) => {
    if (p === 'id') return route.method === 'DELETE' ? ['999999999', '0'] : real.id;
    return p === 'uid' ? real.uid : real.documentId;
  };
  return fc.record({
    who: fc.constantFrom(...route.who),
    params: fc.tuple(...params.map((p) => segment(p, realFor(p)))),
    query: queryArb,
    body: route.method === 'GET' ? fc.constant(undefined) : bodyArb(route),
  });
}

/**
 * Tried first on every route with a body: a valid body with one value at a time made very long
 * (a URL with 200,000 slashes before its end, as in issue 13 finding 1; otherwise 200,000
 * characters), so that every string that reaches a parser or a regex is tried past its bound.
 */
function longValueExamples(route: Route): Array<[{ who: string; params: string[]; query: Array<[string, string]>; body: unknown }]> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) =>
    encodeURIComponent(m[1] === 'id' ? real.id[0] : m[1] === 'uid' ? CUSTOMER : real.documentId[0])
  );
  const long = (key: string) => (/url/i.test(key) ? `${C.url}/${'/'.repeat(200_000)}x` : 'a'.repeat(200_000));
  return (route.keys ?? []).map((k) => [
    {
      who: route.who[0],
      params: route.method === 'DELETE' ? params.map(() => '999999999') : params,
      query: [],
      body: ownObject((route.keys ?? []).map((key) => [key, key === k ? long(key) : plausible(key)])),
    },
  ]);
}

const stats = new FuzzStats();
const perRoute: Record<string, { inputs: number; statuses: Record<number, number> }> = {};

async function fuzzRoute(route: Route, runs: number) {
  const site = route.site === 'P' ? P : C;
  const name = `${route.method} ${route.path}`;
  const entry = (perRoute[name] = { inputs: 0, statuses: {} as Record<number, number> });
  await fc.assert(
    fc.asyncProperty(requestArb(route), async (req) => {
      let i = 0;
      const path = route.path.replace(/:\w+/g, () => req.params[i++]);
      const qs = req.query
        .map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`)
        .join('&');
      const url = qs ? `${path}?${qs}` : path;
      const token = req.who === 'admin' ? site.adminJwt : tokens[req.who];
      const raw = req.body && typeof req.body === 'object' && 'raw' in req.body ? String((req.body as { raw: string }).raw) : undefined;
      const body = raw ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
      const before = route.method === 'GET' ? null : await Promise.all(readers.map((r) => r.state()));
      const t0 = performance.now();
      const res: HttpResult = await stats.time(
        () => `${route.method} ${url.slice(0, 150)} ${String(body).slice(0, 100)}`,
        () =>
          (body !== undefined && body.length > 100_000
            ? sendLarge(site, route.method, url, body, token ?? null)
            : site.request(route.method, url, body, {
                token,
                headers: body === undefined ? {} : { 'content-type': 'application/json' },
                timeoutMs: 60_000,
              })
          ).catch((error: NodeJS.ErrnoException) => {
            // A request line over Node's header limit (16 KiB) is answered 431 and the socket closed
            // at once: a client still sending its body sees the reset instead of the answer.
            if (url.length > HEADER_LIMIT && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
              return { status: 431, headers: {}, body: null, text: '' } as unknown as HttpResult;
            throw error;
          })
      );
      const ms = performance.now() - t0;
      entry.inputs += 1;
      entry.statuses[res.status] = (entry.statuses[res.status] ?? 0) + 1;
      const what = `${route.method} ${url.slice(0, 200)} body ${String(body).slice(0, 200)}`;
      if (res.status >= 500 || res.status === 0) throw new Error(`server error: ${what} -> ${res.status} ${res.text.slice(0, 300)}`);
      if (ms > BOUND_MS) throw new Error(`answered after ${Math.round(ms)} ms (bound ${BOUND_MS}): ${what}`);
      const plain = FRAMEWORK_STATUSES.includes(res.status) && (res.body === null || typeof res.body !== 'object');
      if (res.status >= 400 && !plain) expectClientError(res, res.status, undefined, what);
      if (before) {
        const settle = async () => {
          // A request that was accepted may have started work (a pull, a back-fill): wait for it to end.
          let prev = await Promise.all(readers.map((r) => r.state()));
          for (let n = 0; n < 40; n += 1) {
            await new Promise((r) => setTimeout(r, 250));
            const now = await Promise.all(readers.map((r) => r.state()));
            if (JSON.stringify(now) === JSON.stringify(prev)) return;
            prev = now;
          }
        };
        if (res.status < 400) await settle();
        else expect({ what, state: await Promise.all(readers.map((r) => r.state())) }).toEqual({ what, state: before });
      }
    }),
    { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true, examples: longValueExamples(route) }
  );
}

describe('fuzz: every site-to-site and admin route on a real pair of sites', () => {
  const started = Date.now();
  let errorsBefore: number[];
  beforeAll(() => {
    errorsBefore = [countLogLines(P, SERVER_ERROR_LINE), countLogLines(C, SERVER_ERROR_LINE)];
  });
  afterAll(() => stats.write(`routes (integration, ${process.env.DATABASE_CLIENT ?? 'sqlite'})`, { boundMs: BOUND_MS, perRoute }));

  for (const route of STREAM_ROUTES)
    test(
      `site-to-site ${route.method} ${route.path}: ${STREAM_RUNS} inputs, no 5xx, no hang, no partial write`,
      () => fuzzRoute(route, STREAM_RUNS),
      600_000
    );
  for (const route of ADMIN_ROUTES)
    test(
      `admin ${route.method} ${route.path}: ${ADMIN_RUNS} inputs, no 5xx, no hang, no partial write`,
      () => fuzzRoute(route, ADMIN_RUNS),
      600_000
    );

  test('both sites still answer, no 5xx was logged, and the pair still streams', async () => {
    expect([countLogLines(P, SERVER_ERROR_LINE), countLogLines(C, SERVER_ERROR_LINE)]).toEqual(errorsBefore);
    expect((await P.request('GET', '/_health')).status).toBe(204);
    expect((await C.request('GET', '/_health')).status).toBe(204);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.log(
      `route fuzz: ${stats.runs} requests in ${Math.round((Date.now() - started) / 1000)} s, slowest ${Math.round(stats.worstMs)} ms: ${stats.worstInput}`
    );
  });
});
