/**
 * Dynamic-zone field mappings (issue 14 point 6): the engine maps each entry through the component
 * mapping that reads its remote component, copies the others unchanged; the shared rules say which
 * mapping types a local field accepts (the service checks rows with them, the admin offers them).
 */
import { applyMapping, type MappingDef, type MappingLoader } from '../../server/src/engine/mapping';
import { InputError } from '../../server/src/engine/errors';
import { fieldMappingSchema, mappingTypeProblem, mappingTypesFor } from '../../server/src/shared/validation/mappings';
import { check } from '../../server/src/shared/validation/check';
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

const def = (mappingName: string, local: string, remote: string, fieldMappings: FieldMapping[]): MappingDef => ({
  mappingName,
  localContentType: local,
  remoteContentType: remote,
  fieldMappings,
});

// Remote `promo.paragraph { body }` → local `content.text { text }`; remote `promo.cite { said, by }` → `content.quote { quote }`.
const paragraph = def('paragraph', 'content.text', 'promo.paragraph', [fm('text', 'body')]);
const cite = def('cite', 'content.quote', 'promo.cite', [fm('quote', 'said')]);
const page = def('page', 'api::article.article', 'api::page.page', [
  fm('title', 'heading'),
  fm('blocks', 'sections', { mappingType: 'dynamiczone', componentMappings: ['paragraph', 'cite'] }),
]);
const load: MappingLoader = (n) => ({ paragraph, cite, page })[n as 'paragraph' | 'cite' | 'page'];

describe('applyMapping: dynamic zones', () => {
  it('maps each entry through the component mapping of its remote component, keeping the order', () => {
    const out = applyMapping(
      {
        heading: 'Hi',
        sections: [
          { __component: 'promo.cite', said: 'To be', by: { __ref: 'x' } },
          { __component: 'promo.paragraph', body: 'Lorem', extra: 1 },
        ],
      },
      page,
      load,
      false
    );
    expect(out).toStrictEqual({
      title: 'Hi',
      blocks: [
        { __component: 'content.quote', quote: 'To be' },
        { __component: 'content.text', text: 'Lorem' },
      ],
    });
  });

  it('copies an entry of a component no mapping reads unchanged, under its own UID (the write keeps it only if the local zone allows it)', () => {
    const same = { __component: 'content.text', text: 'as is', other: 2 };
    const out = applyMapping({ heading: 'Hi', sections: [same, { __component: 'promo.paragraph', body: 'B' }] }, page, load, false);
    expect(out.blocks).toStrictEqual([same, { __component: 'content.text', text: 'B' }]);
  });

  it('drops entries that are not objects; an empty or non-list zone takes the default value', () => {
    expect(applyMapping({ sections: [null, 'x', [1], { __component: 'promo.cite', said: 's' }] }, page, load, false).blocks).toStrictEqual([
      { __component: 'content.quote', quote: 's' },
    ]);
    const withDefault = def('d', 'api::article.article', 'api::page.page', [
      fm('blocks', 'sections', { mappingType: 'dynamiczone', componentMappings: [], defaultValue: [] }),
    ]);
    expect(applyMapping({ sections: null }, withDefault, load, false)).toStrictEqual({ blocks: [] });
    expect(applyMapping({ sections: 'junk' }, withDefault, load, false)).toStrictEqual({ blocks: [] });
    expect(applyMapping({}, page, load, false)).toStrictEqual({ title: null, blocks: null });
  });

  it('an Update without the zone leaves it out; with it, the whole zone is mapped', () => {
    expect(applyMapping({ heading: 'H' }, page, load, true)).toStrictEqual({ title: 'H' });
    expect(applyMapping({ sections: [{ __component: 'promo.paragraph', body: 'b' }] }, page, load, true)).toStrictEqual({
      blocks: [{ __component: 'content.text', text: 'b' }],
    });
  });

  it('a missing component mapping is an InputError naming it', () => {
    const broken = def('broken', 'api::article.article', 'api::page.page', [
      fm('blocks', 'sections', { mappingType: 'dynamiczone', componentMappings: ['gone'] }),
    ]);
    expect(() => applyMapping({ sections: [] }, broken, load, false)).toThrow(InputError);
    expect(() => applyMapping({ sections: [] }, broken, load, false)).toThrow(/Component mapping "gone" of "broken" does not exist/);
  });

  it('a component mapping that leads back nests no deeper than 8', () => {
    const loop = def('loop', 'content.text', 'promo.paragraph', [
      fm('inner', 'inner', { mappingType: 'dynamiczone', componentMappings: ['loop'] }),
    ]);
    let entry: Record<string, unknown> = { __component: 'promo.paragraph' };
    for (let i = 0; i < 12; i++) entry = { __component: 'promo.paragraph', inner: [entry] };
    expect(() => applyMapping(entry, loop, (n) => (n === 'loop' ? loop : undefined), false)).toThrow(/nests too deeply/);
  });
});

