/**
 * Issue 13, hostile producer: a fake producer (tests/helpers/fake-producer.ts) speaking the
 * protocol to a real consumer subscribed to the playground's Vault type, which has a private
 * field, a password, relations to an admin user and to a users-permissions user, in the document,
 * in a repeatable component and in a dynamic zone (playground/src/api/vault,
 * playground/src/components/security/guarded.json).
 *
 * Every event tries to write those, by Create, Update, a new locale, dependencies (`__ref`) of the
 * wrong type in a real relation, nested references inside a fetched dependency, components and
 * dynamic-zone entries, `localizations`, `createdBy`. The proof reads the consumer's database
 * below the API: no table but the sync log (which records what was received) holds any of the
 * values sent, no row links a vault or a component to a user, no user, admin or document of an
 * unsubscribed type appears, and the consumer never asked the producer for one.
 */
import { startSite, stopAll, expectStatus, type Site } from '../helpers/sites';
import { startFakeProducer, type FakeProducer } from '../helpers/fake-producer';
import { allTables, rawRows, tablesContaining } from '../helpers/security';
import { CUSTOMER, NOTE, ARTICLE } from '../helpers/uids';

const VAULT = 'api::vault.vault';
const UP_USER = 'plugin::users-permissions.user';
const ADMIN_USER = 'admin::user';
const ref = (uid: string, documentId: string, locale?: string) => ({ __ref: uid, documentId, ...(locale ? { locale } : {}) });

let C: Site;
let fake: FakeProducer;
let producerId: number;
let adminId: string;
let userId: string;
const NOTE_ID = 'injectednote000000000001';
const ARTICLE_ID = 'injectedarticle000000001';
const LEGIT_CUSTOMER = 'legitcustomer00000000001';

const pull = async () => expectStatus(await C.admin('POST', `/event-streaming/producers/${producerId}/pull`), 'pull').body.data;
const syncLogs = async () => expectStatus(await C.admin('GET', '/event-streaming/sync-logs?pageSize=100'), 'sync logs').body.data as any[];
/** Rows of a table, or [] when Strapi named it otherwise (the link-table check below lists them by pattern). */
const count = async (table: string) => (await rawRows(C, table)).length;

/** The forbidden writes every event attempts, at one level (a document, a component, a zone entry). */
const forbidden = (tag: string) => ({
  secretNote: `LEAK-${tag}-private`,
  hidden: `LEAK-${tag}-hidden`,
  pin: `LEAK-${tag}-password`,
  code: `LEAK-${tag}-code`,
  owner: ref(ADMIN_USER, adminId),
  account: ref(UP_USER, userId),
  createdBy: ref(ADMIN_USER, adminId),
  updatedBy: { id: 1 },
  users: [ref(UP_USER, userId)],
});

