/**
 * Issue 16 (4): writes the sync makes on a consumer fire Strapi's standard webhooks, so a site
 * that rebuilds its front-end from them sees synced content like content edited by hand.
 * A local HTTP receiver is registered on the consumer through the admin API (/admin/webhooks).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { ARTICLE, CUSTOMER } from '../helpers/uids';

interface Delivery {
  event: string;
  uid: string;
  entry: { documentId?: string; publishedAt?: string | null; [k: string]: unknown };
}

let P: Site;
let C: Site;
let l: Link;
let receiver: http.Server;
const deliveries: Delivery[] = [];

const EVENTS = ['entry.create', 'entry.update', 'entry.delete', 'entry.publish', 'entry.unpublish'];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  [P, C] = await startSites([{ name: 'webhooks-producer' }, { name: 'webhooks-consumer' }]);
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  expectStatus(
    await C.admin('POST', '/admin/webhooks', { name: 'front-end rebuild', url, headers: {}, events: EVENTS }),
    'create webhook',
    [200, 201]
  );
  l = await link(P, C, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: ARTICLE, useSameName: true },
  ]);
  await setStatus(l, { [CUSTOMER]: 'Approved', [ARTICLE]: 'Approved' });
}, 300_000);

afterAll(async () => {
  await stopAll();
  await new Promise((r) => receiver.close(r));
});

/** Waits until the consumer's webhook delivered `event` for document `documentId`; returns those deliveries. */
const delivered = (event: string, documentId: string) =>
  eventually(async () => {
    const found = deliveries.filter((d) => d.event === event && d.entry?.documentId === documentId);
    return found.length ? found : null;
  }, `${event} of ${documentId} at the webhook receiver`);

test('a synced create, update and delete fire entry.create, entry.update and entry.delete', async () => {
  const created = expectStatus(await P.api('POST', '/customers', { data: { name: 'Hook Hanna' } }), 'create').body.data;
  await pullNow(l);
  const [create] = await delivered('entry.create', created.documentId);
  expect(create).toMatchObject({ uid: CUSTOMER, entry: { documentId: created.documentId, name: 'Hook Hanna' } });

  expectStatus(await P.api('PUT', `/customers/${created.documentId}`, { data: { name: 'Hook Hanna II' } }), 'update');
  await pullNow(l);
  const [update] = await delivered('entry.update', created.documentId);
  expect(update).toMatchObject({ uid: CUSTOMER, entry: { name: 'Hook Hanna II' } });

  expectStatus(await P.api('DELETE', `/customers/${created.documentId}`), 'delete', [200, 204]);
  await pullNow(l);
  expect(await delivered('entry.delete', created.documentId)).toEqual([expect.objectContaining({ uid: CUSTOMER })]);
});

test('a synced publish fires entry.create and entry.publish; a re-publish entry.update and entry.publish; an unpublish entry.delete', async () => {
  const article = expectStatus(await P.api('POST', '/articles?status=published', { data: { title: 'Hooked' } }), 'article').body.data;
  await pullNow(l);
  expect(await delivered('entry.create', article.documentId)).toEqual([expect.objectContaining({ uid: ARTICLE })]);
  const [publish] = await delivered('entry.publish', article.documentId);
  expect(publish).toMatchObject({ uid: ARTICLE, entry: { title: 'Hooked', publishedAt: expect.any(String) } });

  expectStatus(await P.api('PUT', `/articles/${article.documentId}?status=published`, { data: { title: 'Hooked again' } }), 'update');
  await pullNow(l);
  const [update] = await delivered('entry.update', article.documentId);
  expect(update).toMatchObject({ uid: ARTICLE, entry: { title: 'Hooked again' } });
  await eventually(async () => {
    const found = deliveries.filter((d) => d.event === 'entry.publish' && d.entry?.documentId === article.documentId);
    return found.some((d) => d.entry.title === 'Hooked again');
  }, 'entry.publish of the new version');

  // The consumer never holds drafts: the producer's unpublish removes its copy (entry.delete).
  expectStatus(
    await P.admin('POST', `/content-manager/collection-types/${ARTICLE}/${article.documentId}/actions/unpublish?locale=en`, {}),
    'unpublish'
  );
  await pullNow(l);
  expect((await delivered('entry.delete', article.documentId)).length).toBeGreaterThan(0);
});
