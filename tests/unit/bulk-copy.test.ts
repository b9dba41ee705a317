import {
  bulkRouteRefusal,
  bulkRow,
  handlesCreates,
  pageCheckableUniqueFields,
  sameValueKey,
  uniqueFieldsOf,
  withoutRepeats,
  withoutUniqueChecks,
} from '../../server/src/engine/apply/bulk';
import type { ModelDef } from '../../server/src/engine/schema';

const ITEM: ModelDef = {
  uid: 'api::item.item',
  attributes: {
    name: { type: 'string', required: true },
    sku: { type: 'string' },
    price: { type: 'decimal' },
    specs: { type: 'json' },
    body: { type: 'richtext' },
    image: { type: 'media', multiple: false },
    supplier: { type: 'relation', relation: 'manyToOne', target: 'api::supplier.supplier' },
    seo: { type: 'component', component: 'shared.seo', repeatable: false },
    secret: { type: 'password' },
    createdBy: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
  },
};
const route = { localUid: ITEM.uid, useSameName: true, mapping: null };

test('a route qualifies only without a mapping, kept-local fields, Draft & Publish or locales', () => {
  expect(bulkRouteRefusal(route, ITEM)).toBeNull();
  expect(bulkRouteRefusal({ ...route, mapping: 'm' }, ITEM)).toBe('mapped');
  expect(bulkRouteRefusal({ ...route, keepLocal: ['price'] }, ITEM)).toBe('fields kept local');
  expect(bulkRouteRefusal(route, { ...ITEM, draftAndPublish: true })).toBe('Draft & Publish');
  expect(bulkRouteRefusal(route, { ...ITEM, localized: true })).toBe('localized');
  expect(bulkRouteRefusal(route, undefined)).toBe('unknown local type');
});

test('the row keeps the scalar attributes the local model owns, as translate does', () => {
  expect(
    bulkRow(ITEM, {
      name: 'Bolt',
      sku: 'B-1',
      price: 2.5,
      unknown: 'x',
      documentId: 'p',
      secret: 's',
      supplier: null,
      image: null,
      seo: null,
    })
  ).toEqual({ name: 'Bolt', sku: 'B-1', price: 2.5 });
  // An empty list of a to-many field is nothing to write either.
  expect(bulkRow(ITEM, { name: 'Bolt', supplier: [] })).toEqual({ name: 'Bolt' });
});

test('a value in a relation, media, component, rich-text or JSON field sends the document down the per-document path', () => {
  expect(bulkRow(ITEM, { name: 'x', supplier: { __ref: 'api::supplier.supplier', documentId: 'abc' } })).toBeNull();
  expect(bulkRow(ITEM, { name: 'x', image: { __file: 'k' } })).toBeNull();
  expect(bulkRow(ITEM, { name: 'x', seo: { title: 't' } })).toBeNull();
  expect(bulkRow(ITEM, { name: 'x', specs: { a: 1 } })).toBeNull();
  expect(bulkRow(ITEM, { name: 'x', body: 'see ![a](/uploads/a.png)' })).toBeNull();
  expect(bulkRow(ITEM, null)).toBeNull();
  expect(bulkRow(ITEM, [])).toBeNull();
});

test('data the producer-data guard refuses is left to the per-document path (which records why)', () => {
  expect(bulkRow(ITEM, JSON.parse('{"name":"x","__proto__":{"polluted":1}}'))).toBeNull();
  expect(bulkRow(ITEM, { name: 'x', constructor: 'y' })).toBeNull();
});

test('a unique value repeated in a page keeps its first document only; null never clashes', () => {
  const items = [
    { id: 1, row: { sku: 'A' } },
    { id: 2, row: { sku: 'B' } },
    { id: 3, row: { sku: 'A' } },
    { id: 4, row: { sku: null } },
    { id: 5, row: {} },
    { id: 6, row: { sku: null } },
  ];
  expect(withoutRepeats(items, ['sku']).map((i) => i.id)).toEqual([1, 2, 4, 5, 6]);
  expect(withoutRepeats(items, []).map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6]);
});

test('values a case- or accent-insensitive collation calls equal count as repeats; empty strings never clash', () => {
  // MariaDB's default collation: 'abc' = 'ABC' = 'àbc' = 'abc  '; Strapi's unique check would refuse the second.
  const items = ['abc', 'ABC', 'àbc', 'abc  ', 'abd', '', '', 1, '1'].map((sku, id) => ({ id, row: { sku } }));
  expect(withoutRepeats(items, ['sku']).map((i) => i.id)).toEqual([0, 4, 5, 6, 7, 8]);
  expect(sameValueKey('Crème')).toBe(sameValueKey('creme'));
  expect(sameValueKey(1)).not.toBe(sameValueKey('1'));
});

test('the unique attributes: unique: true and every uid; the page checks only text kinds, never a uid', () => {
  const attributes = {
    name: { type: 'string' },
    sku: { type: 'string', unique: true },
    email: { type: 'email', unique: true },
    code: { type: 'integer', unique: true },
    slug: { type: 'uid' },
    note: { type: 'text', unique: true },
    off: { type: 'string', unique: false },
  };
  expect(uniqueFieldsOf(attributes)).toEqual(['sku', 'email', 'code', 'slug', 'note']);
  expect(pageCheckableUniqueFields(attributes)).toEqual(['sku', 'email', 'note']);
});

test('the validation model drops only the per-row reads the page query cleared, and leaves the schema itself alone', () => {
  const model = { uid: 'api::item.item', attributes: { sku: { type: 'string', unique: true }, email: { type: 'email', unique: true } } };
  expect(withoutUniqueChecks(model, [])).toBe(model);
  const v = withoutUniqueChecks(model, ['sku']);
  expect(v.attributes.sku).toEqual({ type: 'string', unique: false });
  expect(v.attributes.email).toBe(model.attributes.email);
  expect(model.attributes.sku.unique).toBe(true);
  expect(v.uid).toBe(model.uid);
});

test('a model whose own lifecycles see creates is never bulk-copied (Strapi would run *CreateMany, not its per-row hooks)', () => {
  expect(handlesCreates(undefined)).toBe(false);
  expect(handlesCreates({})).toBe(false);
  expect(handlesCreates({ beforeUpdate: () => undefined, afterDelete: () => undefined })).toBe(false);
  for (const hook of ['beforeCreate', 'afterCreate', 'beforeCreateMany', 'afterCreateMany'])
    expect(handlesCreates({ [hook]: () => undefined })).toBe(true);
  expect(handlesCreates({ afterCreate: 'not a function' })).toBe(false);
});
