import { changeFor, diffSnapshots } from '../../server/src/engine/diff';

describe('diffSnapshots', () => {
  it('returns an empty object when nothing changed, including deep-equal arrays and objects', () => {
    const before = { title: 'A', tags: [{ __ref: 'api::tag.tag', documentId: 't1' }], seo: { metaTitle: 'm', list: [1, 2] } };
    const after = { title: 'A', tags: [{ __ref: 'api::tag.tag', documentId: 't1' }], seo: { metaTitle: 'm', list: [1, 2] } };
    expect(after.tags).not.toBe(before.tags);
    expect(diffSnapshots(before, after)).toStrictEqual({});
  });

  it('keeps only the changed top-level fields', () => {
    expect(diffSnapshots({ title: 'A', views: 1, body: 'x' }, { title: 'B', views: 1, body: 'x' })).toStrictEqual({ title: 'B' });
  });

  it('sends a field absent from `after` as null', () => {
    expect(diffSnapshots({ title: 'A', subtitle: 'S' }, { title: 'A' })).toStrictEqual({ subtitle: null });
  });

  it('sends a field new in `after`', () => {
    expect(diffSnapshots({ title: 'A' }, { title: 'A', subtitle: 'S' })).toStrictEqual({ subtitle: 'S' });
  });

  it('sends a changed component list whole, not row by row', () => {
    const before = { blocks: [{ label: 'a' }, { label: 'b' }, { label: 'c' }], title: 'T' };
    const after = { blocks: [{ label: 'a' }, { label: 'B' }, { label: 'c' }], title: 'T' };
    expect(diffSnapshots(before, after)).toStrictEqual({ blocks: [{ label: 'a' }, { label: 'B' }, { label: 'c' }] });
  });

  it('sends a changed relation list whole (order matters)', () => {
    const r1 = { __ref: 'api::tag.tag', documentId: 't1' };
    const r2 = { __ref: 'api::tag.tag', documentId: 't2' };
    expect(diffSnapshots({ tags: [r1, r2] }, { tags: [r2, r1] })).toStrictEqual({ tags: [r2, r1] });
    expect(diffSnapshots({ tags: [r1, r2] }, { tags: [r1] })).toStrictEqual({ tags: [r1] });
    expect(diffSnapshots({ tags: [r1] }, { tags: [] })).toStrictEqual({ tags: [] });
  });

  it('sees a change of a nested component field and sends the whole component', () => {
    expect(diffSnapshots({ seo: { metaTitle: 'a', metaDesc: 'd' } }, { seo: { metaTitle: 'b', metaDesc: 'd' } })).toStrictEqual({
      seo: { metaTitle: 'b', metaDesc: 'd' },
    });
  });

  it('treats null -> value and value -> null as changes', () => {
    expect(diffSnapshots({ cover: null }, { cover: { __file: 'f1' } })).toStrictEqual({ cover: { __file: 'f1' } });
    expect(diffSnapshots({ cover: { __file: 'f1' } }, { cover: null })).toStrictEqual({ cover: null });
  });
});

describe('changeFor', () => {
  it('returns null when neither version exists', () => {
    expect(changeFor(null, null)).toBeNull();
  });

  it('returns null when the streamed version did not change', () => {
    expect(changeFor({ title: 'A', tags: [1, 2] }, { title: 'A', tags: [1, 2] })).toBeNull();
  });

  it('returns a Create with the whole document when there was no version before', () => {
    expect(changeFor(null, { title: 'A', views: 3 })).toStrictEqual({ updateType: 'Create', data: { title: 'A', views: 3 } });
  });

  it('returns a Delete with null data when the version disappeared', () => {
    expect(changeFor({ title: 'A' }, null)).toStrictEqual({ updateType: 'Delete', data: null });
  });

  it('returns an Update with only the changed fields', () => {
    expect(changeFor({ title: 'A', views: 1, gone: 'x' }, { title: 'A', views: 2 })).toStrictEqual({
      updateType: 'Update',
      data: { views: 2, gone: null },
    });
  });

  it('treats an empty snapshot as an existing version', () => {
    expect(changeFor({}, { title: 'A' })).toStrictEqual({ updateType: 'Update', data: { title: 'A' } });
    expect(changeFor({}, {})).toBeNull();
  });
});
