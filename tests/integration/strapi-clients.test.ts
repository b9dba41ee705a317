/**
 * Issue 12, point 1: every write path of Strapi's own clients is captured. The Content Manager's
 * admin endpoints (create, update, clone, delete, publish, unpublish, discard, bulk publish /
 * unpublish / delete) and GraphQL mutations on the producer; after each, the consumer's
 * documents equal the producer's (Use Same Name on, so documentIds match).
 * Point 2: two concurrent REST updates of one document, the second from a stale form, 20 rounds.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, link, list, setStatus } from '../helpers/streaming';
import { CUSTOMER, INVOICE } from '../helpers/uids';

let producer: Site;
let consumer: Site;

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'clients-producer' }, { name: 'clients-consumer' }]);
  const l = await link(producer, consumer, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: INVOICE, useSameName: true },
  ]);
  await setStatus(l, { [CUSTOMER]: 'Approved', [INVOICE]: 'Approved' });
});

afterAll(() => stopAll());

const FIELDS: Record<string, string[]> = { customers: ['name', 'email'], 'sales-invoices': ['number', 'total'] };

/** The published documents of a type as [documentId, ...fields], sorted by documentId. */
async function state(site: Site, plural: string): Promise<unknown[][]> {
  const docs = await list(site, plural, '&sort=documentId:asc');
  return docs.map((d) => [d.documentId, ...FIELDS[plural].map((f) => d[f] ?? null)]);
}

/** Waits until the consumer's documents of the type equal the producer's, then asserts it. */
async function expectSame(plural: string, what: string) {
  const want = await state(producer, plural);
  let got: unknown[][] = [];
  await eventually(
    async () => {
      got = await state(consumer, plural);
      return JSON.stringify(got) === JSON.stringify(want);
    },
    `${what}: consumer ${plural} equal to the producer's`,
    15_000
  ).catch(() => undefined);
  expect(got).toEqual(want);
}

const CM = (uid: string) => `/content-manager/collection-types/${uid}`;