describe('shared rules: the mapping types a local field accepts', () => {
  it('structured fields take their own type first, plain "none" (default value only) second; the rest plain only', () => {
    expect(mappingTypesFor('dynamiczone')).toEqual(['dynamiczone', 'none']);
    expect(mappingTypesFor('component')).toEqual(['component', 'none']);
    expect(mappingTypesFor('relation')).toEqual(['relation', 'none']);
    // Media travel as plain values: the server refused "relation" for them (the admin used to suggest it).
    expect(mappingTypesFor('media')).toEqual(['none']);
    expect(mappingTypesFor('string')).toEqual(['none']);
    expect(mappingTypesFor(undefined)).toEqual(['none']);
  });

  it('names the problem of a type that does not fit', () => {
    expect(mappingTypeProblem('blocks', 'dynamiczone', 'dynamiczone', true)).toBeNull();
    expect(mappingTypeProblem('blocks', 'dynamiczone', 'none', false)).toBeNull();
    expect(mappingTypeProblem('blocks', 'dynamiczone', 'none', true)).toBe(
      'blocks is a dynamiczone; use mappingType "dynamiczone" with componentMappings'
    );
    expect(mappingTypeProblem('blocks', 'dynamiczone', 'component', true)).toMatch(/^blocks is not a component field/);
    expect(mappingTypeProblem('seo', 'component', 'dynamiczone', true)).toMatch(
      /^seo is not a dynamic zone field .*use mappingType "component"/
    );
    expect(mappingTypeProblem('cover', 'media', 'relation', true)).toMatch(/^cover is not a relation field/);
    expect(mappingTypeProblem('author', 'relation', 'none', true)).toBe('author is a relation; use mappingType "relation"');
    expect(mappingTypeProblem('title', 'string', 'none', true)).toBeNull();
  });

  it('the row schema takes componentMappings on dynamic zone rows only', () => {
    const row = { localField: 'blocks', remoteField: 'sections', mappingType: 'dynamiczone', componentMappings: ['paragraph'] };
    expect(check(fieldMappingSchema, row)).toStrictEqual(row);
    expect(() => check(fieldMappingSchema, { ...row, mappingType: 'component', mapping: 'm' })).toThrow(
      /componentMappings are for dynamic zone mappings only/
    );
    expect(() => check(fieldMappingSchema, { ...row, mapping: 'm' })).toThrow(/lists its componentMappings, not one inner mapping/);
    expect(() => check(fieldMappingSchema, { ...row, componentMappings: 'paragraph' })).toThrow(
      /componentMappings must be a list of at most 50 mapping names/
    );
    expect(() => check(fieldMappingSchema, { ...row, componentMappings: Array.from({ length: 51 }, (_, i) => `m${i}`) })).toThrow(
      /at most 50 mapping names/
    );
    expect(() => check(fieldMappingSchema, { ...row, componentMappings: [''] })).toThrow(/must be a mapping name/);
  });
});
