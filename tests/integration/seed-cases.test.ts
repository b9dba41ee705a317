/**
 * Issue 14 "Done means": the seed system's own test cases (its event producer test suite), translated
 * onto the playground and run between real Strapi sites over HTTP. Every case asserts what the
 * consumer holds, read through Strapi's REST API.
 *
 *   seed case                            here
 *   insert / update / delete             a customer (Use Same Name on)
 *   child table with dependencies        a sales invoice: lines (component) -> items -> supplier, customer
 *   polymorphic link dependencies        a note whose morph `subject` names a customer and an item
 *   naming configuration                 contacts with Use Same Name off, customers with it on
 *   update log / sync log                the producer's Event Update Log, the consumer's Event Sync Log
 *   mapping (insert, update, delete)     remote contacts mirrored as local customers
 *   inner mapping                        remote notes mirrored as items whose supplier is built from
 *                                        the note found on the producer by its text (created first)
 * Conditional events are covered by the conditions tests.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { CONTACT, CUSTOMER, INVOICE, ITEM, NOTE, SUPPLIER } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let mapped: Site;
let plain: Link;
let viaMapping: Link;

const created = async (site: Site, plural: string, data: Record<string, unknown>) =>
  expectStatus(await site.api('POST', `/${plural}`, { data }), `create ${plural}`).body.data;

beforeAll(async () => {
  [producer, consumer, mapped] = await startSites([{ name: 'seed-producer' }, { name: 'seed-consumer' }, { name: 'seed-mapped' }]);
  plain = await link(producer, consumer, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: CONTACT, useSameName: false },
    { contentType: INVOICE, useSameName: true },
    { contentType: NOTE, useSameName: true },
  ]);
  await setStatus(plain, { [CUSTOMER]: 'Approved', [CONTACT]: 'Approved', [INVOICE]: 'Approved', [NOTE]: 'Approved' });
});

afterAll(() => stopAll());

describe('seed cases on two sites', () => {
  test('insert, update, delete', async () => {
    const c = await created(producer, 'customers', { name: 'Test Insert', email: 'insert@example.com' });
    expect(await eventually(() => getDoc(consumer, 'customers', c.documentId), 'inserted')).toMatchObject({
      documentId: c.documentId,
      name: 'Test Insert',
      email: 'insert@example.com',
    });
    expectStatus(await producer.api('PUT', `/customers/${c.documentId}`, { data: { name: 'Test Update' } }), 'update');
    const updated = await eventually(async () => {
      const d = await getDoc(consumer, 'customers', c.documentId);
      return d?.name === 'Test Update' ? d : null;
    }, 'updated');
    expect(updated.email).toBe('insert@example.com');
    expectStatus(await producer.api('DELETE', `/customers/${c.documentId}`), 'delete', [200, 204]);
    await eventually(async () => (await getDoc(consumer, 'customers', c.documentId)) === null, 'deleted');
  });

  test('child table with dependencies: the invoice arrives with its lines, their items, their supplier and the customer', async () => {
    const supplier = await created(producer, 'suppliers', { name: 'Seed Supplier' });
    const item = await created(producer, 'items', { name: 'Seed Item', sku: 'SEED-1', supplier: supplier.documentId });
    const customer = await created(producer, 'customers', { name: 'Seed Customer' });
    const invoice = await created(producer, 'sales-invoices', {
      number: 'SEED-INV-1',
      customer: customer.documentId,
      lines: [{ item: item.documentId, qty: 3, rate: 1.5 }],
    });
    const populate = '?populate[customer]=true&populate[lines][populate][item][populate][supplier]=true';
    const local = await eventually(() => getDoc(consumer, 'sales-invoices', invoice.documentId, populate), 'invoice');
    expect(local).toMatchObject({ number: 'SEED-INV-1', customer: { documentId: customer.documentId, name: 'Seed Customer' } });
    expect(local.lines).toEqual([
      expect.objectContaining({
        qty: 3,
        rate: 1.5,
        item: expect.objectContaining({
          documentId: item.documentId,
          name: 'Seed Item',
          supplier: expect.objectContaining({ name: 'Seed Supplier' }),
        }),
      }),
    ]);
  });

  test('polymorphic link dependencies: the documents a morph relation names are synced first and linked', async () => {
    const customer = await created(producer, 'customers', { name: 'Morph Customer' });
    const item = await created(producer, 'items', { name: 'Morph Item', sku: 'MORPH-1' });
    const note = await created(producer, 'notes', {
      text: 'dynamic link',
      subject: {
        connect: [
          { documentId: customer.documentId, __type: CUSTOMER },
          { documentId: item.documentId, __type: ITEM },
        ],
      },
    });
    const local = await eventually(() => getDoc(consumer, 'notes', note.documentId, '?populate=subject'), 'note');
    expect(local.subject.map((s: any) => [s.__type, s.documentId, s.name]).sort()).toEqual(
      [
        [CUSTOMER, customer.documentId, 'Morph Customer'],
        [ITEM, item.documentId, 'Morph Item'],
      ].sort()
    );
    expect(await getDoc(consumer, 'items', item.documentId)).toMatchObject({ name: 'Morph Item', sku: 'MORPH-1' });
  });

  test('naming configuration: Use Same Name on keeps the documentId; off gives a local one with the remote name recorded', async () => {
    const same = await created(producer, 'customers', { name: 'Same Name' });
    expect((await eventually(() => getDoc(consumer, 'customers', same.documentId), 'same name')).documentId).toBe(same.documentId);

    const other = await created(producer, 'contacts', { fullName: 'Own Name', source: 'seed' });
    const local = await eventually(async () => (await list(consumer, 'contacts')).find((c) => c.fullName === 'Own Name'), 'own name');
    expect(local.documentId).not.toBe(other.documentId);
    expect(await getDoc(consumer, 'contacts', other.documentId)).toBeNull();
    const entry = await eventually(
      async () => (await syncLogs(consumer, `&contentType=${CONTACT}`)).data.find((e: any) => e.remoteDocumentId === other.documentId),
      'sync log of the contact'
    );
    expect(entry).toMatchObject({ documentId: local.documentId, remoteDocumentId: other.documentId, useSameName: false });
  });

  test('update log: Create with the whole document, Update with the changes, Delete with none', async () => {
    const c = await created(producer, 'customers', { name: 'Logged', email: 'logged@example.com' });
    expectStatus(await producer.api('PUT', `/customers/${c.documentId}`, { data: { email: 'changed@example.com' } }), 'update');
    expectStatus(await producer.api('DELETE', `/customers/${c.documentId}`), 'delete', [200, 204]);
    const logs = await eventually(async () => {
      const all = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${c.documentId}`), 'update logs').body
        .data;
      return all.length === 3 ? all : null;
    }, 'three update log entries');
    const byType = Object.fromEntries(logs.map((e: any) => [e.updateType, e]));
    expect(byType.Create).toMatchObject({
      contentType: CUSTOMER,
      documentId: c.documentId,
      data: { name: 'Logged', email: 'logged@example.com' },
    });
    expect(byType.Update).toMatchObject({ contentType: CUSTOMER, documentId: c.documentId, data: { email: 'changed@example.com' } });
    expect(byType.Update.data).not.toHaveProperty('name');
    expect(byType.Delete).toMatchObject({ contentType: CUSTOMER, documentId: c.documentId });
    expect(byType.Delete.data ?? null).toBeNull();
    await eventually(async () => (await getDoc(consumer, 'customers', c.documentId)) === null, 'gone on the consumer');
  });

  test('sync log: each synced event with its type, status, producer, names and data', async () => {
    const c = await created(producer, 'customers', { name: 'Sync Logged' });
    await eventually(() => getDoc(consumer, 'customers', c.documentId), 'synced');
    const entry = (await syncLogs(consumer, `&contentType=${CUSTOMER}`)).data.find(
      (e: any) => e.remoteDocumentId === c.documentId && e.updateType === 'Create'
    );
    expect(entry).toMatchObject({
      updateType: 'Create',
      status: 'Synced',
      contentType: CUSTOMER,
      remoteContentType: CUSTOMER,
      eventProducer: expect.objectContaining({ producerUrl: producer.url }),
      documentId: c.documentId,
      useSameName: true,
      error: null,
      data: expect.objectContaining({ name: 'Sync Logged' }),
    });
  });
});

describe('seed cases through Document Type Mappings', () => {
  const post = (body: unknown) => mapped.admin('POST', '/event-streaming/mappings', body);

  beforeAll(async () => {
    expectStatus(
      await post({
        mappingName: 'contact-to-customer',
        localContentType: CUSTOMER,
        remoteContentType: CONTACT,
        fieldMappings: [
          { localField: 'name', remoteField: 'fullName' },
          { localField: 'email', remoteField: 'contactEmail', defaultValue: 'nobody@example.com' },
        ],
      }),
      'mapping',
      201
    );
    expectStatus(
      await post({
        mappingName: 'note-to-supplier',
        localContentType: SUPPLIER,
        remoteContentType: NOTE,
        fieldMappings: [{ localField: 'name', remoteField: 'text' }],
      }),
      'inner mapping',
      201
    );
    expectStatus(
      await post({
        mappingName: 'note-to-item',
        localContentType: ITEM,
        remoteContentType: NOTE,
        fieldMappings: [
          { localField: 'name', remoteField: 'text' },
          // A plain default for a field nothing fills.
          { localField: 'price', remoteField: null, defaultValue: 9.5 },
          // The seed's "Document" row: the supplier is the note found by its text, through the inner mapping.
          {
            localField: 'supplier',
            remoteField: 'text',
            mappingType: 'relation',
            mapping: 'note-to-supplier',
            remoteValueFilters: { text: 'text' },
          },
        ],
      }),
      'outer mapping',
      201
    );
    viaMapping = await link(producer, mapped, [
      { contentType: CUSTOMER, remoteContentType: CONTACT, useSameName: false, mapping: 'contact-to-customer' },
      { contentType: ITEM, remoteContentType: NOTE, useSameName: false, mapping: 'note-to-item' },
    ]);
    await setStatus(viaMapping, { [CONTACT]: 'Approved', [NOTE]: 'Approved' });
  });

  const customerNamed = async (name: string) => (await list(mapped, 'customers')).find((c) => c.name === name);

  test('mapping: insert, update and delete through a mapping (defaults for what the producer leaves empty)', async () => {
    const contact = await created(producer, 'contacts', { fullName: 'Mapped Mary', source: 'not mapped' });
    const local = await eventually(() => customerNamed('Mapped Mary'), 'mapped insert');
    expect(local).toMatchObject({ name: 'Mapped Mary', email: 'nobody@example.com' });
    expectStatus(
      await producer.api('PUT', `/contacts/${contact.documentId}`, {
        data: { fullName: 'Mapped Mary Jr', contactEmail: 'mary@example.com' },
      }),
      'update'
    );
    await eventually(async () => {
      const d = await getDoc(mapped, 'customers', local.documentId);
      return d?.name === 'Mapped Mary Jr' && d.email === 'mary@example.com' ? d : null;
    }, 'mapped update');
    expectStatus(await producer.api('DELETE', `/contacts/${contact.documentId}`), 'delete', [200, 204]);
    await eventually(async () => (await getDoc(mapped, 'customers', local.documentId)) === null, 'mapped delete');
  });

  test('inner mapping: the linked document is built from the producer document the filters find, created first', async () => {
    const note = await created(producer, 'notes', { text: 'Inner Mapping Tester' });
    const populate = '&populate=supplier';
    const item = await eventually(
      async () => (await list(mapped, 'items', populate)).find((i) => i.name === 'Inner Mapping Tester'),
      'item built from the note'
    );
    expect(item.supplier).toMatchObject({ name: 'Inner Mapping Tester' });
    expect(item.price).toBe(9.5);
    expect(await list(mapped, 'suppliers')).toEqual([expect.objectContaining({ name: 'Inner Mapping Tester' })]);
    const entry = (await syncLogs(mapped, `&contentType=${ITEM}`)).data.find((e: any) => e.remoteDocumentId === note.documentId);
    expect(entry).toMatchObject({ status: 'Synced', mapping: 'note-to-item', documentId: item.documentId });

    // Renamed on the producer: the same supplier is updated, not duplicated.
    expectStatus(await producer.api('PUT', `/notes/${note.documentId}`, { data: { text: 'Inner Mapping Renamed' } }), 'rename');
    const renamed = await eventually(async () => {
      const d = await getDoc(mapped, 'items', item.documentId, '?populate=supplier');
      return d?.supplier?.name === 'Inner Mapping Renamed' ? d : null;
    }, 'renamed supplier');
    expect(renamed.supplier.documentId).toBe(item.supplier.documentId);
    expect(await list(mapped, 'suppliers')).toHaveLength(1);
  });

  test('a target that cannot be linked is a Failed sync-log entry naming the field and why', async () => {
    const all = expectStatus(await mapped.admin('GET', '/event-streaming/mappings'), 'mappings').body.data;
    const outer = all.find((m: any) => m.mappingName === 'note-to-item');
    const { mappingName, localContentType, remoteContentType } = outer;
    const body = { mappingName, localContentType, remoteContentType, fieldMappings: outer.fieldMappings };
    body.fieldMappings = body.fieldMappings.map((f: any) =>
      f.localField === 'supplier' ? { ...f, remoteValueFilters: { text: 'No such note' } } : f
    );
    expectStatus(await mapped.admin('PUT', `/event-streaming/mappings/${outer.id}`, body), 'filters that match nothing');
    const note = await created(producer, 'notes', { text: 'Unlinkable' });
    const failed = await eventually(
      async () => (await syncLogs(mapped, '&status=Failed')).data.find((e: any) => e.remoteDocumentId === note.documentId),
      'Failed entry'
    );
    expect(failed.error).toMatch(/supplier cannot be linked: no api::note\.note on the producer matches \{"text":"No such note"\}/);
    expect((await list(mapped, 'items')).find((i) => i.name === 'Unlinkable')).toBeUndefined();

    // With a default (a local supplier's documentId), no match links the default instead.
    const fallback = await created(mapped, 'suppliers', { name: 'Local fallback' });
    body.fieldMappings = body.fieldMappings.map((f: any) =>
      f.localField === 'supplier' ? { ...f, defaultValue: fallback.documentId } : f
    );
    expectStatus(await mapped.admin('PUT', `/event-streaming/mappings/${outer.id}`, body), 'default supplier');
    await created(producer, 'notes', { text: 'Falls back' });
    const item = await eventually(
      async () => (await list(mapped, 'items', '&populate=supplier')).find((i) => i.name === 'Falls back'),
      'item linked to the default'
    );
    expect(item.supplier).toMatchObject({ documentId: fallback.documentId, name: 'Local fallback' });
  });

  test('rows the rules do not accept are refused with the reason', async () => {
    const bad = async (row: Record<string, unknown>) => {
      const res = await post({ mappingName: `bad-${Date.now()}`, localContentType: ITEM, remoteContentType: NOTE, fieldMappings: [row] });
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    const linked = { localField: 'supplier', remoteField: 'text', mappingType: 'relation', mapping: 'note-to-supplier' };
    expect(await bad({ ...linked, remoteValueFilters: { text: { $ne: 'x' } } })).toMatch(
      /remoteValueFilters\.text must be a field of the remote document or a fixed text, number or boolean/
    );
    expect(await bad({ ...linked, remoteField: null })).toMatch(/needs remoteValueFilters or a remoteField holding references/);
    expect(await bad({ localField: 'supplier', mappingType: 'relation', defaultValue: 'nosuchsupplier' })).toMatch(
      /defaultValue: no api::supplier\.supplier with documentId "nosuchsupplier" here/
    );
  });

  test('the producer answers lookups for approved types only, and by fields that stream only', async () => {
    const ask = (uid: string, match: unknown) =>
      producer.request('GET', `/api/event-streaming/documents/${uid}?match=${encodeURIComponent(JSON.stringify(match))}`, undefined, {
        token: viaMapping.token,
      });
    const found = expectStatus(await ask(NOTE, { text: 'Inner Mapping Renamed' }), 'match').body;
    expect(found).toMatchObject({ contentType: NOTE, data: { text: 'Inner Mapping Renamed' } });
    expect(expectStatus(await ask(NOTE, { text: 'nothing like it' }), 'no match').body).toMatchObject({ documentId: null, data: null });
    expect((await ask(SUPPLIER, { name: 'Seed Supplier' })).status).toBe(403);
    expect((await ask(NOTE, { createdBy: 1 })).status).toBe(400);
    expect((await ask(NOTE, { text: { $null: true } })).status).toBe(400);
  });
});
