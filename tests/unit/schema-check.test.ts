import { checkSchema, schemaHash, streamedFields } from '../../server/src/engine/schema-check';
import type { ModelDef } from '../../server/src/engine/schema';
import type { MappingDef } from '../../server/src/engine/mapping';
import type { FieldMapping, StreamedField } from '../../server/src/shared/contracts';
import { checkProducerSchema } from '../../server/src/protocol/check-schema';

const model = (attributes: ModelDef['attributes']): ModelDef => ({ uid: 'api::a.a', attributes });
const fields = (attributes: ModelDef['attributes']) => streamedFields(model(attributes));
const row = (localField: string, remoteField: string | null, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  localField,
  remoteField,
  defaultValue: null,
  mappingType: 'none',
  mapping: null,
  remoteValueFilters: null,
  ...extra,
});
const mapping = (fieldMappings: FieldMapping[]): MappingDef => ({
  mappingName: 'm',
  localContentType: 'api::b.b',
  remoteContentType: 'api::a.a',
  fieldMappings,
});
const kinds = (issues: ReturnType<typeof checkSchema>) => issues.map((i) => `${i.kind}:${i.remoteField ?? ''}>${i.localField ?? ''}`);
const check = (remote: StreamedField[] | null, local: StreamedField[] | null, m: MappingDef | null = null) =>
  checkSchema({ remoteContentType: 'api::a.a', localContentType: m ? 'api::b.b' : 'api::a.a', remote, local, mapping: m });

