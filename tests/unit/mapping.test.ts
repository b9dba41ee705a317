import { applyMapping, type MappingDef, type MappingLoader } from '../../server/src/engine/mapping';
import { InputError } from '../../server/src/engine/errors';
import type { FieldMapping } from '../../server/src/shared/contracts';

const fm = (localField: string, remoteField: string | null, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  localField,
  remoteField,
  defaultValue: null,
  mappingType: 'none',
  mapping: null,
  remoteValueFilters: null,
  ...extra,
});

const def = (mappingName: string, fieldMappings: FieldMapping[]): MappingDef => ({
  mappingName,
  localContentType: 'api::local.local',
  remoteContentType: 'api::remote.remote',
  fieldMappings,
});

const noInner: MappingLoader = () => undefined;

const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('applyMapping: scalar fields', () => {
  const m = def('person', [
    fm('fullName', 'name'),
    fm('city', 'town', { defaultValue: 'Paris' }),
    fm('kind', null, { defaultValue: 'imported' }),
    fm('note', 'comment'),
  ]);

  it('renames fields and drops unmapped remote fields', () => {
    expect(applyMapping({ name: 'Ada', town: 'London', comment: 'hi', extra: 'dropped' }, m, noInner, false)).toStrictEqual({
      fullName: 'Ada',
      city: 'London',
      kind: 'imported',
      note: 'hi',
    });
  });

  it('uses defaultValue when the remote field is unmapped, absent, null or empty', () => {
    expect(applyMapping({ name: 'Ada' }, m, noInner, false)).toStrictEqual({
      fullName: 'Ada',
      city: 'Paris',
      kind: 'imported',
      note: null,
    });
    expect(applyMapping({ name: 'Ada', town: null, comment: '' }, m, noInner, false)).toStrictEqual({
      fullName: 'Ada',
      city: 'Paris',
      kind: 'imported',
      note: null,
    });
  });

  it('keeps falsy non-empty values (0, false)', () => {
    const m2 = def('n', [fm('count', 'n', { defaultValue: 5 }), fm('flag', 'f', { defaultValue: true })]);
    expect(applyMapping({ n: 0, f: false }, m2, noInner, false)).toStrictEqual({ count: 0, flag: false });
  });

  it('partial (Update): leaves out local fields whose remote field is absent or unmapped', () => {
    expect(applyMapping({ town: 'Rome' }, m, noInner, true)).toStrictEqual({ city: 'Rome' });
    expect(applyMapping({ town: null, name: 'Bob' }, m, noInner, true)).toStrictEqual({ fullName: 'Bob', city: 'Paris' });
    expect(applyMapping({}, m, noInner, true)).toStrictEqual({});
  });
});

describe('applyMapping: components', () => {
  const inner = def('addr', [fm('street', 'line1'), fm('country', 'cc', { defaultValue: 'FR' })]);
  const load: MappingLoader = (name) => (name === 'addr' ? inner : undefined);
  const outer = def('person', [
    fm('address', 'addr', { mappingType: 'component', mapping: 'addr' }),
    fm('previous', 'old', { mappingType: 'component', mapping: 'addr', defaultValue: [] }),
  ]);

  it('maps a single component through its inner mapping', () => {
    expect(applyMapping({ addr: { id: 3, line1: '1 Main St', cc: 'UK' } }, outer, load, false)).toStrictEqual({
      address: { street: '1 Main St', country: 'UK' },
      previous: [],
    });
  });

  it('maps a repeatable component row by row, full (not partial) inside', () => {
    expect(applyMapping({ old: [{ line1: 'a', cc: 'DE' }, { line1: 'b' }, null] }, outer, load, true)).toStrictEqual({
      previous: [{ street: 'a', country: 'DE' }, { street: 'b', country: 'FR' }, null],
    });
  });

  it('uses the default for an empty component', () => {
    expect(applyMapping({ addr: null, old: null }, outer, load, false)).toStrictEqual({ address: null, previous: [] });
  });

  it('throws InputError for a missing inner mapping', () => {
    const e = caught(() => applyMapping({ addr: { line1: 'x' } }, outer, noInner, false));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe('Inner mapping "addr" of "person" does not exist');
  });

  it('throws InputError on a cycle of inner mappings', () => {
    const a = def('A', [fm('child', 'child', { mappingType: 'component', mapping: 'B' })]);
    const b = def('B', [fm('child', 'child', { mappingType: 'component', mapping: 'A' })]);
    const cyc: MappingLoader = (name) => ({ A: a, B: b })[name];
    const data: Record<string, unknown> = {};
    data.child = data;
    const e = caught(() => applyMapping(data, a, cyc, false));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/nests too deeply/);
  });

  it('accepts nesting up to the limit', () => {
    const self = def('S', [fm('v', 'v'), fm('child', 'child', { mappingType: 'component', mapping: 'S' })]);
    const load1: MappingLoader = () => self;
    let data: Record<string, unknown> = { v: 9 };
    for (let i = 8; i >= 0; i -= 1) data = { v: i, child: data };
    // 10 levels: depth 0..9 -> the guard (depth > 8) throws at the 10th
    expect(caught(() => applyMapping(data, self, load1, false))).toBeInstanceOf(InputError);
    const shallow = { v: 0, child: { v: 1, child: { v: 2 } } };
    expect(applyMapping(shallow, self, load1, false)).toStrictEqual({ v: 0, child: { v: 1, child: { v: 2, child: null } } });
  });
});

describe('applyMapping: relations', () => {
  const en = { __ref: 'api::tag.tag', documentId: 't1', locale: 'en' };
  const fr = { __ref: 'api::tag.tag', documentId: 't2', locale: 'fr' };
  const m = def('article', [
    fm('tags', 'labels', { mappingType: 'relation', remoteValueFilters: { locale: 'en' } }),
    fm('main', 'primary', { mappingType: 'relation', remoteValueFilters: { locale: 'en' } }),
    fm('any', 'other', { mappingType: 'relation' }),
  ]);

  it('keeps only references matching remoteValueFilters, and non-references are dropped', () => {
    expect(applyMapping({ labels: [en, fr, 'junk', { documentId: 'x' }], primary: fr, other: [en, fr] }, m, noInner, false)).toStrictEqual({
      tags: [en],
      main: null,
      any: [en, fr],
    });
    expect(applyMapping({ primary: en }, m, noInner, true)).toStrictEqual({ main: en });
  });

  it('uses the default for an empty relation', () => {
    const m2 = def('a', [fm('main', 'primary', { mappingType: 'relation', defaultValue: null })]);
    expect(applyMapping({ primary: null }, m2, noInner, false)).toStrictEqual({ main: null });
    expect(applyMapping({ primary: [] }, m2, noInner, false)).toStrictEqual({ main: [] });
  });
});
