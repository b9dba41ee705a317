/**
 * server/src/site/raw-rows.ts mirrors the Query Engine's per-type column conversion (`fromDB`) so that
 * capture's raw before-read gives the same snapshot as a Query Engine read (otherwise the diff
 * would report unchanged fields). Checked here against Strapi's own field classes, with the values
 * the SQLite and PostgreSQL drivers hand back.
 */
import { fromDb, newDocumentId } from '../../server/src/site/raw-rows';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createField } = require('@strapi/database/dist/fields/index.js') as {
  createField: (a: { type: string }) => { fromDB(v: unknown): unknown };
};

const when = new Date('2024-05-06T07:08:09.123Z');
const samples: Record<string, unknown[]> = {
  string: ['abc', '', 12, 'ünï'],
  text: ['long text', ''],
  richtext: ['# md'],
  email: ['a@b.c'],
  uid: ['a-slug'],
  enumeration: ['Create'],
  password: ['x'],
  json: ['{"a":1}', '[1,2]', '"\\"twice\\""', '"plain"', 'not json', { a: 1 }, [1, 2], 3, true],
  blocks: ['[{"type":"paragraph"}]', [{ type: 'paragraph' }]],
  integer: [1, '2', 0, -5],
  float: [1.5, '2.25'],
  decimal: ['10.50', 3.25, '0'],
  biginteger: ['9007199254740993', 12, ' 42 ', 'x1'],
  date: ['2024-05-06', when],
  time: ['07:08:09.123'],
  datetime: [when, when.getTime(), when.toISOString(), '2024-05-06 07:08:09', 'garbage'],
  timestamp: [when, when.getTime(), 'garbage'],
  boolean: [true, false, 1, 0, '1', '0', 't', 'yes'],
  increments: [7],
};

describe('fromDb matches the Query Engine (fromDB of @strapi/database)', () => {
  for (const [type, values] of Object.entries(samples)) {
    test(type, () => {
      for (const value of values) expect([value, fromDb(type, value)]).toEqual([value, createField({ type }).fromDB(value)]);
    });
  }
});

test('newDocumentId: the shape of a Strapi document id (cuid2), unique', () => {
  const ids = Array.from({ length: 5000 }, () => newDocumentId());
  for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{23}$/);
  expect(new Set(ids).size).toBe(ids.length);
});

describe('selectColumnAndDocumentRow (captured types + before-read in one statement), on a real SQLite database', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const knex = require('knex')({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { selectColumnAndDocumentRow } = require('../../server/src/site/raw-rows') as typeof import('../../server/src/site/raw-rows');
  const cols = { documentId: 'document_id', publishedAt: 'published_at' };
  const agg = { table: 'consumers', column: 'subscriptions' };
  const run = (documentId: string, publishedOnly: boolean) =>
    knex.transaction((trx: any) => selectColumnAndDocumentRow(trx, 'sqlite', agg, 'docs', cols, documentId, publishedOnly));

  beforeAll(async () => {
    await knex.schema.createTable('consumers', (t: any) => {
      t.increments('id');
      t.json('subscriptions');
    });
    await knex.schema.createTable('docs', (t: any) => {
      t.increments('id');
      t.string('document_id');
      t.string('name');
      t.datetime('published_at');
    });
  });
  afterAll(() => knex.destroy());

  it('no consumers: no values; an absent document: no row', async () => {
    await expect(run('nope', false)).resolves.toEqual({ values: [], row: undefined });
  });

  it('every consumer row value, as stored, and the document row by its columns', async () => {
    await knex('consumers').insert([
      { subscriptions: JSON.stringify([{ contentType: 'api::a.a', status: 'Approved' }]) },
      { subscriptions: null },
    ]);
    await knex('docs').insert({ document_id: 'd1', name: 'One', published_at: null });
    const res = await run('d1', false);
    expect(res!.values.map((v) => (typeof v === 'string' ? JSON.parse(v) : v))).toEqual([
      [{ contentType: 'api::a.a', status: 'Approved' }],
      null,
    ]);
    expect(res!.row).toMatchObject({ document_id: 'd1', name: 'One', published_at: null });
    expect(res!.row).not.toHaveProperty('__es_agg');
  });

  it('publishedOnly (Draft & Publish): the published row, or none when only a draft exists', async () => {
    await expect(run('d1', true)).resolves.toMatchObject({ row: undefined });
    await knex('docs').insert({ document_id: 'd1', name: 'One (published)', published_at: new Date() });
    await expect(run('d1', true)).resolves.toMatchObject({ row: { document_id: 'd1', name: 'One (published)' } });
  });

  it('a dialect without the JSON aggregate here: null (the caller asks separately)', async () => {
    await expect(
      knex.transaction((trx: any) => selectColumnAndDocumentRow(trx, 'mysql', agg, 'docs', cols, 'd1', false))
    ).resolves.toBeNull();
  });
});
