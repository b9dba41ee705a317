/**
 * Issue 14 point 6: a dynamic zone mapped per component between two real sites. Remote quote
 * blocks become local text blocks through a component mapping; text blocks (no component mapping)
 * are copied as they are, the local zone allowing that same component. The service refuses rows
 * its shared rules do not accept.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, setStatus } from '../helpers/streaming';
import { ARTICLE } from '../helpers/uids';

let producer: Site;
let consumer: Site;

beforeAll(async () => {
  [producer, consumer] = await startSites([{ name: 'dzmap-producer' }, { name: 'dzmap-consumer' }]);
});

afterAll(() => stopAll());

const post = (body: unknown) => consumer.admin('POST', '/event-streaming/mappings', body);

test('dynamic-zone rows the rules do not accept are refused with the reason', async () => {
  expectStatus(
    await post({
      mappingName: 'seo-into-seo',
      localContentType: 'shared.seo',
      remoteContentType: 'shared.seo',
      fieldMappings: [{ localField: 'metaTitle', remoteField: 'metaTitle' }],
    }),
    'seo component mapping',
    201
  );
  const wrongType = await post({
    mappingName: 'dz-as-component',
    localContentType: ARTICLE,
    remoteContentType: ARTICLE,
    fieldMappings: [{ localField: 'blocks', remoteField: 'blocks', mappingType: 'component', mapping: 'seo-into-seo' }],
  });
  expect(wrongType.status).toBe(400);
  expect(wrongType.body.error.message).toMatch(/blocks is not a component field \(a dynamiczone; use mappingType "dynamiczone"\)/);
  const notAllowed = await post({
    mappingName: 'dz-wrong-component',
    localContentType: ARTICLE,
    remoteContentType: ARTICLE,
    fieldMappings: [
      { localField: 'blocks', remoteField: 'blocks', mappingType: 'dynamiczone', componentMappings: ['seo-into-seo', 'gone'] },
    ],
  });
  expect(notAllowed.status).toBe(400);
  expect(notAllowed.body.error.message).toMatch(
    /maps into shared\.seo, which the dynamic zone does not allow \(content\.text, content\.quote\)/
  );
  expect(notAllowed.body.error.message).toMatch(/componentMappings: no mapping named "gone"/);
});

test('a dynamic zone streams entry by entry: mapped components reshaped, the others copied', async () => {
  expectStatus(
    await post({
      mappingName: 'quote-to-text',
      localContentType: 'content.text',
      remoteContentType: 'content.quote',
      fieldMappings: [{ localField: 'text', remoteField: 'quote' }],
    }),
    'component mapping',
    201
  );
  expectStatus(
    await post({
      mappingName: 'article-flat',
      localContentType: ARTICLE,
      remoteContentType: ARTICLE,
      fieldMappings: [
        { localField: 'title', remoteField: 'title' },
        { localField: 'blocks', remoteField: 'blocks', mappingType: 'dynamiczone', componentMappings: ['quote-to-text'] },
      ],
    }),
    'article mapping',
    201
  );
  // The component mapping is in use: it cannot be deleted from under the article mapping.
  const all = expectStatus(await consumer.admin('GET', '/event-streaming/mappings'), 'mappings').body.data;
  const inner = all.find((m: any) => m.mappingName === 'quote-to-text');
  const del = await consumer.admin('DELETE', `/event-streaming/mappings/${inner.id}`);
  expect(del.status).toBe(409);
  expect(del.body.error.message).toMatch(/inner mapping of "article-flat"/);

  const l = await link(producer, consumer, [{ contentType: ARTICLE, useSameName: true, mapping: 'article-flat' }]);
  await setStatus(l, { [ARTICLE]: 'Approved' });
  const a = expectStatus(
    await producer.api('POST', '/articles?status=published', {
      data: {
        title: 'Zoned',
        body: 'not listed, not written',
        blocks: [
          { __component: 'content.text', text: 'Hello' },
          { __component: 'content.quote', quote: 'Data must flow' },
        ],
      },
    }),
    'article'
  ).body.data;
  const populate = '?populate[blocks][on][content.text]=true&populate[blocks][on][content.quote]=true';
  const local = await eventually(() => getDoc(consumer, 'articles', a.documentId, populate), 'mapped article');
  expect(local).toMatchObject({ title: 'Zoned', body: null });
  expect(local.blocks.map(({ __component, text }: any) => ({ __component, text }))).toEqual([
    { __component: 'content.text', text: 'Hello' },
    { __component: 'content.text', text: 'Data must flow' },
  ]);
});
