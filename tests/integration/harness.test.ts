/**
 * Smoke test of the multi-site harness itself: two real playground sites in child processes.
 */
import { startSites, stopAll, expectStatus, Site } from '../helpers/sites';

let a: Site;
let b: Site;

beforeAll(async () => {
  [a, b] = await startSites([{ name: 'harness-a' }, { name: 'harness-b' }]);
});

afterAll(async () => {
  await stopAll();
});

test('both sites boot on their own port and answer /_health', async () => {
  expect(a.port).not.toBe(b.port);
  expect((await a.request('GET', '/_health')).status).toBe(204);
  expect((await b.request('GET', '/_health')).status).toBe(204);
  expect(a.adminJwt).toBeTruthy();
  expect(a.fullAccessToken).toBeTruthy();
  expect(a.fullAccessToken).not.toBe(b.fullAccessToken);
});

test('a customer created over REST on A is readable on A and absent on B', async () => {
  const created = expectStatus(
    await a.api('POST', '/customers', { data: { name: 'Ada Lovelace', email: 'ada@example.com' } }),
    'create customer'
  );
  const { documentId } = created.body.data;
  const read = expectStatus(await a.api('GET', `/customers/${documentId}`), 'read customer');
  expect(read.body.data).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
  expect((await b.api('GET', `/customers/${documentId}`)).status).toBe(404);
  // A's token means nothing on B (pitfall 14: a foreign token is 401, a missing one 403).
  expect((await b.api('GET', '/customers', undefined, { token: a.fullAccessToken })).status).toBe(401);
  expect((await b.api('GET', '/customers', undefined, { token: null })).status).toBe(403);
});

test('the event-streaming plugin is loaded with its content types', async () => {
  const res = expectStatus(await a.admin('GET', '/content-type-builder/content-types'), 'list content types');
  const uids: string[] = res.body.data.map((ct: { uid: string }) => ct.uid);
  expect(uids).toEqual(
    expect.arrayContaining([
      'plugin::event-streaming.event-producer',
      'plugin::event-streaming.event-consumer',
      'api::customer.customer',
      'api::sales-invoice.sales-invoice',
      'api::article.article',
      'api::note.note',
    ])
  );
});

test('a second locale can be created (i18n) and a custom token can be minted', async () => {
  const fr = await a.ensureLocale('fr', 'French (fr)');
  expect(fr.code).toBe('fr');
  const article = expectStatus(
    await a.api('POST', '/articles?locale=fr', { data: { title: 'Bonjour', body: 'Texte' } }),
    'create fr article'
  );
  expect(article.body.data.locale).toBe('fr');

  const token = await a.createApiToken({ name: 'customers-read', type: 'custom', permissions: ['api::customer.customer.find'] });
  expect((await a.api('GET', '/customers', undefined, { token: token.accessKey })).status).toBe(200);
  expect((await a.api('GET', '/suppliers', undefined, { token: token.accessKey })).status).toBe(403);
});

test('kill -9 and restart keep the data, the port, the admin session and the token', async () => {
  const created = expectStatus(await b.api('POST', '/suppliers', { data: { name: 'Acme' } }), 'create supplier');
  const { documentId } = created.body.data;
  const port = b.port;
  await b.kill9();
  expect(b.running).toBe(false);
  expect((await b.request('GET', '/_health').catch((e) => ({ status: e.code }))).status).toBe('ECONNREFUSED');
  await b.restart();
  expect(b.port).toBe(port);
  const read = expectStatus(await b.api('GET', `/suppliers/${documentId}`), 'read supplier after restart');
  expect(read.body.data.name).toBe('Acme');
  expectStatus(await b.admin('GET', '/admin/users/me'), 'admin after restart');
  // A graceful stop + restart works as well.
  await b.stop();
  await b.restart();
  expect((await b.api('GET', `/suppliers/${documentId}`)).status).toBe(200);
});
