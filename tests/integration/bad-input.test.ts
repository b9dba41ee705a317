/**
 * Issue 6 (bad input), SPEC §8: every site-to-site route and every admin route, fed malformed
 * JSON, wrong types, unknown / hostile UIDs and ids, forged cursors, oversized bodies, duplicate
 * registrations. Each must be a 4xx with a readable `error.message` (never a 500), and the whole
 * table must leave both sites exactly as they were (row counts of every plugin table and the API
 * tokens, subscription statuses, cursors).
 */
import crypto from 'node:crypto';
import { startSites, stopAll, expectStatus, type HttpResult, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus, STREAM_PERMISSIONS, type Link } from '../helpers/streaming';
import { apiTokens, countLogLines, expectClientError, sendLarge, snapshotCounts, tokenSecret } from '../helpers/security';
import { CUSTOMER, ITEM } from '../helpers/uids';

let P: Site; // producer
let C: Site; // consumer
let l: Link;
let cSiteId: string;
let pSiteId: string;
let callbackToken: string;
let spareToken: string; // a custom stream token on P that registered nothing
let readOnly: string;
let customerId: string;
let _syncLogId: number; // read to prove the sync log lists an entry
let mappingId: number;

beforeAll(async () => {
  [P, C] = await startSites([{ name: 'bad-producer' }, { name: 'bad-consumer' }]);
  l = await link(P, C, [{ contentType: CUSTOMER }, { contentType: ITEM }]);
  await setStatus(l, { [CUSTOMER]: 'Approved', [ITEM]: 'Approved' });
  customerId = expectStatus(await P.api('POST', '/customers', { data: { name: 'Before the table' } }), 'create').body.data.documentId;
  await eventually(() => getDoc(C, 'customers', customerId), 'customer on the consumer');
  // Steady state before the table: the consumer's next (cron) pull has acknowledged its cursor.
  await eventually(async () => {
    const ec = (await P.admin('GET', `/event-streaming/consumers/${l.consumerId}`)).body.data;
    const ep = (await C.admin('GET', `/event-streaming/producers/${l.producerId}`)).body.data;
    return ep.lastPulledSeq > 0 && ec.ackSeq === ep.lastPulledSeq;
  }, "the producer has the consumer's cursor acknowledged");
  cSiteId = expectStatus(await C.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  pSiteId = expectStatus(await P.admin('GET', '/event-streaming/site'), 'site').body.data.siteId;
  const minted = (await apiTokens(C)).find((t) => t.name.startsWith('event-streaming callbacks from'))!;
  callbackToken = await tokenSecret(C, minted.id);
  spareToken = (await P.createApiToken({ name: 'spare stream token', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
  // Not 'read only': Strapi seeds a 'Read Only' token, and MariaDB compares names case-insensitively.
  readOnly = (await P.createApiToken({ name: 'bad-input read only', type: 'read-only' })).accessKey;
  _syncLogId = expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=1'), 'sync logs').body.data[0].id;
  mappingId = expectStatus(
    await C.admin('POST', '/event-streaming/mappings', {
      mappingName: 'bad-input-map',
      localContentType: CUSTOMER,
      remoteContentType: CUSTOMER,
      fieldMappings: [{ localField: 'name', remoteField: 'name' }],
    }),
    'mapping',
    201
  ).body.data.id;
});

afterAll(() => stopAll());

type Who = 'stream' | 'spare' | 'callback' | 'admin' | 'readOnly' | 'unregistered' | 'foreign' | 'none';
interface Case {
  name: string;
  site: 'P' | 'C';
  method: string;
  path: string;
  /** An object (sent as JSON) or raw text sent with content-type application/json. */
  body?: unknown;
  raw?: string;
  who: Who;
  status: number | number[];
  message?: RegExp;
}

const FIVE_MB = JSON.stringify({ data: 'x'.repeat(5 * 1024 * 1024) });
const LONG_ID = 'a'.repeat(5000);

function cases(): Case[] {
  const out: Case[] = [];
  const add = (c: Omit<Case, 'status'> & { status?: number | number[] }) => out.push({ status: 400, ...c });
  const S = '/api/event-streaming';
  const reg = (extra: Record<string, unknown>) => ({
    siteId: crypto.randomUUID(),
    name: 'Intruder',
    callbackUrl: null,
    subscriptions: [{ contentType: CUSTOMER }],
    ...extra,
  });

  // ---- POST /register (producer), with a valid stream token that registered nothing
  const R = { site: 'P' as const, method: 'POST', path: `${S}/register`, who: 'spare' as Who };
  add({ ...R, name: 'register: malformed JSON', raw: '{"siteId": ', message: /JSON|body/i });
  add({ ...R, name: 'register: not JSON at all', raw: 'siteId=1&name=x', message: /JSON|body/i });
  add({ ...R, name: 'register: a list', body: [reg({})], message: /must be a JSON object/ });
  add({ ...R, name: 'register: a JSON string', raw: '"hello"', message: /JSON/ });
  add({ ...R, name: 'register: siteId number', body: reg({ siteId: 12345678 }), message: /siteId must be/ });
  add({ ...R, name: 'register: siteId path', body: reg({ siteId: '../../etc/passwd' }), message: /siteId must be/ });
  add({ ...R, name: 'register: siteId too long', body: reg({ siteId: 'a'.repeat(65) }), message: /siteId must be/ });
  add({ ...R, name: 'register: name list', body: reg({ name: [] }), message: /name must be/ });
  add({ ...R, name: 'register: name blank', body: reg({ name: '   ' }), message: /name must be/ });
  add({ ...R, name: 'register: name huge', body: reg({ name: 'n'.repeat(500) }), message: /name must be/ });
  add({ ...R, name: 'register: callbackUrl object', body: reg({ callbackUrl: {} }), message: /callbackUrl/ });
  add({
    ...R,
    name: 'register: callbackUrl without token',
    body: reg({ callbackUrl: 'http://127.0.0.1:9' }),
    message: /callbackToken is required/,
  });
  add({
    ...R,
    name: 'register: callbackToken number',
    body: reg({ callbackUrl: 'http://127.0.0.1:9', callbackToken: 42 }),
    message: /callbackToken must be/,
  });
  add({ ...R, name: 'register: subscriptions string', body: reg({ subscriptions: CUSTOMER }), message: /subscriptions must be a list/ });
  add({ ...R, name: 'register: subscriptions empty', body: reg({ subscriptions: [] }), message: /subscriptions must be a list/ });
  add({
    ...R,
    name: 'register: subscriptions 201',
    body: reg({ subscriptions: Array.from({ length: 201 }, (_, i) => ({ contentType: `api::t${i}.t${i}` })) }),
    message: /1 to 200/,
  });
  add({ ...R, name: 'register: contentType number', body: reg({ subscriptions: [{ contentType: 5 }] }), message: /contentType must be/ });
  add({ ...R, name: 'register: subscription null', body: reg({ subscriptions: [null] }), message: /contentType must be/ });
  add({
    ...R,
    name: 'register: unknown UID',
    body: reg({ subscriptions: [{ contentType: 'api::nope.nope' }] }),
    message: /Unknown or non-streamable content type\(s\) on this site: api::nope.nope/,
  });
  add({
    ...R,
    name: 'register: path UID',
    body: reg({ subscriptions: [{ contentType: '../../etc/passwd' }] }),
    message: /Unknown or non-streamable/,
  });
  add({
    ...R,
    name: "register: the plugin's own type",
    body: reg({ subscriptions: [{ contentType: 'plugin::event-streaming.event-producer' }] }),
    message: /Unknown or non-streamable/,
  });
  add({
    ...R,
    name: 'register: admin users',
    body: reg({ subscriptions: [{ contentType: 'admin::user' }] }),
    message: /Unknown or non-streamable/,
  });
  add({
    ...R,
    name: 'register: users-permissions users',
    body: reg({ subscriptions: [{ contentType: 'plugin::users-permissions.user' }] }),
    message: /Unknown or non-streamable/,
  });
  add({
    ...R,
    name: 'register: API tokens',
    body: reg({ subscriptions: [{ contentType: 'admin::api-token' }] }),
    message: /Unknown or non-streamable/,
  });
  add({
    ...R,
    name: 'register: duplicate type',
    body: reg({ subscriptions: [{ contentType: CUSTOMER }, { contentType: CUSTOMER }] }),
    message: /twice/,
  });
  add({ ...R, name: 'register: unknown field', body: reg({ isAdmin: true }), message: /Unknown field\(s\): isAdmin/ });
  add({ ...R, name: 'register: 5 MB body', raw: FIVE_MB, status: 413, message: /large/i });
  add({
    ...R,
    name: "register: the consumer's site id with another token",
    body: reg({ siteId: '__C__' }),
    status: 409,
    message: /already registered with another API token/,
  });
  add({
    ...R,
    who: 'stream',
    name: 'register: the registered token for another site id',
    body: reg({}),
    status: 409,
    message: /already used by consumer/,
  });
  add({ ...R, who: 'none', name: 'register: no token', body: reg({}), status: 403, message: /Forbidden/ });
  add({ ...R, who: 'readOnly', name: 'register: read-only token', body: reg({}), status: 403, message: /Forbidden/ });
  add({ ...R, who: 'foreign', name: "register: the consumer site's token", body: reg({}), status: 401, message: /invalid credentials/ });

  // ---- DELETE /register (producer): only wrong tokens are bad input (the route takes no body)
  const D = { site: 'P' as const, method: 'DELETE', path: `${S}/register` };
  add({
    ...D,
    who: 'unregistered',
    name: 'deregister: a token that registered nothing',
    status: 404,
    message: /No consumer is registered/,
  });
  add({ ...D, who: 'readOnly', name: 'deregister: read-only token', status: 403, message: /Forbidden/ });
  add({ ...D, who: 'none', name: 'deregister: no token', status: 403, message: /Forbidden/ });
  add({ ...D, who: 'foreign', name: "deregister: the consumer site's token", status: 401, message: /invalid credentials/ });

  // ---- GET /updates (producer), with the consumer's real token
  const U = (q: string) => ({ site: 'P' as const, method: 'GET', path: `${S}/updates?${q}`, who: 'stream' as Who });
  add({ ...U('after=-1'), name: 'updates: after=-1', message: /after must be a non-negative integer/ });
  add({ ...U('after=abc'), name: 'updates: after=abc', message: /after must be a non-negative integer/ });
  add({ ...U('after=1e9'), name: 'updates: after=1e9', message: /after must be a non-negative integer/ });
  add({ ...U('after=1.5'), name: 'updates: after=1.5', message: /after must be a non-negative integer/ });
  add({ ...U('after=%00'), name: 'updates: after=NUL', message: /after must be a non-negative integer/ });
  add({ ...U('after=99999999999'), name: 'updates: after 11 digits', message: /after must be a non-negative integer/ });
  add({ ...U('after=4294967295'), name: 'updates: after beyond int32', message: /after is out of range/ });
  // after ahead of the head is not an error since issue 12: an empty page the consumer re-copies from (retention.test.ts).
  add({ ...U('after[a]=1'), name: 'updates: after as an object', message: /after must be/ });
  add({ ...U('limit=0'), name: 'updates: limit=0', message: /limit must be a positive integer/ });
  add({ ...U('limit=-5'), name: 'updates: limit=-5', message: /limit must be a positive integer/ });
  add({ ...U('limit=abc'), name: 'updates: limit=abc', message: /limit must be a positive integer/ });
  add({ ...U('limit=9999999'), name: 'updates: limit 7 digits', message: /limit must be a positive integer/ });
  add({
    ...U('after=0'),
    who: 'unregistered',
    name: 'updates: a full-access token that registered nothing',
    status: 403,
    message: /has not registered a consumer/,
  });
  add({ ...U('after=0'), who: 'readOnly', name: 'updates: read-only token', status: 403, message: /Forbidden/ });
  add({ ...U('after=0'), who: 'none', name: 'updates: no token', status: 403, message: /Forbidden/ });
  add({ ...U('after=0'), who: 'foreign', name: "updates: the consumer site's token", status: 401, message: /invalid credentials/ });

  // ---- GET /documents/:uid/:documentId and /documents/:uid (producer)
  const G = (p: string) => ({ site: 'P' as const, method: 'GET', path: `${S}/documents/${p}`, who: 'stream' as Who });
  add({ ...G('..%2F..%2Fetc/x'), name: 'document: uid ../../etc', message: /Unknown content type/ });
  add({ ...G('api::x.x%00/abc'), name: 'document: uid with NUL', message: /Unknown content type/ });
  add({ ...G('api::nope.nope/abc'), name: 'document: unknown uid', message: /Unknown content type api::nope.nope/ });
  add({
    ...G('plugin::event-streaming.event-consumer/abc'),
    name: "document: the plugin's consumers (tokens)",
    message: /Unknown content type/,
  });
  add({ ...G('admin::user/abc'), name: 'document: admin users', message: /Unknown content type/ });
  add({ ...G('plugin::users-permissions.user/abc'), name: 'document: end users', message: /Unknown content type/ });
  add({ ...G(`${encodeURIComponent('a'.repeat(3000))}/abc`), name: 'document: uid 3000 chars', message: /Unknown content type/ });
  add({ ...G(`${CUSTOMER}/..%2F..%2Fetc%2Fpasswd`), name: 'document: id ../../etc/passwd', message: /documentId is malformed/ });
  add({ ...G(`${CUSTOMER}/abc%00def`), name: 'document: id with NUL', message: /documentId is malformed/ });
  add({ ...G(`${CUSTOMER}/${LONG_ID}`), name: 'document: id 5000 chars', message: /documentId is malformed/ });
  add({ ...G(`${CUSTOMER}/abc%27%20OR%201%3D1`), name: "document: id ' OR 1=1", message: /documentId is malformed/ });
  add({ ...G(`${CUSTOMER}/abc?locale=en%3BDROP`), name: 'document: bad locale', message: /locale must be a locale code/ });
  add({ ...G(`${CUSTOMER}/abc?locale[x]=en`), name: 'document: locale as object', message: /locale must be a locale code/ });
  add({ ...G(`${CUSTOMER}/abc?via=%5B%5B`), name: 'document: via broken JSON', message: /via must be a JSON list/ });
  add({ ...G(`${CUSTOMER}/abc?via=%7B%7D`), name: 'document: via an object', message: /via must be a list of at most 16 hops/ });
  add({
    ...G(`${CUSTOMER}/abc?via=${encodeURIComponent(JSON.stringify([[CUSTOMER, '../x', null]]))}`),
    name: 'document: via with a path id',
    message: /via\[0\] must be/,
  });
  add({ ...G(`${CUSTOMER}/abc?via=${'a'.repeat(4100)}`), name: 'document: via 4100 chars', message: /via must be a JSON list/ });
  add({ ...G('..%2F..%2Fetc'), name: 'list: uid ../../etc', message: /Unknown content type/ });
  add({ ...G('api::nope.nope'), name: 'list: unknown uid', message: /Unknown content type/ });
  add({ ...G(`${CUSTOMER}?after=-1`), name: 'list: after=-1', message: /after must be a non-negative integer/ });
  add({ ...G(`${CUSTOMER}?after=abc`), name: 'list: after=abc', message: /after must be a non-negative integer/ });
  add({ ...G(`${CUSTOMER}?after=1e9`), name: 'list: after=1e9', message: /after must be a non-negative integer/ });
  add({ ...G(`${CUSTOMER}?limit=0`), name: 'list: limit=0', message: /limit must be a positive integer/ });
  add({
    ...G(`${CUSTOMER}`),
    who: 'unregistered',
    name: 'list: unregistered token',
    status: 403,
    message: /has not registered a consumer/,
  });

  // ---- GET /files/:fileId (producer)
  const F = (p: string) => ({ site: 'P' as const, method: 'GET', path: `${S}/files/${p}`, who: 'stream' as Who });
  add({ ...F('..%2F..%2Fetc%2Fpasswd'), name: 'file: id ../../etc/passwd', message: /file id is malformed/ });
  add({ ...F(LONG_ID), name: 'file: id 5000 chars', message: /file id is malformed/ });
  add({ ...F('abc?via=nope'), name: 'file: via not JSON', message: /via must be a JSON list/ });
  add({ ...F('abc'), name: 'file: no via', status: 403, message: /served only through the document/ });
  add({ ...F('abc'), who: 'foreign', name: "file: the consumer site's token", status: 401, message: /invalid credentials/ });

  // ---- POST /notify (consumer), with the callback token the producer holds
  const N = { site: 'C' as const, method: 'POST', path: `${S}/notify`, who: 'callback' as Who };
  add({ ...N, name: 'notify: malformed JSON', raw: '{"siteId"', message: /JSON|body/i });
  add({ ...N, name: 'notify: empty object', body: {}, message: /siteId is required/ });
  add({ ...N, name: 'notify: siteId number', body: { siteId: 5 }, message: /siteId is required/ });
  add({ ...N, name: 'notify: siteId huge', body: { siteId: 'x'.repeat(100) }, message: /siteId is required/ });
  add({ ...N, name: 'notify: a list', body: [{ siteId: '__P__' }], message: /siteId is required/ });
  add({
    ...N,
    name: 'notify: unknown site',
    body: { siteId: crypto.randomUUID() },
    status: 404,
    message: /No Event Producer with this site id/,
  });
  add({ ...N, name: 'notify: 5 MB body', raw: FIVE_MB, status: 413, message: /large/i });
  add({ ...N, who: 'admin', name: 'notify: an admin JWT', body: { siteId: '__P__' }, status: 401, message: /invalid credentials/ });
  add({ ...N, who: 'none', name: 'notify: no token', body: { siteId: '__P__' }, status: 403, message: /Forbidden/ });
  add({
    ...N,
    who: 'unregistered',
    name: 'notify: a token of this site that is not the callback token',
    body: { siteId: '__P__' },
    status: 403,
    message: /not the callback token/,
  });

  // ---- Admin: producers (consumer site)
  const AP = { site: 'C' as const, who: 'admin' as Who };
  const prod = (extra: Record<string, unknown>) => ({
    producerUrl: 'http://127.0.0.1:9',
    apiToken: 'x'.repeat(40),
    subscriptions: [{ contentType: CUSTOMER }],
    ...extra,
  });
  const POSTP = { ...AP, method: 'POST', path: '/event-streaming/producers' };
  add({ ...POSTP, name: 'producers POST: malformed JSON', raw: '{"producerUrl": "http://', message: /JSON|body/i });
  add({ ...POSTP, name: 'producers POST: a list', body: [prod({})], message: /must be a JSON object/ });
  add({
    ...POSTP,
    name: 'producers POST: producerUrl number',
    body: prod({ producerUrl: 5 }),
    message: /producerUrl must be a non-empty URL/,
  });
  add({
    ...POSTP,
    name: 'producers POST: file URL',
    body: prod({ producerUrl: 'file:///etc/passwd' }),
    message: /producerUrl must use http or https/,
  });
  add({ ...POSTP, name: 'producers POST: apiToken number', body: prod({ apiToken: 5 }), message: /apiToken must be/ });
  add({ ...POSTP, name: 'producers POST: apiToken short', body: prod({ apiToken: 'short' }), message: /apiToken must be/ });
  add({
    ...POSTP,
    name: 'producers POST: apiToken with a newline (header injection)',
    body: prod({ apiToken: `${'x'.repeat(20)}\r\nX-Evil: 1` }),
    message: /apiToken must be/,
  });
  add({ ...POSTP, name: 'producers POST: apiToken missing', body: prod({ apiToken: undefined }), message: /apiToken must be/ });
  add({ ...POSTP, name: 'producers POST: callbackToken list', body: prod({ callbackToken: ['x'] }), message: /callbackToken must be/ });
  add({ ...POSTP, name: 'producers POST: pullOnly string', body: prod({ pullOnly: 'no' }), message: /pullOnly must be a boolean/ });
  add({
    ...POSTP,
    name: 'producers POST: subscriptions object',
    body: prod({ subscriptions: {} }),
    message: /subscriptions must be a list/,
  });
  add({
    ...POSTP,
    name: 'producers POST: subscription string',
    body: prod({ subscriptions: ['x'] }),
    message: /subscriptions\[0\] must be an object/,
  });
  add({
    ...POSTP,
    name: 'producers POST: unknown local UID',
    body: prod({ subscriptions: [{ contentType: 'api::nope.nope' }] }),
    message: /is not a collection type of this site/,
  });
  add({
    ...POSTP,
    name: "producers POST: the plugin's own type",
    body: prod({ subscriptions: [{ contentType: 'plugin::event-streaming.event-producer' }] }),
    message: /is not a collection type of this site/,
  });
  add({
    ...POSTP,
    name: 'producers POST: remote UID path',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: '../../x' }] }),
    message: /remoteContentType must be/,
  });
  add({
    ...POSTP,
    name: 'producers POST: remote differs without mapping',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: 'api::person.person' }] }),
    message: /needs a mapping/,
  });
  add({
    ...POSTP,
    name: 'producers POST: useSameName string',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, useSameName: 'yes' }] }),
    message: /useSameName must be a boolean/,
  });
  add({
    ...POSTP,
    name: 'producers POST: unsubscribed number',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, unsubscribed: 1 }] }),
    message: /unsubscribed must be a boolean/,
  });
  add({
    ...POSTP,
    name: 'producers POST: mapping number',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, mapping: 5 }] }),
    message: /mapping must be a mapping name/,
  });
  add({
    ...POSTP,
    name: 'producers POST: unknown mapping',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, mapping: 'nope' }] }),
    message: /no Document Type Mapping named "nope"/,
  });
  add({
    ...POSTP,
    name: 'producers POST: subscription unknown field',
    body: prod({ subscriptions: [{ contentType: CUSTOMER, evil: 1 }] }),
    message: /unknown field\(s\): evil/,
  });
  add({
    ...POSTP,
    name: 'producers POST: unknown field',
    body: prod({ producerSiteId: 'forged' }),
    message: /Unknown field\(s\): producerSiteId/,
  });
  add({
    ...POSTP,
    name: 'producers POST: the same producer again',
    body: prod({ producerUrl: '__PURL__', apiToken: 'y'.repeat(40) }),
    status: 409,
    message: /already exists; edit it instead/,
  });
  add({ ...POSTP, name: 'producers POST: 5 MB body', raw: FIVE_MB, status: 413, message: /large/i });
  const PUTP = { ...AP, method: 'PUT', path: '/event-streaming/producers/__PID__' };
  add({ ...PUTP, name: 'producers PUT: malformed JSON', raw: '{{', message: /JSON|body/i });
  add({
    ...PUTP,
    name: 'producers PUT: another URL',
    body: prod({ producerUrl: 'http://127.0.0.1:9', apiToken: undefined }),
    message: /producerUrl cannot change/,
  });
  add({
    ...PUTP,
    name: 'producers PUT: subscriptions null',
    body: { producerUrl: '__PURL__', subscriptions: null },
    message: /subscriptions must be a list/,
  });
  add({
    ...PUTP,
    name: 'producers PUT: apiToken number',
    body: { producerUrl: '__PURL__', apiToken: 5, subscriptions: [{ contentType: CUSTOMER }] },
    message: /apiToken must be/,
  });
  add({
    ...PUTP,
    path: '/event-streaming/producers/abc',
    name: 'producers PUT: id abc',
    body: prod({}),
    message: /id must be a positive integer/,
  });
  add({
    ...PUTP,
    path: '/event-streaming/producers/99999999',
    name: 'producers PUT: missing id',
    body: prod({}),
    status: 404,
    message: /Event Producer not found/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/producers/abc',
    name: 'producers GET: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/producers/-1',
    name: 'producers GET: id -1',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/producers/1e3',
    name: 'producers GET: id 1e3',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'GET',
    path: `/event-streaming/producers/${'9'.repeat(30)}`,
    name: 'producers GET: id 30 digits',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/producers/0',
    name: 'producers GET: id 0',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'DELETE',
    path: '/event-streaming/producers/abc',
    name: 'producers DELETE: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'DELETE',
    path: '/event-streaming/producers/99999999',
    name: 'producers DELETE: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/producers/abc/pull',
    name: 'pull: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/producers/99999999/pull',
    name: 'pull: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/producers/__PID__/backfill',
    body: { contentType: 5 },
    name: 'backfill: contentType number',
    message: /contentType must be a content type UID/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/producers/__PID__/backfill',
    body: { contentType: 'api::nope.nope' },
    name: 'backfill: unknown type',
    message: /is not an approved subscription/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/producers/__PID__/backfill',
    raw: '[',
    name: 'backfill: malformed JSON',
    message: /JSON|body/i,
  });

  // ---- Admin: consumers (producer site)
  const AC = { site: 'P' as const, who: 'admin' as Who };
  const SUBS = { ...AC, method: 'PUT', path: '/event-streaming/consumers/__CID__/subscriptions' };
  add({ ...SUBS, name: 'consumers PUT: malformed JSON', raw: '{"subscriptions": [', message: /JSON|body/i });
  add({ ...SUBS, name: 'consumers PUT: empty object', body: {}, message: /subscriptions must be a non-empty list/ });
  add({
    ...SUBS,
    name: 'consumers PUT: subscriptions string',
    body: { subscriptions: 'Approved' },
    message: /subscriptions must be a non-empty list/,
  });
  add({
    ...SUBS,
    name: 'consumers PUT: bad status',
    body: { subscriptions: [{ contentType: CUSTOMER, status: 'Maybe' }] },
    message: /status must be one of Pending, Approved, Rejected/,
  });
  add({
    ...SUBS,
    name: 'consumers PUT: no contentType',
    body: { subscriptions: [{ status: 'Approved' }] },
    message: /contentType is required/,
  });
  add({
    ...SUBS,
    name: 'consumers PUT: unsubscribed type',
    body: { subscriptions: [{ contentType: 'api::supplier.supplier', status: 'Approved' }] },
    message: /has not subscribed to api::supplier.supplier/,
  });
  add({
    ...SUBS,
    name: 'consumers PUT: one valid change then a bad one (no half-write)',
    body: {
      subscriptions: [
        { contentType: CUSTOMER, status: 'Rejected' },
        { contentType: ITEM, status: 'Nope' },
      ],
    },
    message: /subscriptions\[1\]\.status must be one of/,
  });
  add({
    ...SUBS,
    path: '/event-streaming/consumers/abc/subscriptions',
    name: 'consumers PUT: id abc',
    body: { subscriptions: [] },
    message: /id must be a positive integer/,
  });
  add({
    ...SUBS,
    path: '/event-streaming/consumers/99999999/subscriptions',
    name: 'consumers PUT: missing id',
    body: { subscriptions: [{ contentType: CUSTOMER, status: 'Approved' }] },
    status: 404,
    message: /not found/,
  });
  add({
    ...AC,
    method: 'GET',
    path: '/event-streaming/consumers/abc',
    name: 'consumers GET: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AC,
    method: 'GET',
    path: '/event-streaming/consumers/99999999',
    name: 'consumers GET: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AC,
    method: 'DELETE',
    path: '/event-streaming/consumers/abc',
    name: 'consumers DELETE: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AC,
    method: 'DELETE',
    path: '/event-streaming/consumers/99999999',
    name: 'consumers DELETE: missing id',
    status: 404,
    message: /not found/,
  });

  // ---- Admin: logs
  const UL = (q: string) => ({ ...AC, method: 'GET', path: `/event-streaming/update-logs?${q}` });
  add({ ...UL('pageSize=0'), name: 'update-logs: pageSize=0', message: /pageSize must be a positive integer/ });
  add({ ...UL('pageSize=-1'), name: 'update-logs: pageSize=-1', message: /pageSize must be a positive integer/ });
  add({ ...UL('pageSize=abc'), name: 'update-logs: pageSize=abc', message: /pageSize must be a positive integer/ });
  add({ ...UL('page=0'), name: 'update-logs: page=0', message: /page must be a positive integer/ });
  add({ ...UL('page=1e9'), name: 'update-logs: page=1e9', message: /page must be a positive integer/ });
  add({ ...UL('updateType=Drop'), name: 'update-logs: unknown updateType', message: /updateType must be one of/ });
  add({ ...UL('contentType[]=a&contentType[]=b'), name: 'update-logs: contentType list', message: /contentType must be a single value/ });
  add({ ...UL(`documentId=${'d'.repeat(300)}`), name: 'update-logs: documentId 300 chars', message: /documentId must be a single value/ });
  const SL = (q: string) => ({ ...AP, method: 'GET', path: `/event-streaming/sync-logs?${q}` });
  add({ ...SL('pageSize=0'), name: 'sync-logs: pageSize=0', message: /pageSize must be a positive integer/ });
  add({ ...SL('status=Deleted'), name: 'sync-logs: unknown status', message: /status must be one of Synced, Failed, Blocked/ });
  add({ ...SL('producerId=abc'), name: 'sync-logs: producerId abc', message: /producerId must be a positive integer/ });
  add({ ...SL('producerId[$gt]=0'), name: 'sync-logs: producerId operator injection', message: /producerId must be a single value/ });
  add({ ...SL('status[$ne]=Synced'), name: 'sync-logs: status operator injection', message: /status must be a single value/ });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/sync-logs/abc',
    name: 'sync-log GET: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/sync-logs/99999999',
    name: 'sync-log GET: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/sync-logs/abc/resync',
    name: 'resync: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/sync-logs/99999999/resync',
    name: 'resync: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/sync-logs/resync-failed',
    body: { producerId: 'x' },
    name: 'resync-failed: producerId string',
    message: /producerId must be a positive integer/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/sync-logs/resync-failed',
    body: { producerId: -3 },
    name: 'resync-failed: producerId negative',
    message: /producerId must be a positive integer/,
  });
  add({
    ...AP,
    method: 'POST',
    path: '/event-streaming/sync-logs/resync-failed',
    raw: '{"producerId":',
    name: 'resync-failed: malformed JSON',
    message: /JSON|body/i,
  });

  // ---- Admin: mappings (consumer site)
  const map = (extra: Record<string, unknown>) => ({
    mappingName: 'bad-one',
    localContentType: CUSTOMER,
    remoteContentType: CUSTOMER,
    fieldMappings: [{ localField: 'name', remoteField: 'name' }],
    ...extra,
  });
  const POSTM = { ...AP, method: 'POST', path: '/event-streaming/mappings' };
  add({ ...POSTM, name: 'mappings POST: malformed JSON', raw: '{"mappingName"', message: /JSON|body/i });
  add({ ...POSTM, name: 'mappings POST: a list', body: [map({})], message: /must be a JSON object/ });
  add({ ...POSTM, name: 'mappings POST: name path', body: map({ mappingName: '../../etc' }), message: /mappingName must be/ });
  add({ ...POSTM, name: 'mappings POST: name number', body: map({ mappingName: 5 }), message: /mappingName must be/ });
  add({
    ...POSTM,
    name: 'mappings POST: unknown local type',
    body: map({ localContentType: 'api::nope.nope' }),
    message: /is not a content type or component of this site/,
  });
  add({
    ...POSTM,
    name: 'mappings POST: remote UID garbage',
    body: map({ remoteContentType: 'DROP TABLE' }),
    message: /remoteContentType must be/,
  });
  add({ ...POSTM, name: 'mappings POST: no field mappings', body: map({ fieldMappings: [] }), message: /fieldMappings must be a list/ });
  add({
    ...POSTM,
    name: 'mappings POST: unknown local field',
    body: map({ fieldMappings: [{ localField: 'password', remoteField: 'name' }] }),
    message: /localField "password" is not a field/,
  });
  add({
    ...POSTM,
    name: 'mappings POST: bad mappingType',
    body: map({ fieldMappings: [{ localField: 'name', remoteField: 'name', mappingType: 'eval' }] }),
    message: /mappingType must be one of/,
  });
  add({
    ...POSTM,
    name: 'mappings POST: remoteField garbage',
    body: map({ fieldMappings: [{ localField: 'name', remoteField: 'a.b;c' }] }),
    message: /remoteField must be a field name/,
  });
  add({
    ...POSTM,
    name: 'mappings POST: duplicate name',
    body: map({ mappingName: 'bad-input-map' }),
    status: [400, 409],
    message: /bad-input-map|exists|unique/i,
  });
  add({ ...POSTM, name: 'mappings POST: 5 MB body', raw: FIVE_MB, status: 413, message: /large/i });
  add({
    ...AP,
    method: 'PUT',
    path: '/event-streaming/mappings/__MID__',
    body: map({ mappingName: 'bad-input-map', fieldMappings: 'all' }),
    name: 'mappings PUT: fieldMappings string',
    message: /fieldMappings must be a list/,
  });
  add({
    ...AP,
    method: 'PUT',
    path: '/event-streaming/mappings/__MID__',
    raw: '{',
    name: 'mappings PUT: malformed JSON',
    message: /JSON|body/i,
  });
  add({
    ...AP,
    method: 'PUT',
    path: '/event-streaming/mappings/abc',
    body: map({}),
    name: 'mappings PUT: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'PUT',
    path: '/event-streaming/mappings/99999999',
    body: map({}),
    name: 'mappings PUT: missing id',
    status: 404,
    message: /not found/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/mappings/abc',
    name: 'mappings GET: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'DELETE',
    path: '/event-streaming/mappings/abc',
    name: 'mappings DELETE: id abc',
    message: /id must be a positive integer/,
  });
  add({
    ...AP,
    method: 'DELETE',
    path: '/event-streaming/mappings/99999999',
    name: 'mappings DELETE: missing id',
    status: 404,
    message: /not found/,
  });

  // ---- Admin: meta
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/documents/origin',
    name: 'origin: no parameters',
    message: /contentType and documentId are required/,
  });
  add({
    ...AP,
    method: 'GET',
    path: '/event-streaming/documents/origin?contentType[$ne]=x&documentId=a',
    name: 'origin: operator injection',
    message: /contentType must be a single value/,
  });
  return out;
}

