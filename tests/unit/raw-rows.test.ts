/**
 * server/src/raw-rows.ts mirrors the Query Engine's per-type column conversion (`fromDB`) so that
 * capture's raw before-read gives the same snapshot as a Query Engine read (otherwise the diff
 * would report unchanged fields). Checked here against Strapi's own field classes, with the values
 * the SQLite and PostgreSQL drivers hand back.
 */
import { fromDb, newDocumentId } from '../../server/src/raw-rows';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createField } = require('@strapi/database/dist/fields/index.js') as { createField: (a: { type: string }) => { fromDB(v: unknown): unknown } };

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
