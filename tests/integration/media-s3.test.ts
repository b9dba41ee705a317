/**
 * Issue 16 (1): media with any upload provider on either side, against a real S3-compatible
 * server (s3rver, started here) and @strapi/provider-upload-aws-s3 configured through the
 * playground's opt-in (UPLOAD_PROVIDER=aws-s3, playground/config/plugins.ts).
 *
 *   A  S3, private bucket (ACL private: read only through signed URLs)   --item-->  B (local disk)
 *   B  local disk                                                        --item-->  C
 *   C  S3 behind a custom base URL (a "CDN" host other than the endpoint) --item-->  B
 *
 * The bucket server listens on 127.0.0.2 and 127.0.0.3, addresses the S3 sites' outbound policy
 * does NOT allow (only 127.0.0.1, their peers, is): a producer reaches its storage only because
 * the host is named by its own upload provider's configuration. Unsigned reads of the private
 * bucket are refused here, as S3 does. Also issue 13 (7): a `{__file}` inside a JSON field
 * never makes the producer serve that upload.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expectStatus, freePort, httpRequest, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ITEM } from '../helpers/uids';

const S3rver = require('s3rver');

const PRIVATE_BUCKET = 'a-private-media';
const CDN_BUCKET = 'c-cdn-media';
const KEYS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
/** Loopback for peers only: storage on 127.0.0.2/3 is reached only as the provider's own host. */
const PEERS_ONLY = { EVENT_STREAMING_ALLOW_LOOPBACK: 'false', EVENT_STREAMING_ALLOWED_ADDRESSES: '127.0.0.1' };

let A: Site;
let B: Site;
let C: Site;
let aToB: Link;
let bToC: Link;
let cToB: Link;
let s3Port: number;
let s3Dir: string;
const s3Servers: http.Server[] = [];
/** Every request the bucket server got: method, path, whether it was signed (header or query). */
const s3Requests: Array<{ method: string; path: string; signed: boolean }> = [];

/** Bytes that are not a valid image of any kind, different per call: equality proves the copy. */
const bytesOf = (tag: string) =>
  Buffer.concat([Buffer.from(`${tag}:`), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256))]);

async function upload(site: Site, name: string, bytes: Buffer): Promise<{ id: number; url: string }> {
  const form = new FormData();
  form.append('files', new Blob([bytes], { type: 'application/octet-stream' }), name);
  const res = expectStatus(await site.request('POST', '/api/upload', form, { token: site.fullAccessToken }), `upload on ${site.name}`);
  return { id: res.body[0].id, url: res.body[0].url };
}

/** The bytes at a file URL: a site-relative /uploads path of `site`, or an absolute bucket URL. */
async function bytesAt(site: Site, url: string): Promise<Buffer> {
  const res = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    http
      .get(url.startsWith('/') ? `${site.url}${url}` : url, { agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function startBucketServer() {
  s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-s3rver-'));
  const s3 = new S3rver({
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: PRIVATE_BUCKET }, { name: CDN_BUCKET }],
  });
  await s3.configureBuckets();
  const handle = s3.callback();
  s3Port = await freePort();
  for (const address of ['127.0.0.2', '127.0.0.3']) {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const signed = Boolean(req.headers.authorization) || url.searchParams.has('X-Amz-Signature');
      s3Requests.push({ method: req.method ?? '', path: url.pathname, signed });
      // A private bucket: reading it needs a signature (s3rver itself does not check ACLs).
      if (req.method === 'GET' && url.pathname.startsWith(`/${PRIVATE_BUCKET}/`) && !signed) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code></Error>');
        return;
      }
      handle(req, res);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(s3Port, address, () => resolve()));
    s3Servers.push(server);
  }
}