/** Accepted, but capped: an oversized page is served at the maximum size (as Strapi's own REST API does). */
function capped(): Array<{ name: string; site: 'P' | 'C'; path: string; who: Who; check: (res: HttpResult) => void }> {
  return [
    {
      name: 'updates: limit=10000 → at most maxPageSize (500)',
      site: 'P',
      path: '/api/event-streaming/updates?after=0&limit=10000',
      who: 'stream',
      check: (r) => expect(r.body.events.length).toBeLessThanOrEqual(500),
    },
    {
      name: 'list: limit=10000 → at most 500',
      site: 'P',
      path: `/api/event-streaming/documents/${CUSTOMER}?limit=10000`,
      who: 'stream',
      check: (r) => expect(r.body.documents.length).toBeLessThanOrEqual(500),
    },
    {
      name: 'update-logs: pageSize=10000 → 100',
      site: 'P',
      path: '/event-streaming/update-logs?pageSize=10000',
      who: 'admin',
      check: (r) => expect(r.body.meta.pagination.pageSize).toBe(100),
    },
    {
      name: 'sync-logs: pageSize=10000 → 100',
      site: 'C',
      path: '/event-streaming/sync-logs?pageSize=10000',
      who: 'admin',
      check: (r) => expect(r.body.meta.pagination.pageSize).toBe(100),
    },
  ];
}

