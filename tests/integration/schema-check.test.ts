/**
 * Issue 16 point 8: schema check before streaming, between two real sites. The consumer subscribes
 * to the producer's items through a mapping into its contacts (a local type of another shape) and to
 * customers as they are; the admin's report names the remote fields with no local counterpart, the
 * field of a different type and the required local field nothing fills — before any event is
 * pulled. Saving the mapping checks again; a pull that carries a new schema hash marks the change.
 */
import { sql } from '../helpers/db';
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { CONTACT, CUSTOMER, ITEM } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;
let mappingId: number;

const MAPPING = {
  mappingName: 'item-as-contact',
  localContentType: CONTACT,
  remoteContentType: ITEM,
  fieldMappings: [
    { localField: 'contactEmail', remoteField: 'price' },
    { localField: 'source', remoteField: 'sku' },
  ],
};

type Issue = { kind: string; remoteField?: string; localField?: string; message: string };
type Report = { contentType: string; remoteContentType: string; mapping: string | null; remoteHash: string | null; issues: Issue[] };
const short = (issues: Issue[]) => issues.map((i) => `${i.kind}:${i.remoteField ?? ''}>${i.localField ?? ''}`).sort();
const check = async () =>
  expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}/schema-check`), 'schema check').body.data;
const reportOf = (data: { reports: Report[] }, uid: string) => data.reports.find((r) => r.contentType === uid)!;

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'schema-producer' }, { name: 'schema-consumer' }]);
  mappingId = expectStatus(await consumer.admin('POST', '/event-streaming/mappings', MAPPING), 'create mapping', 201).body.data.id;
  l = await link(producer, consumer, [
    { contentType: CUSTOMER, useSameName: true },
    { contentType: CONTACT, remoteContentType: ITEM, mapping: MAPPING.mappingName, useSameName: false },
  ]);
});

afterAll(() => stopAll());

test('before approval, the report names what does not fit, per subscription', async () => {
  const data = await check();
  expect(data.error).toBeNull();
  expect(data.schemaChangedAt).toBeNull();
  expect(reportOf(data, CUSTOMER)).toMatchObject({ remoteContentType: CUSTOMER, mapping: null, issues: [] });
  const contact = reportOf(data, CONTACT);
  expect(contact).toMatchObject({ remoteContentType: ITEM, mapping: 'item-as-contact' });
  expect(contact.remoteHash).toMatch(/^[0-9a-f]{16}$/);
  expect(short(contact.issues)).toEqual([
    'no-local-field:image>',
    'no-local-field:name>',
    'no-local-field:seo>',
    'no-local-field:specs>',
    'no-local-field:supplier>',
    'required-unfilled:>fullName',
    'type-mismatch:price>contactEmail',
  ]);
  expect(contact.issues.find((i) => i.kind === 'type-mismatch')!.message).toMatch(/decimal remotely, email locally/);
});

test('the mapping editor gets the same report; saving the mapping checks again', async () => {
  const before = expectStatus(await consumer.admin('GET', `/event-streaming/mappings/${mappingId}/schema-check`), 'mapping check').body
    .data;
  expect(before).toHaveLength(1);
  expect(before[0].producerUrl).toBe(producer.url);
  expect(before[0].reports.map((r: Report) => r.contentType)).toEqual([CONTACT]);
  expect(short(before[0].reports[0].issues)).toContain('required-unfilled:>fullName');

  const fixed = {
    ...MAPPING,
    fieldMappings: [
      { localField: 'fullName', remoteField: 'name' },
      { localField: 'contactEmail', remoteField: 'nope' },
      { localField: 'source', remoteField: 'sku' },
    ],
  };
  expectStatus(await consumer.admin('PUT', `/event-streaming/mappings/${mappingId}`, fixed), 'update mapping');
  const after = expectStatus(await consumer.admin('GET', `/event-streaming/mappings/${mappingId}/schema-check`), 'mapping check').body.data;
  expect(short(after[0].reports[0].issues)).toEqual([
    'no-local-field:image>',
    'no-local-field:price>',
    'no-local-field:seo>',
    'no-local-field:specs>',
    'no-local-field:supplier>',
    'no-remote-field:nope>contactEmail',
  ]);
});

test('the producer describes only the consumer’s types, to its token; pull pages carry the same hash', async () => {
  const schema = expectStatus(
    await producer.request('GET', '/api/event-streaming/schema', undefined, { token: l.token }),
    'GET /schema'
  ).body;
  expect(schema.types.map((t: { uid: string }) => t.uid)).toEqual([CUSTOMER, ITEM]);
  expect(schema.types[0].fields).toEqual([
    { name: 'email', type: 'email' },
    { name: 'name', type: 'string', required: true },
  ]);
  const page = expectStatus(
    await producer.request('GET', '/api/event-streaming/updates?after=0', undefined, { token: l.token }),
    'pull'
  ).body;
  expect(page.schemaHash).toBe(schema.hash);
  const other = await producer.createApiToken({ name: `no-consumer-${Date.now()}`, type: 'full-access' });
  expect((await producer.request('GET', '/api/event-streaming/schema', undefined, { token: other.accessKey })).status).toBe(403);
});

test('a pull that sees another schema hash marks the producer’s schema as changed', async () => {
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  await pullNow(l);
  const [row] = await sql(consumer, 'SELECT remote_schema_hash AS h, schema_changed_at AS c FROM event_streaming_producers WHERE id = ?', [
    l.producerId,
  ]);
  expect(row.h).toMatch(/^[0-9a-f]{16}$/);
  expect(row.c).toBeNull();
  expect((await check()).schemaChangedAt).toBeNull();
  // As if the producer's schema had been different at the previous pull (it changes only with a restart).
  await sql(consumer, 'UPDATE event_streaming_producers SET remote_schema_hash = ? WHERE id = ?', ['0000000000000000', l.producerId]);
  await pullNow(l);
  const data = await check();
  expect(data.schemaChangedAt).not.toBeNull();
  expect(Date.now() - Date.parse(data.schemaChangedAt)).toBeLessThan(60_000);
});