beforeAll(async () => {
  await startBucketServer();
  [A, B, C] = await startSites([
    {
      name: 'media-s3-private',
      env: {
        ...PEERS_ONLY,
        ...KEYS,
        UPLOAD_PROVIDER: 'aws-s3',
        S3_ENDPOINT: `http://127.0.0.2:${s3Port}`,
        S3_BUCKET: PRIVATE_BUCKET,
        S3_ACL: 'private',
      },
    },
    { name: 'media-local' },
    {
      name: 'media-s3-cdn',
      env: {
        ...PEERS_ONLY,
        ...KEYS,
        UPLOAD_PROVIDER: 'aws-s3',
        S3_ENDPOINT: `http://127.0.0.3:${s3Port}`,
        S3_BUCKET: CDN_BUCKET,
        // The "CDN": another host than the endpoint, with the bucket in its path.
        S3_BASE_URL: `http://127.0.0.2:${s3Port}/${CDN_BUCKET}`,
      },
    },
  ]);
  aToB = await link(A, B, [{ contentType: ITEM, useSameName: true }]);
  await setStatus(aToB, { [ITEM]: 'Approved' });
  bToC = await link(B, C, [{ contentType: ITEM, useSameName: true }]);
  await setStatus(bToC, { [ITEM]: 'Approved' });
  cToB = await link(C, B, [{ contentType: ITEM, useSameName: true }]);
  await setStatus(cToB, { [ITEM]: 'Approved' });
}, 300_000);

afterAll(async () => {
  await stopAll();
  await Promise.all(s3Servers.map((s) => new Promise((r) => s.close(r))));
  fs.rmSync(s3Dir, { recursive: true, force: true });
});

/** Creates an item with an image on `producer` and waits for it on `consumer`; returns both image rows. */
async function streamItem(l: Link, name: string, bytes: Buffer) {
  const file = await upload(l.producer, `${name}.bin`, bytes);
  const item = expectStatus(await l.producer.api('POST', '/items', { data: { name, image: file.id } }), `item ${name}`).body.data;
  await pullNow(l);
  const local = await eventually(async () => {
    const doc = await getDoc(l.consumer, 'items', item.documentId, '?populate=image');
    return doc?.image ? doc : null;
  }, `${name} with its image on ${l.consumer.name}`);
  return { remote: file, local: local.image as { url: string; name: string; size: number } };
}