beforeAll(async () => {
  C = await startSite({ name: 'hostile-fields-consumer', env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' } });
  await C.ensureLocale('fr');
  const me = expectStatus(await C.admin('GET', '/admin/users/me'), 'admin me').body.data;
  adminId = String(me.documentId ?? me.id);
  const roles = expectStatus(await C.admin('GET', '/users-permissions/roles'), 'end-user roles').body.roles as Array<{
    id: number;
    type: string;
  }>;
  const role = roles.find((r) => r.type === 'authenticated')!;
  const user = expectStatus(
    await C.admin('POST', `/content-manager/collection-types/${UP_USER}`, {
      username: 'enduser',
      email: 'enduser@example.com',
      password: 'Password123!',
      confirmed: true,
      blocked: false,
      role: { connect: [{ id: role.id }] },
    }),
    'create a users-permissions user',
    [200, 201]
  ).body;
  userId = String((user.data ?? user).documentId);
  fake = await startFakeProducer({
    siteId: '0f0f0f0f-dead-beef-0000-00000000f1e1',
    token: 'fake-fields-token-0123456789abcdef',
    approved: [VAULT],
  });
  producerId = await fake.attach(C, [VAULT]);
  // What the consumer could fetch if it followed a forbidden reference: all served, so that a fetch would succeed.
  fake.publish(ADMIN_USER, adminId, { firstname: 'LEAK-admin', email: 'leak-admin@example.com', password: 'LEAK-admin-password' });
  fake.publish(UP_USER, userId, { username: 'LEAK-user', email: 'leak-user@example.com', password: 'LEAK-user-password' });
  fake.publish(NOTE, NOTE_ID, { title: 'LEAK-note', body: 'LEAK-note' });
  fake.publish(ARTICLE, ARTICLE_ID, { title: 'LEAK-article' });
  // A legitimate dependency (Vault.customer targets customers) whose own data hides references and forbidden fields.
  fake.publish(CUSTOMER, LEGIT_CUSTOMER, {
    name: 'Legit customer',
    email: 'legit@example.com',
    ...forbidden('customer'),
    notes: [ref(NOTE, NOTE_ID)],
    article: ref(ARTICLE, ARTICLE_ID),
  });
}, 300_000);

afterAll(async () => {
  await stopAll();
  await fake?.close();
});

test('no event writes a private field, a password, a link to a user, or a document of an unsubscribed, unreferenced type', async () => {
  const before = {
    admins: await count('admin_users'),
    users: await count('up_users'),
    notes: await count('notes'),
    articles: await count('articles'),
  };
  const part = (tag: string, customer: unknown) => ({ label: `label-${tag}`, customer, ...forbidden(tag) });
  const seqs = {
    create: fake.push({
      updateType: 'Create',
      contentType: VAULT,
      documentId: 'vault0000000000000000001',
      locale: 'en',
      data: {
        title: 'Vault one',
        ...forbidden('create'),
        customer: ref(NOTE, NOTE_ID), // a real relation, a reference of another type
        parts: [part('component', ref(NOTE, NOTE_ID)), part('component2', ref(ARTICLE, ARTICLE_ID))],
        blocks: [{ __component: 'security.guarded', ...part('zone', ref(CUSTOMER, LEGIT_CUSTOMER)) }],
        localizations: [ref(VAULT, 'vault0000000000000000001', 'fr'), ref(NOTE, NOTE_ID)],
      },
    }),
    update: fake.push({
      updateType: 'Update',
      contentType: VAULT,
      documentId: 'vault0000000000000000001',
      locale: 'en',
      data: { ...forbidden('update'), customer: [ref(ARTICLE, ARTICLE_ID)] },
    }),
    locale: fake.push({
      updateType: 'Create',
      contentType: VAULT,
      documentId: 'vault0000000000000000001',
      locale: 'fr',
      data: { title: 'Coffre un', ...forbidden('locale'), parts: [part('locale', ref(NOTE, NOTE_ID))] },
    }),
    // A user where a customer goes: a type that cannot stream here is refused outright (the whole event).
    userAsCustomer: fake.push({
      updateType: 'Create',
      contentType: VAULT,
      documentId: 'vault0000000000000000002',
      locale: 'en',
      data: { title: 'LEAK-vault-two', parts: [part('user', ref(UP_USER, userId))], customer: ref(ADMIN_USER, adminId) },
    }),
    unsubscribed: fake.push({ updateType: 'Create', contentType: NOTE, documentId: NOTE_ID, data: { title: 'LEAK-event-note' } }),
    user: fake.push({
      updateType: 'Create',
      contentType: UP_USER,
      documentId: userId,
      data: { username: 'LEAK-event-user', password: 'x' },
    }),
  };
  const result = await pull();
  const logs = await syncLogs();
  const errors = logs.filter((e) => e.status === 'Failed').map((e) => e.error);
  expect({ result, errors }).toEqual({
    result: expect.objectContaining({ pulled: 6, applied: 3, failed: 3 }),
    errors: expect.arrayContaining([
      expect.stringMatching(
        /vault0000000000000000002 refers to (admin::user|plugin::users-permissions\.user), which does not exist on this site/
      ),
      expect.stringMatching(/event of api::note\.note, which this site does not subscribe to/),
      expect.stringMatching(/event of plugin::users-permissions\.user, which this site does not subscribe to/),
    ]),
  });
  expect(errors).toHaveLength(3);
  const status = (seq: number) => logs.find((e) => e.seq === seq)?.status;
  expect([seqs.create, seqs.update, seqs.locale].map(status)).toEqual(['Synced', 'Synced', 'Synced']);
  expect([seqs.userAsCustomer, seqs.unsubscribed, seqs.user].map(status)).toEqual(['Failed', 'Failed', 'Failed']);

  // What may be written was written: the vault in both locales, its components, and the
  // legitimate dependency reached through the dynamic zone (so the forbidden parts were not skipped by accident).
  const vaults = await rawRows(C, 'vaults');
  expect(vaults.map((v) => [v.title, v.locale]).sort()).toEqual([
    ['Coffre un', 'fr'],
    ['Vault one', 'en'],
  ]);
  expect((await rawRows(C, 'customers')).map((c) => c.name)).toEqual(['Legit customer']);
  expect((await rawRows(C, 'components_security_guardeds')).map((c) => c.label).sort()).toEqual([
    'label-component',
    'label-component2',
    'label-locale',
    'label-zone',
  ]);

  // Nothing sent as a forbidden value is anywhere but the sync log, which keeps what was received.
  expect(await tablesContaining(C, 'LEAK', ['event_streaming_sync_logs'])).toEqual({});
  // No row links a vault, a component or a customer to a user; no user, admin, note or article appeared.
  const userLinks = (await allTables(C)).filter(
    (t) => /_lnk$/.test(t) && /(owner|account|users|created_by|updated_by)/.test(t) && /(vault|guarded|customer)/.test(t)
  );
  expect(userLinks.length).toBeGreaterThanOrEqual(3);
  for (const t of userLinks) expect({ t, rows: await count(t) }).toEqual({ t, rows: 0 });
  for (const v of vaults) expect([v.created_by_id ?? null, v.updated_by_id ?? null]).toEqual([null, null]);
  expect({
    admins: await count('admin_users'),
    users: await count('up_users'),
    notes: await count('notes'),
    articles: await count('articles'),
  }).toEqual(before);

  // The consumer never asked the producer for a user, an admin, a note or an article.
  const fetched = fake.seen.filter((r) => r.path.startsWith('/api/event-streaming/documents/')).map((r) => r.path.split('/')[4]);
  expect(fetched).toEqual([CUSTOMER]);
});
