/**
 * Issue 13 (unbounded work and files), on real Strapi sites:
 * - per-event budgets: an event with more missing dependencies than `maxDependenciesPerEvent`
 *   is Failed naming the key, and the next event applies;
 * - files are streamed with a byte cap (`maxFileBytes`) and typed from their bytes: HTML or SVG
 *   claimed as image/png never lands under /uploads as a page, a PNG claimed as HTML is stored as
 *   PNG, a type the upload security config denies is refused, and a failed event leaves no upload;
 * - the producer's notifier: a slow callback does not delay the pokes of another consumer;
 * - a call refused by the address policy is deterministic: a resync uses up an attempt.
 *
 * C: a real consumer of a fake producer (tests/helpers/fake-producer.ts, speaking the protocol), with
 * small budgets; C is also the producer of D (a real consumer) and of a fake slow consumer.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson as json, startFakeProducer, type FakeProducer } from '../helpers/fake-producer';
import { startSites, stopAll, expectStatus, httpRequest, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus, STREAM_PERMISSIONS } from '../helpers/streaming';
import { rawRows } from '../helpers/security';
import { ARTICLE, CUSTOMER, ITEM } from '../helpers/uids';

const FAKE_SITE = '0f0f0f0f-dead-beef-0000-0000000000b7';
const FAKE_TOKEN = 'fake-producer-token-budgets-0123456789';
const HEAD0 = 10;
const MAX_FILE_BYTES = 200_000;
/** Valid PNGs (1x1, 2x1). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PNG2 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWM4wcV1gosLAAeHAbl8qlD9AAAAAElFTkSuQmCC',
  'base64'
);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

let C: Site;
let D: Site;
let fake: FakeProducer;
let producerId: number;
const SUBS = [CUSTOMER, ARTICLE, ITEM];
/** Paths the consumer asked the fake for. */
const seen = () => fake.seen.map((r) => r.path);
const push: FakeProducer['push'] = (e) => fake.push(e);
/** A file the fake serves (whatever the bytes, it claims image/png). */
const serve = (key: string, bytes: Buffer) => fake.serveFile(key, bytes, 'image/png');

/** A 24-character documentId. */
const docId = (prefix: string) => `${prefix}${crypto.randomBytes(12).toString('hex')}`.slice(0, 24).toLowerCase();
/** A media value as the producer's snapshot carries it: what it claims about the file. */
const media = (key: string, name: string, mime: string) => ({
  __file: key,
  hash: key,
  name,
  url: `/uploads/${name}`,
  mime,
  ext: name.slice(name.lastIndexOf('.')),
  size: 1,
  width: null,
  height: null,
  alternativeText: null,
  caption: null,
});
const pull = async () => expectStatus(await C.admin('POST', `/event-streaming/producers/${producerId}/pull`), 'pull').body.data;
const syncLog = async (seq: number) => {
  const all = expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=100'), 'sync logs').body.data as any[];
  return all.find((e) => e.seq === seq && e.eventProducer?.id === producerId);
};
const uploads = async () => (await rawRows(C, 'files')).map((r) => ({ name: String(r.name), ext: String(r.ext), mime: String(r.mime) }));