test('S3 (private bucket) -> local: the producer reads its file through a signed URL and streams it; stored on local disk', async () => {
  const bytes = bytesOf('private');
  const { remote, local } = await streamItem(aToB, 's3-to-local', bytes);
  expect(remote.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.2:${s3Port}/${PRIVATE_BUCKET}/`));
  // Strapi signs the URLs of a private bucket in its answers; the stored URL itself is not readable.
  const keyPath = new URL(remote.url).pathname;
  expect(new URL(remote.url).searchParams.has('X-Amz-Signature')).toBe(true);
  expect((await httpRequest(`http://127.0.0.2:${s3Port}${keyPath}`)).status).toBe(403);
  expect(s3Requests.filter((r) => r.method === 'GET' && r.path === keyPath)).toEqual(
    expect.arrayContaining([{ method: 'GET', path: keyPath, signed: true }])
  );
  expect(local.url).toMatch(/^\/uploads\//);
  expect((await bytesAt(B, local.url)).equals(bytes)).toBe(true);
});

test('local -> S3 behind a custom base URL: the consumer stores the copy through its own provider', async () => {
  const bytes = bytesOf('local');
  const { remote, local } = await streamItem(bToC, 'local-to-s3', bytes);
  expect(remote.url).toMatch(/^\/uploads\//);
  expect(local.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.2:${s3Port}/${CDN_BUCKET}/`));
  expect((await bytesAt(C, local.url)).equals(bytes)).toBe(true);
});

test('S3 behind a custom base URL -> local: the producer fetches its file from the base URL host', async () => {
  const bytes = bytesOf('cdn');
  const { remote, local } = await streamItem(cToB, 'cdn-to-local', bytes);
  expect(remote.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.2:${s3Port}/${CDN_BUCKET}/`));
  expect(local.url).toMatch(/^\/uploads\//);
  expect((await bytesAt(B, local.url)).equals(bytes)).toBe(true);
  const entries = (await syncLogs(B)).data.filter((e: { status: string }) => e.status !== 'Synced');
  expect(entries).toEqual([]);
});

test('a {__file} inside a JSON field never makes the producer serve that upload (issue 13)', async () => {
  const keyOf = async (id: number) =>
    expectStatus(await A.request('GET', `/api/upload/files/${id}`, undefined, { token: A.fullAccessToken }), 'file').body
      .documentId as string;
  const secretBytes = bytesOf('secret');
  const secretKey = await keyOf((await upload(A, 'secret-contract.bin', secretBytes)).id);
  const shownBytes = bytesOf('shown!');
  const image = await upload(A, 'shown.bin', shownBytes);
  const imageKey = await keyOf(image.id);
  const specs = { sheet: { __file: secretKey, name: 'secret-contract.bin' } };
  const item = expectStatus(await A.api('POST', '/items', { data: { name: 'json-file', image: image.id, specs } }), 'item').body.data;
  const site = expectStatus(await B.admin('GET', '/event-streaming/site'), 'site').body.data.siteId as string;
  const via = encodeURIComponent(JSON.stringify([[ITEM, item.documentId, null]]));
  const fetchFile = (key: string) =>
    A.request('GET', `/api/event-streaming/files/${key}?via=${via}`, undefined, {
      token: aToB.token,
      headers: { 'x-event-streaming-site': site },
    });
  const refused = await fetchFile(secretKey);
  expect(refused.status).toBe(403);
  expect(refused.body.error.message).toBe('That document does not reference this file in a media field');
  const served = await fetchFile(imageKey);
  expect(served.status).toBe(200);
  expect(Number(served.headers['content-length'])).toBe(shownBytes.length);
  // The consumer copies the item with its JSON as data, and only the image as a file.
  await pullNow(aToB);
  const local = await eventually(() => getDoc(B, 'items', item.documentId, '?populate=image'), 'json-file item on B');
  expect(local.specs).toEqual(specs);
  const files = expectStatus(await B.request('GET', '/api/upload/files', undefined, { token: B.fullAccessToken }), 'files').body as Array<{
    name: string;
  }>;
  expect(files.map((f) => f.name)).toContain('shown.bin');
  expect(files.map((f) => f.name)).not.toContain('secret-contract.bin');
});

test('a file its storage cannot give is transient: Pull now says why (no 500), nothing is Failed, and it arrives once the storage has it', async () => {
  const bytes = bytesOf('flaky');
  const file = await upload(C, 'flaky.bin', bytes);
  const objectUrl = `http://127.0.0.3:${s3Port}${new URL(file.url).pathname}`;
  const s3Call = (method: string, body?: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(objectUrl, { method, agent: false }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  expect(await s3Call('DELETE')).toBe(204);
  const item = expectStatus(await C.api('POST', '/items', { data: { name: 'flaky', image: file.id } }), 'item').body.data;
  const pull = await B.admin('POST', `/event-streaming/producers/${cToB.producerId}/pull`);
  expect(pull.status).toBe(400);
  expect(pull.body.error.message).toMatch(
    /^Event #\d+ could not be prepared \(\S+ answered GET \/api\/event-streaming\/files\/\S+ with 502\)/
  );
  expect(await getDoc(B, 'items', item.documentId)).toBeNull();
  expect((await syncLogs(B)).data.filter((e: { status: string }) => e.status !== 'Synced')).toEqual([]);

  expect(await s3Call('PUT', bytes)).toBe(200);
  await pullNow(cToB);
  const local = await eventually(() => getDoc(B, 'items', item.documentId, '?populate=image'), 'flaky item on B');
  expect((await bytesAt(B, local.image.url)).equals(bytes)).toBe(true);
});
