/**
 * Conditions on a subscription (engine/condition.ts): validation against a schema, the effective
 * condition, its fingerprint and what an event of a conditioned type becomes.
 */
import { conditionedOutcome, conditionKey, effectiveCondition, validateCondition } from '../../server/src/engine/condition';
import type { ModelDef, SchemaLookup } from '../../server/src/engine/schema';
import { mergeSubscriptions } from '../../server/src/producer/consumer-registry';
import { conditionToRows, rowsToCondition } from '../../admin/src/components/condition/conditionRows';

const models: Record<string, ModelDef> = {
  'api::item.item': {
    uid: 'api::item.item',
    attributes: {
      name: { type: 'string' },
      price: { type: 'decimal' },
      secret: { type: 'string', private: true },
      pin: { type: 'password' },
      supplier: { type: 'relation', relation: 'manyToOne', target: 'api::supplier.supplier' },
      owner: { type: 'relation', relation: 'manyToOne', target: 'admin::user' },
      seo: { type: 'component', component: 'shared.seo' },
      image: { type: 'media' },
      blocks: { type: 'dynamiczone', components: ['shared.seo'] },
      subject: { type: 'relation', relation: 'morphToOne' },
    },
  },
  'api::supplier.supplier': { uid: 'api::supplier.supplier', attributes: { name: { type: 'string' } } },
  'shared.seo': { uid: 'shared.seo', attributes: { metaTitle: { type: 'string' } } },
  'plugin::upload.file': { uid: 'plugin::upload.file', attributes: { name: { type: 'string' }, mime: { type: 'string' } } },
};
const lookup: SchemaLookup = { model: (uid) => models[uid] };
const check = (c: unknown) => validateCondition('api::item.item', c, lookup);

describe('validateCondition', () => {
  test('accepts Strapi filters: operators, bare values, $and/$or/$not, relations, components, media, system fields', () => {
    const ok = {
      $and: [
        { price: { $gte: 100, $lt: 1000 } },
        { name: 'Bolt' },
        { $or: [{ name: { $startsWithi: 'b' } }, { name: { $in: ['x', 'y'] } }] },
        { $not: { price: { $null: true } } },
        { price: { $between: [1, 2] } },
        { name: { $not: { $eq: 'z' } } },
      ],
      supplier: { name: { $containsi: 'co' } },
      seo: { metaTitle: { $notNull: true } },
      image: { mime: { $eq: 'image/png' } },
      documentId: { $ne: 'abc' },
      locale: 'en',
    };
    expect(check(ok)).toBe(ok);
    expect(check({ supplier: { $null: true } })).toEqual({ supplier: { $null: true } });
  });

  test('null, absent and {} mean no condition', () => {
    expect(check(null)).toBeNull();
    expect(check(undefined)).toBeNull();
    expect(check({})).toBeNull();
  });

  test.each([
    [{ colour: 'red' }, /condition\.colour: api::item\.item has no field colour/],
    [{ price: { $near: 1 } }, /condition\.price\.\$near: unknown operator \$near/],
    [{ price: { $in: 3 } }, /condition\.price\.\$in: must be a list of values/],
    [{ price: { $between: [1] } }, /must be a list of two values/],
    [{ price: { $eq: { a: 1 } } }, /condition\.price\.\$eq: must be a string, number, boolean or null/],
    [{ price: { $null: 'maybe' } }, /must be true or false/],
    [{ price: {} }, /names no operator/],
    [{ $or: [] }, /condition\.\$or: must be a non-empty list/],
    [{ $where: 'x' }, /\$where is not allowed here/],
    [{ secret: 'x' }, /secret is not a field that streams/],
    [{ pin: 'x' }, /pin is not a field that streams/],
    [{ owner: { email: 'x' } }, /owner is not a field that streams/],
    [{ blocks: { x: 1 } }, /dynamic zone/],
    [{ subject: { x: 1 } }, /polymorphic relation/],
    [{ supplier: { nope: 1 } }, /condition\.supplier\.nope: api::supplier\.supplier has no field nope/],
    [{ seo: { nope: 1 } }, /shared\.seo has no field nope/],
    [[{ name: 'x' }], /must be an object \(Strapi filters\) or null/],
    ['name', /must be an object/],
  ])('refuses %j', (condition, message) => {
    expect(() => check(condition)).toThrow(message);
  });

  test('bounds depth, size and length', () => {
    let deep: Record<string, unknown> = { name: 'x' };
    for (let i = 0; i < 10; i += 1) deep = { $not: deep };
    expect(() => check(deep)).toThrow(/nested deeper than 8 levels/);
    expect(() => check({ $or: Array.from({ length: 250 }, () => ({ name: 'x' })) })).toThrow(/more than 200 parts/);
    expect(() => check({ name: { $in: Array.from({ length: 3000 }, (_, i) => `value-${i}`) } })).toThrow(/longer than 10000/);
  });
});

