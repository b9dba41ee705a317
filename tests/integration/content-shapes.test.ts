/**
 * Issue 4 (part): locales, dynamic zones, cycles in dependencies, polymorphic relations and
 * Document Type Mappings, between two real sites.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ARTICLE, CONTACT, CUSTOMER, NOTE } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'shapes-producer' }, { name: 'shapes-consumer' }]);
  await producer.ensureLocale('fr', 'French (fr)');
  await producer.ensureLocale('de', 'German (de)');
  await consumer.ensureLocale('fr', 'French (fr)');
  const mapping = await consumer.admin('POST', '/event-streaming/mappings', {
    mappingName: 'customer-to-contact',
    localContentType: CONTACT,
    remoteContentType: CUSTOMER,
    fieldMappings: [
      { localField: 'fullName', remoteField: 'name' },
      { localField: 'contactEmail', remoteField: 'email' },
      { localField: 'source', remoteField: null, defaultValue: 'head office' },
    ],
  });
  expectStatus(mapping, 'create mapping', 201);
  l = await link(producer, consumer, [
    { contentType: ARTICLE, useSameName: true },
    { contentType: NOTE, useSameName: false },
    { contentType: CONTACT, remoteContentType: CUSTOMER, useSameName: false, mapping: 'customer-to-contact' },
  ]);
});

afterAll(() => stopAll());

test('invalid mappings are refused with a message naming the problem', async () => {
  const bad = await consumer.admin('POST', '/event-streaming/mappings', {
    mappingName: 'broken',
    localContentType: CONTACT,
    remoteContentType: CUSTOMER,
    fieldMappings: [
      { localField: 'nope', remoteField: 'name' },
      { localField: 'tags', remoteField: 'tags' },
    ],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/"nope" is not a field of api::contact.contact/);
  expect(bad.body.error.message).toMatch(/tags is a component/);
  const dup = await consumer.admin('POST', '/event-streaming/mappings', {
    mappingName: 'customer-to-contact',
    localContentType: CONTACT,
    remoteContentType: CUSTOMER,
    fieldMappings: [{ localField: 'fullName', remoteField: 'name' }],
  });
  expect(dup.status).toBe(409);
  const names = expectStatus(await consumer.admin('GET', '/event-streaming/mappings'), 'mappings').body.data.map((m: any) => m.mappingName);
  expect(names).toEqual(['customer-to-contact']);
});

test('a mapped subscription streams customers into differently shaped contacts', async () => {
  await setStatus(l, { [ARTICLE]: 'Approved', [NOTE]: 'Approved', [CUSTOMER]: 'Approved' });
  const customer = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Mapped Mia', email: 'mia@example.com' } }),
    'customer'
  ).body.data;
  const contact = await eventually(
    async () => (await list(consumer, 'contacts')).find((c) => c.fullName === 'Mapped Mia'),
    'contact on consumer'
  );
  expect(contact).toMatchObject({ fullName: 'Mapped Mia', contactEmail: 'mia@example.com', source: 'head office' });
  expectStatus(await producer.api('PUT', `/customers/${customer.documentId}`, { data: { email: 'mia@new.example.com' } }), 'update');
  const updated = await eventually(async () => {
    const c = await getDoc(consumer, 'contacts', contact.documentId);
    return c?.contactEmail === 'mia@new.example.com' ? c : null;
  }, 'mapped update');
  expect(updated).toMatchObject({ fullName: 'Mapped Mia', source: 'head office' });
  expect(await list(consumer, 'customers')).toHaveLength(0);
});

test('a component field goes through its inner mapping row by row, on create and on update', async () => {
  expectStatus(
    await consumer.admin('POST', '/event-streaming/mappings', {
      mappingName: 'tag-to-tag',
      localContentType: 'contact.tag',
      remoteContentType: 'contact.tag',
      fieldMappings: [{ localField: 'label', remoteField: 'label', defaultValue: 'untitled' }],
    }),
    'inner mapping',
    201
  );
  expectStatus(
    await consumer.admin('POST', '/event-streaming/mappings', {
      mappingName: 'contact-import',
      localContentType: CONTACT,
      remoteContentType: 'api::contact.contact',
      fieldMappings: [
        { localField: 'fullName', remoteField: 'fullName' },
        { localField: 'source', remoteField: null, defaultValue: 'imported' },
        { localField: 'tags', remoteField: 'tags', mappingType: 'component', mapping: 'tag-to-tag' },
      ],
    }),
    'outer mapping',
    201
  );
  // A second producer link would be a second Event Producer for the same URL (409): add the
  // subscription to the existing one. Its remote type is contact, mapped into contact.
  const ep = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expectStatus(
    await consumer.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
      producerUrl: ep.producerUrl,
      subscriptions: [
        ...ep.subscriptions.map(({ status, ...s }: any) => s),
        { contentType: CONTACT, remoteContentType: 'api::contact.contact', useSameName: true, mapping: 'contact-import' },
      ],
    }),
    'subscribe contacts'
  );
  await setStatus(l, { 'api::contact.contact': 'Approved' });
  const remote = expectStatus(
    await producer.api('POST', '/contacts', {
      data: { fullName: 'Tagged Tom', contactEmail: 'tom@example.com', source: 'web', tags: [{ label: 'vip' }, { label: '' }] },
    }),
    'contact'
  ).body.data;
  const local = await eventually(() => getDoc(consumer, 'contacts', remote.documentId, '?populate=tags'), 'mapped contact');
  expect(local).toMatchObject({ fullName: 'Tagged Tom', source: 'imported', contactEmail: null });
  expect(local.tags.map((t: any) => t.label)).toEqual(['vip', 'untitled']);

  expectStatus(await producer.api('PUT', `/contacts/${remote.documentId}`, { data: { tags: [{ label: 'gold' }] } }), 'update tags');
  const updated = await eventually(async () => {
    const d = await getDoc(consumer, 'contacts', remote.documentId, '?populate=tags');
    return d?.tags?.length === 1 ? d : null;
  }, 'tags replaced');
  expect(updated.tags.map((t: any) => t.label)).toEqual(['gold']);
  expect(updated).toMatchObject({ fullName: 'Tagged Tom', source: 'imported' });
});

test('articles in two locales, with a dynamic zone and a relation cycle A -> B -> A, arrive whole', async () => {
  // Written before anything of them streams: the consumer meets them through one update.
  const author = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'not used' } }), 'noise').body.data;
  void author;
  const quoteAuthor = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Quoted Quinn' } }), 'quote author').body.data;
  const a = expectStatus(await producer.api('POST', '/articles', { data: { title: 'A', body: 'first' } }), 'article A').body.data;
  const b = expectStatus(await producer.api('POST', '/articles', { data: { title: 'B', related: [a.documentId] } }), 'article B').body.data;
  expectStatus(
    await producer.api('PUT', `/articles/${a.documentId}`, {
      data: {
        related: [b.documentId],
        blocks: [
          { __component: 'content.text', text: 'Hello' },
          { __component: 'content.quote', quote: 'Data must flow', author: quoteAuthor.documentId },
        ],
      },
    }),
    'link A -> B'
  );
  const populate =
    '?populate[related]=true&populate[blocks][on][content.text]=true&populate[blocks][on][content.quote][populate][author]=true';
  const localA = await eventually(async () => {
    const d = await getDoc(consumer, 'articles', a.documentId, populate);
    return d?.related?.length ? d : null;
  }, 'article A with relations');
  expect(localA).toMatchObject({ title: 'A', body: 'first', locale: 'en' });
  expect(localA.related.map((r: any) => r.documentId)).toEqual([b.documentId]);
  expect(localA.blocks).toEqual([
    expect.objectContaining({ __component: 'content.text', text: 'Hello' }),
    expect.objectContaining({ __component: 'content.quote', quote: 'Data must flow' }),
  ]);
  // The quote's author is a customer: customers stream into contacts here (mapping), so the
  // dependency is created as a contact and the relation to a customer stays empty.
  const quote = localA.blocks[1];
  expect(quote.author).toBeNull();
  expect((await list(consumer, 'contacts')).map((c) => c.fullName)).toContain('Quoted Quinn');
  const localB = await getDoc(consumer, 'articles', b.documentId, '?populate[related]=true');
  expect(localB.related.map((r: any) => r.documentId)).toEqual([a.documentId]);

  // A French version streams as its own item and lands in the same locale.
  expectStatus(
    await producer.api('PUT', `/articles/${a.documentId}?locale=fr`, { data: { title: 'A (fr)', body: 'premier' } }),
    'fr version'
  );
  const fr = await eventually(() => getDoc(consumer, 'articles', a.documentId, '?locale=fr'), 'fr article');
  expect(fr).toMatchObject({ title: 'A (fr)', body: 'premier', locale: 'fr' });
  expect(await getDoc(consumer, 'articles', a.documentId, '?locale=en')).toMatchObject({ title: 'A' });
});

test('a locale the consumer lacks is a Failed sync-log entry naming it', async () => {
  const a = expectStatus(await producer.api('POST', '/articles?locale=de', { data: { title: 'Hallo' } }), 'de article').body.data;
  const failed = await eventually(
    async () => (await syncLogs(consumer, '&status=Failed')).data.find((e: any) => e.remoteDocumentId === a.documentId),
    'Failed de'
  );
  expect(failed.error).toMatch(/Locale "de" does not exist on this site/);
  expect(failed.locale).toBe('de');
});

test('a polymorphic relation is followed and re-pointed at the local document', async () => {
  const supplier = expectStatus(await producer.api('POST', '/suppliers', { data: { name: 'Morph Target' } }), 'supplier').body.data;
  const note = expectStatus(
    await producer.api('POST', '/notes', {
      data: { text: 'about a supplier', subject: { connect: [{ documentId: supplier.documentId, __type: 'api::supplier.supplier' }] } },
    }),
    'note'
  ).body.data;
  await pullNow(l);
  const localNote = await eventually(
    async () => (await list(consumer, 'notes', '&populate=subject')).find((n) => n.text === 'about a supplier'),
    'note'
  );
  expect(localNote.documentId).not.toBe(note.documentId);
  expect(localNote.subject).toEqual([expect.objectContaining({ __type: 'api::supplier.supplier', name: 'Morph Target' })]);
  const localSupplier = (await list(consumer, 'suppliers')).find((s) => s.name === 'Morph Target');
  expect(localSupplier.documentId).toBe(localNote.subject[0].documentId);
});