beforeAll(async () => {
  fake = await startFakeProducer({ siteId: FAKE_SITE, token: FAKE_TOKEN, approved: SUBS, head: HEAD0, epoch: 'budgets-fake-epoch' });
  [C, D] = await startSites([
    {
      name: 'budgets-consumer',
      env: {
        EVENT_STREAMING_PULL_CRON: '0 0 1 1 *',
        EVENT_STREAMING_MAX_DEPENDENCIES_PER_EVENT: '3',
        EVENT_STREAMING_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
        UPLOAD_DENIED_TYPES: 'application/pdf',
      },
    },
    // Pulls only when poked: its pulls measure the notifier.
    { name: 'budgets-downstream', env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' } },
  ]);
  producerId = await fake.attach(C, SUBS);
});

afterAll(async () => {
  await stopAll();
  await fake.close();
});

describe('per-event budgets', () => {
  it('more missing dependencies than maxDependenciesPerEvent: Failed naming the key, nothing of it written, the next event applies', async () => {
    const related = Array.from({ length: 5 }, () => docId('rel'));
    for (const id of related) fake.publish(ARTICLE, id, { title: `Related ${id}` });
    const root = docId('root');
    const fetchesBefore = seen().filter((p) => p.includes('/documents/')).length;
    const failed = push({
      updateType: 'Create',
      contentType: ARTICLE,
      documentId: root,
      locale: 'en',
      data: { title: 'Root', related: related.map((documentId) => ({ __ref: ARTICLE, documentId, locale: 'en' })) },
    });
    const customer = docId('cust');
    const next = push({
      updateType: 'Create',
      contentType: CUSTOMER,
      documentId: customer,
      data: { name: 'After', email: 'a@example.com' },
    });
    expect(await pull()).toMatchObject({ pulled: 2, applied: 1, failed: 1, cursor: next });
    const entry = await syncLog(failed);
    expect(entry.status).toBe('Failed');
    expect(entry.error).toBe(`${ARTICLE} ${root} has more than 3 missing dependencies (config maxDependenciesPerEvent)`);
    expect(seen().filter((p) => p.includes('/documents/')).length - fetchesBefore).toBe(3);
    expect(await getDoc(C, 'articles', root, '?locale=en&status=draft')).toBeNull();
    for (const id of related) expect(await getDoc(C, 'articles', id, '?locale=en&status=draft')).toBeNull();
    expect(await getDoc(C, 'customers', customer)).toMatchObject({ name: 'After' });
  });
});

describe('files', () => {
  it('a file over maxFileBytes: Failed naming maxFileBytes, nothing uploaded', async () => {
    const before = await uploads();
    serve('bigfile', Buffer.concat([PNG, Buffer.alloc(MAX_FILE_BYTES)]));
    const seq = push({
      updateType: 'Create',
      contentType: ITEM,
      documentId: docId('big'),
      data: { name: 'Big', image: media('bigfile', 'big.png', 'image/png') },
    });
    expect(await pull()).toMatchObject({ pulled: 1, failed: 1 });
    const entry = await syncLog(seq);
    expect(entry.status).toBe('Failed');
    expect(entry.error).toMatch(/answered with a response larger than the configured limit \(config maxFileBytes: 200000 bytes\)$/);
    expect(await uploads()).toEqual(before);
  });

  it('HTML or SVG claimed as image/png (or named .html) never lands under /uploads as a page; a PNG claimed as HTML is stored as PNG', async () => {
    serve('html-as-png', HTML);
    serve('svg-as-png', SVG);
    serve('html-named', HTML);
    serve('png-as-html', PNG);
    const cases = [
      ['html-as-png', 'photo.png', 'image/png'],
      ['svg-as-png', 'logo.png', 'image/png'],
      ['html-named', 'page.html', 'text/html'],
      ['png-as-html', 'real.html', 'text/html'],
    ] as const;
    const seqs = cases.map(([key, name, mime]) =>
      push({
        updateType: 'Create',
        contentType: ITEM,
        documentId: docId(key.replace(/-/g, '')),
        data: { name: key, image: media(key, name, mime) },
      })
    );
    await pull();
    for (const [i, seq] of seqs.entries()) {
      const entry = await syncLog(seq);
      // Refused (a media field for images only) or stored with the type of its bytes: either way never as a page.
      expect([cases[i][0], entry.status]).toEqual([cases[i][0], expect.stringMatching(/^(Synced|Failed)$/)]);
    }
    const rows = await uploads();
    for (const row of rows) {
      expect(row.mime).not.toMatch(/html|svg|xml/);
      expect(row.ext).not.toMatch(/html|svg|xml/);
    }
    // The PNG is stored as what its bytes are, whatever it was called.
    expect(rows).toContainEqual({ name: 'real.png', ext: '.png', mime: 'image/png' });
    // And nothing under /uploads answers as a page.
    for (const row of await rawRows(C, 'files')) {
      const res = await httpRequest(`${C.url}${String(row.url)}`);
      expect([row.name, res.status]).toEqual([row.name, 200]);
      expect(String(res.headers['content-type'])).not.toMatch(/html|svg|xml/);
    }
  });

  it('a type the upload security config denies (PDF bytes claimed as PNG) is refused with a clear Failed message', async () => {
    const before = await uploads();
    serve('pdf-as-png', PDF);
    const seq = push({
      updateType: 'Create',
      contentType: ITEM,
      documentId: docId('pdf'),
      data: { name: 'PDF', image: media('pdf-as-png', 'scan.png', 'image/png') },
    });
    expect(await pull()).toMatchObject({ pulled: 1, failed: 1 });
    const entry = await syncLog(seq);
    expect(entry.status).toBe('Failed');
    expect(entry.error).toMatch(
      /^File "scan\.png" \(pdf-as-png, its bytes are application\/pdf\) is refused by this site's upload security config \(config plugin upload security\.allowedTypes \/ deniedTypes\): File type 'application\/pdf' is not allowed$/
    );
    expect(await uploads()).toEqual(before);
  });

  it('a file uploaded for an event that then fails (unique sku) is removed: no orphan upload rows; the event that applies keeps its file', async () => {
    const before = await uploads();
    serve('ok-first', PNG);
    serve('ok-second', PNG2);
    const first = push({
      updateType: 'Create',
      contentType: ITEM,
      documentId: docId('first'),
      data: { name: 'First', sku: 'SKU-BUDGET-1', image: media('ok-first', 'first.png', 'image/png') },
    });
    const secondDoc = {
      documentId: docId('second'),
      data: { name: 'Second', sku: 'SKU-BUDGET-1', image: media('ok-second', 'second.png', 'image/png') },
    };
    const second = push({ updateType: 'Create', contentType: ITEM, ...secondDoc });
    expect(await pull()).toMatchObject({ pulled: 2, applied: 1, failed: 1 });
    expect((await syncLog(first)).status).toBe('Synced');
    const entry = await syncLog(second);
    expect(entry.status).toBe('Failed');
    expect(entry.error).toMatch(/unique/i);
    expect(seen()).toContain('/api/event-streaming/files/ok-second'); // it was downloaded and uploaded, then removed
    expect(await uploads()).toEqual([...before, { name: 'first.png', ext: '.png', mime: 'image/png' }]);

    // A resync (the retry path) that fails the same way leaves no upload behind either.
    fake.publish(ITEM, secondDoc.documentId, secondDoc.data);
    const downloads = seen().filter((p) => p.endsWith('/files/ok-second')).length;
    const resynced = expectStatus(await C.admin('POST', `/event-streaming/sync-logs/${entry.id}/resync`), 'resync').body.data;
    expect(resynced).toMatchObject({ status: 'Failed', error: expect.stringMatching(/unique/i) });
    expect(seen().filter((p) => p.endsWith('/files/ok-second')).length).toBe(downloads + 1);
    expect(await uploads()).toEqual([...before, { name: 'first.png', ext: '.png', mime: 'image/png' }]);
  });
});

describe('notifier', () => {
  it('a consumer whose callback answers after 9 s does not delay the pokes of another consumer', async () => {
    let open = 0; // slow pokes in flight
    const slow = http.createServer((req, res) => {
      open += 1;
      req.resume();
      const t = setTimeout(() => json(res, 200, { ok: true }), 9_000);
      res.on('close', () => {
        open -= 1;
        clearTimeout(t);
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const l = await link(C, D, [{ contentType: CUSTOMER }]);
      await setStatus(l, { [CUSTOMER]: 'Approved' });
      const token = (await C.createApiToken({ name: 'slow-consumer', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
      const registered = await C.request(
        'POST',
        '/api/event-streaming/register',
        {
          siteId: crypto.randomUUID(),
          name: 'Slow',
          callbackUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
          callbackToken: 'slow-callback-token-0123456789',
          subscriptions: [{ contentType: CUSTOMER }],
        },
        { token }
      );
      expectStatus(registered, 'register the slow consumer');
      const all = expectStatus(await C.admin('GET', '/event-streaming/consumers'), 'consumers').body.data as any[];
      const slowId = all.find((c) => c.consumerName === 'Slow').id;
      await setStatus({ ...l, consumerId: slowId }, { [CUSTOMER]: 'Approved' });

      const create = async (name: string) =>
        expectStatus(await C.api('POST', '/customers', { data: { name, email: `${name}@example.com` } }), `create ${name}`, [200, 201]).body
          .data.documentId as string;
      const first = await create('poke1');
      await eventually(() => getDoc(D, 'customers', first), 'the first customer on D');
      await eventually(async () => open >= 1, 'a poke of the slow consumer out');
      // The slow poke is still out (up to 9 s): the next change must reach D at once all the same.
      const t0 = Date.now();
      const second = await create('poke2');
      await eventually(() => getDoc(D, 'customers', second), 'the second customer on D', 20_000);
      const ms = Date.now() - t0;
      expect(open).toBeGreaterThanOrEqual(1); // measured while the slow poke was out
      expect(ms).toBeLessThan(3_000);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});

describe('a refused outbound address is not transient', () => {
  it('after the policy stops allowing the producer, a resync fails naming outbound.allowedAddresses and uses up an attempt', async () => {
    const failed = (expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=100'), 'logs').body.data as any[]).find(
      (e) => e.status === 'Failed' && e.eventProducer?.id === producerId
    );
    (C as unknown as { env: Record<string, string> }).env.EVENT_STREAMING_ALLOW_LOOPBACK = 'false';
    await C.restart();
    const attempts = Number(failed.attempts ?? 0);
    const after = expectStatus(await C.admin('POST', `/event-streaming/sync-logs/${failed.id}/resync`), 'resync').body.data;
    expect(after.status).toBe('Failed');
    expect(after.error).toMatch(
      /^Refused to call http:\/\/127\.0\.0\.1:\d+: it is a private address .*outbound\.allowedAddresses.*outbound\.allowPrivateAddresses/
    );
    expect(after.attempts).toBe(attempts + 1);
    expect(after.nextRetryAt).not.toBeNull();
  });
});