describe('Content Manager (admin endpoints)', () => {
  let c1: string;
  let c2: string;
  let clone: string;

  test('create and update (no Draft & Publish)', async () => {
    c1 = expectStatus(await producer.admin('POST', CM(CUSTOMER), { name: 'CM One', email: 'one@cm.test' }), 'CM create').body.data
      .documentId;
    c2 = expectStatus(await producer.admin('POST', CM(CUSTOMER), { name: 'CM Two' }), 'CM create 2').body.data.documentId;
    await expectSame('customers', 'CM create');
    expectStatus(await producer.admin('PUT', `${CM(CUSTOMER)}/${c1}`, { name: 'CM One (edited)', email: 'one@cm.test' }), 'CM update');
    await expectSame('customers', 'CM update');
  });

  test('clone: the new document arrives, the source is unchanged', async () => {
    const res = expectStatus(await producer.admin('POST', `${CM(CUSTOMER)}/clone/${c1}`, { name: 'CM One (copy)' }), 'CM clone');
    clone = res.body.data.documentId;
    expect(clone).not.toBe(c1);
    await expectSame('customers', 'CM clone');
    expect((await state(consumer, 'customers')).find((d) => d[0] === clone)).toEqual([clone, 'CM One (copy)', 'one@cm.test']);
  });

  test('delete and bulk delete', async () => {
    expectStatus(await producer.admin('DELETE', `${CM(CUSTOMER)}/${c2}`), 'CM delete');
    await expectSame('customers', 'CM delete');
    expectStatus(await producer.admin('POST', `${CM(CUSTOMER)}/actions/bulkDelete`, { documentIds: [c1, clone] }), 'CM bulk delete');
    await expectSame('customers', 'CM bulk delete');
  });

  test('Draft & Publish: create draft, publish, edit draft, publish, discard, unpublish', async () => {
    const id = expectStatus(await producer.admin('POST', CM(INVOICE), { number: 'CM-1', total: 10 }), 'CM create draft').body.data
      .documentId;
    await expectSame('sales-invoices', 'draft created (nothing streams)');
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/${id}/actions/publish`, { number: 'CM-1', total: 10 }), 'CM publish');
    await expectSame('sales-invoices', 'CM publish');
    expect((await state(consumer, 'sales-invoices')).map((d) => d[0])).toContain(id);
    expectStatus(await producer.admin('PUT', `${CM(INVOICE)}/${id}`, { number: 'CM-1', total: 11 }), 'CM update draft');
    await expectSame('sales-invoices', 'CM update of the draft (the published version streams)');
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/${id}/actions/publish`, { number: 'CM-1', total: 12 }), 'CM publish 2');
    await expectSame('sales-invoices', 'CM publish of an edit');
    expectStatus(await producer.admin('PUT', `${CM(INVOICE)}/${id}`, { number: 'CM-1 draft', total: 99 }), 'CM edit draft');
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/${id}/actions/discard`, {}), 'CM discard');
    await expectSame('sales-invoices', 'CM discard');
    expect((await state(consumer, 'sales-invoices')).find((d) => d[0] === id)).toEqual([id, 'CM-1', 12]);
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/${id}/actions/unpublish`, {}), 'CM unpublish');
    await expectSame('sales-invoices', 'CM unpublish');
    expect((await state(consumer, 'sales-invoices')).map((d) => d[0])).not.toContain(id);
  });

  test('Draft & Publish: clone (a draft) then publish it; bulk publish, bulk unpublish', async () => {
    const ids: string[] = [];
    for (const n of ['CM-B1', 'CM-B2', 'CM-B3'])
      ids.push(expectStatus(await producer.admin('POST', CM(INVOICE), { number: n, total: 1 }), `CM create ${n}`).body.data.documentId);
    const pub = expectStatus(await producer.admin('POST', `${CM(INVOICE)}/actions/bulkPublish`, { documentIds: ids }), 'CM bulk publish');
    expect(pub.body.count).toBe(3);
    await expectSame('sales-invoices', 'CM bulk publish');
    const copy = expectStatus(await producer.admin('POST', `${CM(INVOICE)}/clone/${ids[0]}`, { number: 'CM-B1 copy' }), 'CM clone draft')
      .body.data.documentId;
    await expectSame('sales-invoices', 'CM clone of a D&P type (a draft: nothing streams)');
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/${copy}/actions/publish`, {}), 'CM publish the clone');
    await expectSame('sales-invoices', 'CM publish of the clone');
    expect((await state(consumer, 'sales-invoices')).find((d) => d[0] === copy)).toEqual([copy, 'CM-B1 copy', 1]);
    expectStatus(
      await producer.admin('POST', `${CM(INVOICE)}/actions/bulkUnpublish`, { documentIds: [ids[0], ids[1]] }),
      'CM bulk unpublish'
    );
    await expectSame('sales-invoices', 'CM bulk unpublish');
    expectStatus(await producer.admin('POST', `${CM(INVOICE)}/actions/bulkDelete`, { documentIds: [ids[2], copy] }), 'CM bulk delete');
    await expectSame('sales-invoices', 'CM bulk delete of published documents');
    expect(await state(consumer, 'sales-invoices')).toEqual([]);
  });
});

describe('GraphQL mutations', () => {
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = expectStatus(
      await producer.request('POST', '/graphql', { query, variables }, { token: producer.fullAccessToken }),
      'graphql'
    );
    if (res.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
    return res.body.data;
  };

  test('create, update, delete (no Draft & Publish)', async () => {
    const created = await gql('mutation($d: CustomerInput!) { createCustomer(data: $d) { documentId name } }', {
      d: { name: 'GQL Gil', email: 'gil@gql.test' },
    });
    const id = created.createCustomer.documentId;
    await expectSame('customers', 'GraphQL create');
    expect((await state(consumer, 'customers')).find((d) => d[0] === id)).toEqual([id, 'GQL Gil', 'gil@gql.test']);
    await gql('mutation($id: ID!, $d: CustomerInput!) { updateCustomer(documentId: $id, data: $d) { documentId } }', {
      id,
      d: { email: 'gil@new.gql.test' },
    });
    await expectSame('customers', 'GraphQL update');
    await gql('mutation($id: ID!) { deleteCustomer(documentId: $id) { documentId } }', { id });
    await expectSame('customers', 'GraphQL delete');
  });

  test('Draft & Publish: create published, update published, update draft only, delete', async () => {
    const created = await gql('mutation($d: SalesInvoiceInput!) { createSalesInvoice(data: $d, status: PUBLISHED) { documentId } }', {
      d: { number: 'GQL-1', total: 5 },
    });
    const id = created.createSalesInvoice.documentId;
    await expectSame('sales-invoices', 'GraphQL create published');
    expect((await state(consumer, 'sales-invoices')).find((d) => d[0] === id)).toEqual([id, 'GQL-1', 5]);
    const upd =
      'mutation($id: ID!, $d: SalesInvoiceInput!, $s: PublicationStatus) { updateSalesInvoice(documentId: $id, data: $d, status: $s) { documentId } }';
    await gql(upd, { id, d: { total: 6 }, s: 'PUBLISHED' });
    await expectSame('sales-invoices', 'GraphQL update published');
    await gql(upd, { id, d: { total: 7 }, s: 'DRAFT' });
    await expectSame('sales-invoices', 'GraphQL update of the draft only');
    expect((await state(consumer, 'sales-invoices')).find((d) => d[0] === id)).toEqual([id, 'GQL-1', 6]);
    await gql('mutation($id: ID!) { deleteSalesInvoice(documentId: $id) { documentId } }', { id });
    await expectSame('sales-invoices', 'GraphQL delete');
  });
});

describe('concurrent edits of one document', () => {
  test('20 rounds: editor 1 changes the email while editor 2 sends a stale form; the consumer ends equal to the producer', async () => {
    const id = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Race 0', email: 'x0@race.test' } }), 'create').body
      .data.documentId;
    await expectSame('customers', 'race document created');
    for (let round = 1; round <= 20; round += 1) {
      const before = (await state(producer, 'customers')).find((d) => d[0] === id)!;
      const staleEmail = before[2];
      // Editor 1 changes the email; editor 2's form still shows the old email and changes the name.
      const [a, b] = await Promise.all([
        producer.api('PUT', `/customers/${id}`, { data: { email: `y${round}@race.test` } }),
        producer.api('PUT', `/customers/${id}`, { data: { name: `Race ${round}`, email: staleEmail } }),
      ]);
      expectStatus(a, `round ${round}: editor 1`);
      expectStatus(b, `round ${round}: editor 2`);
      const want = await state(producer, 'customers');
      let got: unknown[][] = [];
      await eventually(
        async () => {
          got = await state(consumer, 'customers');
          return JSON.stringify(got) === JSON.stringify(want);
        },
        `round ${round}`,
        10_000
      ).catch(() => undefined);
      expect({ round, consumer: got }).toEqual({ round, consumer: want });
    }
  });
});