describe('effectiveCondition and conditionKey', () => {
  const a = { price: { $gt: 1 } };
  const b = { name: 'x' };
  test('both must hold; one alone is itself; none is null', () => {
    expect(effectiveCondition(a, b)).toEqual({ $and: [a, b] });
    expect(effectiveCondition(a, null)).toBe(a);
    expect(effectiveCondition(undefined, b)).toBe(b);
    expect(effectiveCondition(null, {})).toBeNull();
  });
  test('the key changes exactly when the condition does (key order does not matter)', () => {
    expect(conditionKey(null)).toBeNull();
    expect(conditionKey({ x: 1, y: { $eq: 2 } })).toBe(conditionKey({ y: { $eq: 2 }, x: 1 }));
    expect(conditionKey({ x: 1 })).not.toBe(conditionKey({ x: 2 }));
    expect(conditionKey({ x: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('conditionedOutcome', () => {
  test('matching travels whole; leaving deletes (or keeps) what is held; the rest is dropped', () => {
    expect(conditionedOutcome(true, false, 'delete')).toBe('create');
    expect(conditionedOutcome(true, true, 'delete')).toBe('update');
    expect(conditionedOutcome(false, true, 'delete')).toBe('delete');
    expect(conditionedOutcome(false, true, 'keep')).toBe('exit');
    expect(conditionedOutcome(false, false, 'delete')).toBe('drop');
    expect(conditionedOutcome(false, false, 'keep')).toBe('drop');
  });
});

describe('registration keeps what the consumer asks for', () => {
  const approved = { contentType: 'api::a.a', status: 'Approved' as const, unsubscribed: false, approvedAtSeq: 3, condition: { x: 1 } };
  test('a requested condition and onExit are replaced by each registration; the admin condition and approval stay', () => {
    const asked = mergeSubscriptions([approved], [{ contentType: 'api::a.a', unsubscribed: false, condition: { y: 2 }, onExit: 'keep' }]);
    expect(asked).toEqual([{ ...approved, requestedCondition: { y: 2 }, onExit: 'keep' }]);
    expect(mergeSubscriptions(asked, [{ contentType: 'api::a.a', unsubscribed: false }])).toEqual([
      { ...approved, requestedCondition: null, onExit: 'delete' },
    ]);
  });
});

describe('the admin filter builder rows (admin/src/components/condition/conditionRows.ts)', () => {
  const typeOf = (field: string) => ({ price: 'decimal', 'supplier.name': 'string' })[field];
  test('rows -> filters -> rows round trip: all/any, nested relation fields, numbers, lists, null checks', () => {
    const rows = [
      { key: 'a', field: 'price', operator: '$gte', value: '100' },
      { key: 'b', field: 'supplier.name', operator: '$startsWith', value: 'Bolt' },
      { key: 'c', field: 'price', operator: '$in', value: '1, 2' },
      { key: 'd', field: 'supplier.name', operator: '$null', value: '' },
    ];
    const condition = rowsToCondition('or', rows, typeOf);
    expect(condition).toEqual({
      $or: [
        { price: { $gte: 100 } },
        { supplier: { name: { $startsWith: 'Bolt' } } },
        { price: { $in: [1, 2] } },
        { supplier: { name: { $null: true } } },
      ],
    });
    const back = conditionToRows(condition);
    expect(back?.match).toBe('or');
    expect(back?.rows.map(({ field, operator, value }) => [field, operator, value])).toEqual([
      ['price', '$gte', '100'],
      ['supplier.name', '$startsWith', 'Bolt'],
      ['price', '$in', '1, 2'],
      ['supplier.name', '$null', ''],
    ]);
    expect(rowsToCondition('and', [rows[0]], typeOf)).toEqual({ price: { $gte: 100 } });
    expect(rowsToCondition('and', [{ key: 'x', field: '', operator: '$eq', value: '' }], typeOf)).toBeNull();
  });
  test('other shapes are edited as JSON', () => {
    expect(conditionToRows(null)).toEqual({ match: 'and', rows: [] });
    expect(conditionToRows({ name: 'x' })?.rows[0]).toMatchObject({ field: 'name', operator: '$eq', value: 'x' });
    expect(conditionToRows({ $not: { name: 'x' } })).toBeNull();
    expect(conditionToRows({ $and: [{ $or: [{ name: 'x' }] }] })).toBeNull();
    expect(conditionToRows({ name: 'x', price: 1 })).toBeNull();
    expect(conditionToRows({ price: { $between: [1, 2] } })).toBeNull();
  });
});