/** Strapi's http logger line of a request answered with a 5xx. */
// eslint-disable-next-line no-control-regex -- Strapi colours the status in its request log
const SERVER_ERROR_LINE = /http(\u001b\[\d+m)?: [A-Z]+ \S+ \(\d+ ms\) 5\d\d/g;

test('every bad input is a 4xx with a readable message, and the table changes nothing on either site', async () => {
  const consumerState = async () => {
    const ec = expectStatus(await P.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'consumer').body.data;
    const ep = expectStatus(await C.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
    return {
      statuses: ec.subscriptions.map((s: any) => [s.contentType, s.status]),
      ackSeq: ec.ackSeq,
      cursor: ep.lastPulledSeq,
      epStatuses: ep.subscriptions.map((s: any) => s.status),
    };
  };
  const before = {
    P: await snapshotCounts(P),
    C: await snapshotCounts(C),
    state: await consumerState(),
    errors: [countLogLines(P, SERVER_ERROR_LINE), countLogLines(C, SERVER_ERROR_LINE)],
  };
  const site = (s: 'P' | 'C') => (s === 'P' ? P : C);
  const token = (who: Who, s: Site): string | null => {
    switch (who) {
      case 'stream':
        return l.token;
      case 'spare':
        return spareToken;
      case 'callback':
        return callbackToken;
      case 'admin':
        return s.adminJwt;
      case 'readOnly':
        return readOnly;
      case 'unregistered':
        return s.fullAccessToken;
      case 'foreign':
        return (s === P ? C : P).fullAccessToken;
      default:
        return null;
    }
  };
  const fill = (text: string) =>
    text
      .replace(/__PID__/g, String(l.producerId))
      .replace(/__CID__/g, String(l.consumerId))
      .replace(/__MID__/g, String(mappingId))
      .replace(/__PURL__/g, P.url)
      .replace(/__C__/g, cSiteId)
      .replace(/__P__/g, pSiteId);

  const table = cases();
  const failures: string[] = [];
  const statuses: Record<number, number> = {};
  for (const c of table) {
    const s = site(c.site);
    const headers: Record<string, string> = {};
    let body: any;
    if (c.raw !== undefined) {
      body = c.raw.length > 1000 ? c.raw : fill(c.raw);
      headers['content-type'] = 'application/json';
    } else if (c.body !== undefined) {
      body = JSON.parse(fill(JSON.stringify(c.body)));
    }
    let res: HttpResult;
    try {
      res =
        typeof body === 'string' && body.length > 100_000
          ? await sendLarge(s, c.method, fill(c.path), body, token(c.who, s))
          : await s.request(c.method, fill(c.path), body, { token: token(c.who, s), headers, timeoutMs: 30_000 });
    } catch (e) {
      failures.push(`${c.name}: request failed: ${(e as Error).message}`);
      continue;
    }
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    try {
      expectClientError(res, c.status, c.message, `${c.name} (${c.method} ${c.path.slice(0, 80)})`);
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  for (const c of capped()) {
    const s = site(c.site);
    const res = await s.request('GET', c.path, undefined, { token: token(c.who, s) });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    try {
      expect(res.status).toBe(200);
      c.check(res);
    } catch (e) {
      failures.push(`${c.name}: ${res.status} ${(e as Error).message.slice(0, 300)}`);
    }
  }
  const tried = table.length + capped().length;

  console.log(
    `bad inputs tried: ${tried} (${table.length} rejected with a 4xx, ${capped().length} accepted and capped); statuses: ${JSON.stringify(statuses)}`
  );
  expect(failures).toEqual([]);
  expect(statuses[500] ?? 0).toBe(0);
  expect(table.length).toBeGreaterThanOrEqual(150);

  // Nothing was written: every plugin table and the API tokens, statuses and cursors as before; no 5xx logged.
  expect(await snapshotCounts(P)).toEqual(before.P);
  expect(await snapshotCounts(C)).toEqual(before.C);
  expect(await consumerState()).toEqual(before.state);
  expect([countLogLines(P, SERVER_ERROR_LINE), countLogLines(C, SERVER_ERROR_LINE)]).toEqual(before.errors);
  // And the stream still works.
  const after = expectStatus(await P.api('POST', '/customers', { data: { name: 'After the table' } }), 'create').body.data.documentId;
  await eventually(() => getDoc(C, 'customers', after), 'streaming still works');
});