describe('streamedFields', () => {
  test('only fields that travel, sorted by name, with what the check compares', () => {
    const out = fields({
      title: { type: 'string', required: true },
      createdAt: { type: 'datetime' },
      secret: { type: 'string', private: true },
      pw: { type: 'password' },
      owner: { type: 'relation', relation: 'manyToOne', target: 'admin::user' },
      back: { type: 'relation', relation: 'oneToMany', target: 'api::c.c', mappedBy: 'a' },
      cover: { type: 'media', multiple: false },
      author: { type: 'relation', relation: 'manyToOne', target: 'api::c.c' },
    });
    expect(out).toEqual([
      { name: 'author', type: 'relation', relation: 'manyToOne', target: 'api::c.c' },
      { name: 'cover', type: 'media' },
      { name: 'title', type: 'string', required: true },
    ]);
  });

  test('the hash changes when a field does, not when attribute order does', () => {
    const a = fields({ x: { type: 'string' }, y: { type: 'integer' } });
    const b = fields({ y: { type: 'integer' }, x: { type: 'string' } });
    const c = fields({ x: { type: 'string' }, y: { type: 'string' } });
    expect(schemaHash(a)).toBe(schemaHash(b));
    expect(schemaHash(a)).not.toBe(schemaHash(c));
    expect(schemaHash(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('checkSchema without a mapping (fields match by name)', () => {
  test('identical types fit', () => {
    const f = fields({ name: { type: 'string', required: true }, n: { type: 'integer' } });
    expect(check(f, f)).toEqual([]);
  });

  test('a remote field missing locally, a different type and an unfilled required field are each named', () => {
    const remote = fields({ name: { type: 'string' }, phone: { type: 'string' }, age: { type: 'string' } });
    const local = fields({ name: { type: 'string' }, age: { type: 'integer' }, code: { type: 'string', required: true } });
    expect(kinds(check(remote, local))).toEqual(['no-local-field:phone>', 'type-mismatch:age>age', 'required-unfilled:>code']);
    const msg = check(remote, local).map((i) => i.message);
    expect(msg[0]).toMatch(/"phone".*no local counterpart/);
    expect(msg[1]).toMatch(/string remotely, integer locally/);
    expect(msg[2]).toMatch(/Required local field "code"/);
  });

  test('widening types fit, narrowing ones do not', () => {
    const ok = check(fields({ a: { type: 'string' }, b: { type: 'integer' } }), fields({ a: { type: 'text' }, b: { type: 'decimal' } }));
    expect(ok).toEqual([]);
    const bad = check(fields({ a: { type: 'text' }, b: { type: 'float' } }), fields({ a: { type: 'string' }, b: { type: 'integer' } }));
    expect(kinds(bad)).toEqual(['type-mismatch:a>a', 'type-mismatch:b>b']);
  });

  test('relations compare targets through the subscriptions; components by UID; many into one is named', () => {
    const remote = fields({
      r: { type: 'relation', relation: 'manyToOne', target: 'api::x.x' },
      c: { type: 'component', component: 'a.one' },
      m: { type: 'media', multiple: true },
    });
    const local = fields({
      r: { type: 'relation', relation: 'manyToOne', target: 'api::y.y' },
      c: { type: 'component', component: 'a.two' },
      m: { type: 'media', multiple: false },
    });
    expect(kinds(check(remote, local))).toEqual(['type-mismatch:c>c', 'type-mismatch:m>m', 'type-mismatch:r>r']);
    const mapped = checkSchema({
      remoteContentType: 'api::a.a',
      localContentType: 'api::a.a',
      remote,
      local,
      mapping: null,
      targetOf: () => 'api::y.y',
    });
    expect(kinds(mapped)).not.toContain('type-mismatch:r>r');
  });

  test('an unknown type on either side is one issue', () => {
    expect(kinds(check(null, []))).toEqual(['remote-type-unknown:>']);
    expect(kinds(check([], null))).toEqual(['local-type-unknown:>']);
  });
});

describe('checkSchema with a mapping (fields match by its rows)', () => {
  const remote = fields({ title: { type: 'string' }, body: { type: 'text' }, views: { type: 'string' }, extra: { type: 'json' } });
  const local = fields({
    headline: { type: 'string', required: true },
    text: { type: 'richtext' },
    count: { type: 'integer' },
    kind: { type: 'string', required: true },
    sku: { type: 'string', required: true },
  });

  test('unread remote fields, rows of a different type, rows naming missing fields and unfilled required fields', () => {
    const m = mapping([
      row('headline', 'title'),
      row('text', 'body'),
      row('count', 'views'),
      row('kind', null, { defaultValue: 'news' }),
      row('ghost', 'title'),
      row('sku', 'gone'),
    ]);
    expect(kinds(check(remote, local, m))).toEqual([
      'no-local-field:>ghost',
      'no-remote-field:gone>sku',
      'no-local-field:extra>',
      'type-mismatch:views>count',
      'required-unfilled:>sku',
    ]);
  });

  test('a default fills a required field; an empty default does not', () => {
    const m = mapping([row('headline', 'title'), row('kind', null, { defaultValue: '' }), row('sku', null, { defaultValue: 'X' })]);
    expect(kinds(check(remote, local, m)).filter((k) => k.startsWith('required'))).toEqual(['required-unfilled:>kind']);
  });

  test('rows through an inner mapping are not type-compared here', () => {
    const r = fields({ seo: { type: 'component', component: 'a.seo' } });
    const l = fields({ meta: { type: 'component', component: 'b.meta' } });
    expect(check(r, l, mapping([row('meta', 'seo', { mappingType: 'component', mapping: 'inner' })]))).toEqual([]);
  });
});

describe('checkProducerSchema (the producer is not trusted)', () => {
  const good = { siteId: 's', hash: 'h', types: [{ uid: 'api::a.a', hash: 'x', fields: [{ name: 'n', type: 'string', required: true }] }] };
  test('a well-formed answer passes, unknown keys dropped', () => {
    const out = checkProducerSchema({
      ...good,
      types: [{ ...good.types[0], fields: [{ name: 'n', type: 'string', required: true, evil: 1 }] }],
    });
    expect(out).toEqual(good);
  });
  test.each([
    ['not an object', null],
    ['types not a list', { ...good, types: {} }],
    ['a prototype key', { ...good, types: [{ ...good.types[0], fields: [{ name: '__proto__', type: 'string' }] }] }],
    ['a bad type', { ...good, types: [{ ...good.types[0], fields: [{ name: 'n', type: 'a b' }] }] }],
    ['a non-boolean flag', { ...good, types: [{ ...good.types[0], fields: [{ name: 'n', type: 'string', required: 'yes' }] }] }],
  ])('%s is refused', (_why, answer) => {
    expect(() => checkProducerSchema(answer)).toThrow(/invalid description/);
  });
});
