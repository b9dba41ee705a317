import { buildPopulate, collectFiles, collectRefs, queryPopulate, toSnapshot } from '../../server/src/engine/snapshot';
import { fieldKind, isToMany, SYSTEM_FIELDS, type ModelDef, type SchemaLookup } from '../../server/src/engine/schema';

const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const TAG = 'api::tag.tag';

const models: Record<string, ModelDef> = {
  [ARTICLE]: {
    uid: ARTICLE,
    localized: true,
    draftAndPublish: true,
    attributes: {
      title: { type: 'string' },
      views: { type: 'integer' },
      createdAt: { type: 'datetime' },
      locale: { type: 'string' },
      author: { type: 'relation', relation: 'manyToOne', target: AUTHOR, inversedBy: 'articles' },
      tags: { type: 'relation', relation: 'manyToMany', target: TAG },
      related: { type: 'relation', relation: 'oneToOne', target: ARTICLE },
      comments: { type: 'relation', relation: 'oneToMany', target: 'api::comment.comment', mappedBy: 'article' },
      reviewer: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
      owner: { type: 'relation', relation: 'manyToOne', target: 'plugin::users-permissions.user' },
      secretNote: { type: 'text', private: true },
      password: { type: 'password' },
      cover: { type: 'media', multiple: false },
      gallery: { type: 'media', multiple: true },
      links: { type: 'component', component: 'shared.link', repeatable: true },
      seo: { type: 'component', component: 'shared.seo', repeatable: false },
      body: { type: 'dynamiczone', components: ['shared.link', 'shared.quote'] },
    },
  },
  [AUTHOR]: {
    uid: AUTHOR,
    localized: false,
    attributes: {
      name: { type: 'string' },
      articles: { type: 'relation', relation: 'oneToMany', target: ARTICLE, mappedBy: 'author' },
    },
  },
  [TAG]: { uid: TAG, localized: true, attributes: { label: { type: 'string' } } },
  'shared.link': {
    uid: 'shared.link',
    attributes: {
      label: { type: 'string' },
      person: { type: 'relation', relation: 'oneToOne', target: AUTHOR },
    },
  },
  'shared.quote': { uid: 'shared.quote', attributes: { text: { type: 'text' }, image: { type: 'media', multiple: false } } },
  'shared.seo': { uid: 'shared.seo', attributes: { metaTitle: { type: 'string' }, og: { type: 'media', multiple: false } } },
};

const schema: SchemaLookup = { model: (uid) => models[uid] };

const fileRow = (n: number) => ({
  id: 100 + n,
  documentId: `file${n}`,
  hash: `h${n}`,
  name: `f${n}.png`,
  url: `/uploads/f${n}.png`,
  mime: 'image/png',
  ext: '.png',
  size: 12.5,
  width: 640,
  height: 480,
  alternativeText: null,
  caption: `cap${n}`,
  formats: { thumbnail: {} },
  createdAt: '2024-01-01',
});

const fileRef = (n: number) => ({
  __file: `file${n}`,
  hash: `h${n}`,
  name: `f${n}.png`,
  url: `/uploads/f${n}.png`,
  mime: 'image/png',
  ext: '.png',
  size: 12.5,
  width: 640,
  height: 480,
  alternativeText: null,
  caption: `cap${n}`,
});

const entry = {
  id: 7,
  documentId: 'art1',
  locale: 'en',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-02T00:00:00.000Z',
  publishedAt: '2024-01-02T00:00:00.000Z',
  title: 'Hello',
  views: 3,
  author: { id: 1, documentId: 'au1' },
  tags: [
    { id: 2, documentId: 'tg1', locale: 'en' },
    { id: 3, documentId: 'tg2', locale: 'fr' },
  ],
  related: { id: 9, documentId: 'art2', locale: 'en' },
  comments: [{ id: 5, documentId: 'c1' }],
  reviewer: { id: 1, documentId: 'adm1' },
  owner: { id: 1, documentId: 'u1' },
  secretNote: 'do not leak',
  password: 'hunter2',
  cover: fileRow(1),
  gallery: [fileRow(2), fileRow(3)],
  links: [
    { id: 11, label: 'one', person: { id: 1, documentId: 'au2' } },
    { id: 12, label: 'two', person: null },
  ],
  seo: { id: 13, metaTitle: 'meta', og: fileRow(4) },
  body: [
    { id: 14, __component: 'shared.quote', text: 'q', image: fileRow(5) },
    { id: 15, __component: 'shared.link', label: 'in zone', person: { id: 4, documentId: 'au3' } },
  ],
};

const expectedSnapshot = {
  title: 'Hello',
  views: 3,
  author: { __ref: AUTHOR, documentId: 'au1' },
  tags: [
    { __ref: TAG, documentId: 'tg1', locale: 'en' },
    { __ref: TAG, documentId: 'tg2', locale: 'fr' },
  ],
  related: { __ref: ARTICLE, documentId: 'art2', locale: 'en' },
  cover: fileRef(1),
  gallery: [fileRef(2), fileRef(3)],
  links: [
    { label: 'one', person: { __ref: AUTHOR, documentId: 'au2' } },
    { label: 'two', person: null },
  ],
  seo: { metaTitle: 'meta', og: fileRef(4) },
  body: [
    { __component: 'shared.quote', text: 'q', image: fileRef(5) },
    { __component: 'shared.link', label: 'in zone', person: { __ref: AUTHOR, documentId: 'au3' } },
  ],
};

describe('fieldKind / isToMany', () => {
  it('classifies attributes', () => {
    const a = models[ARTICLE].attributes;
    expect(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, fieldKind(k, v)]))).toStrictEqual({
      title: 'scalar',
      views: 'scalar',
      createdAt: 'skip',
      locale: 'skip',
      author: 'relation',
      tags: 'relation',
      related: 'relation',
      comments: 'skip',
      reviewer: 'skip',
      owner: 'skip',
      secretNote: 'skip',
      password: 'skip',
      cover: 'media',
      gallery: 'media',
      links: 'component',
      seo: 'component',
      body: 'dynamiczone',
    });
    expect(fieldKind('file', { type: 'relation', relation: 'oneToOne', target: 'plugin::upload.file' })).toBe('media');
    expect(fieldKind('item', { type: 'relation', relation: 'morphToOne' })).toBe('relation');
    expect(SYSTEM_FIELDS.has('documentId')).toBe(true);
  });

  it('tells toMany from toOne', () => {
    expect(isToMany({ type: 'relation', relation: 'oneToMany' })).toBe(true);
    expect(isToMany({ type: 'relation', relation: 'manyToMany' })).toBe(true);
    expect(isToMany({ type: 'relation', relation: 'morphToMany' })).toBe(true);
    expect(isToMany({ type: 'relation', relation: 'manyToOne' })).toBe(false);
    expect(isToMany({ type: 'relation', relation: 'oneToOne' })).toBe(false);
    expect(isToMany({ type: 'media', multiple: true })).toBe(true);
    expect(isToMany({ type: 'media', multiple: false })).toBe(false);
    expect(isToMany({ type: 'media' })).toBe(false);
  });
});

describe('toSnapshot', () => {
  it('turns a populated entry into a snapshot without system, private, password, inverse or account fields', () => {
    expect(toSnapshot(ARTICLE, entry, schema)).toStrictEqual(expectedSnapshot);
  });

  it('returns null for a missing entry', () => {
    expect(toSnapshot(ARTICLE, null, schema)).toBeNull();
    expect(toSnapshot(ARTICLE, undefined, schema)).toBeNull();
  });

  it('throws for an unknown model', () => {
    expect(() => toSnapshot('api::nope.nope', { a: 1 }, schema)).toThrow('Unknown model api::nope.nope');
  });

  it('leaves out attributes the entry does not hold, and maps empty relations / media / components', () => {
    expect(
      toSnapshot(
        ARTICLE,
        { title: 'T', views: undefined, author: null, tags: null, cover: null, gallery: undefined, seo: null, links: null, body: null },
        schema
      )
    ).toStrictEqual({ title: 'T', views: null, author: null, tags: [], cover: null, gallery: [], seo: null, links: [], body: [] });
  });

  it('drops relation rows without a documentId', () => {
    expect(toSnapshot(ARTICLE, { tags: [{ id: 1 }, { documentId: 'tg9' }, 'junk'], author: { id: 4 } }, schema)).toStrictEqual({
      tags: [{ __ref: TAG, documentId: 'tg9' }],
      author: null,
    });
  });

  it('fills missing media metadata with defaults and numbers from strings', () => {
    expect(toSnapshot('shared.quote', { image: { id: 8, hash: 'hh', size: '3.5' } }, schema)).toStrictEqual({
      image: {
        __file: '8',
        hash: 'hh',
        name: 'file',
        url: '',
        mime: 'application/octet-stream',
        ext: null,
        size: 3.5,
        width: null,
        height: null,
        alternativeText: null,
        caption: null,
      },
    });
  });

  it('uses __type for a morph relation without a target', () => {
    const s: SchemaLookup = { model: () => ({ uid: 'x', attributes: { item: { type: 'relation', relation: 'morphToOne' } } }) };
    expect(toSnapshot('x', { item: { __type: TAG, documentId: 'tg1', locale: 'en' } }, s)).toStrictEqual({
      item: { __ref: TAG, documentId: 'tg1', locale: 'en' },
    });
    expect(toSnapshot('x', { item: { documentId: 'tg1' } }, s)).toStrictEqual({ item: null });
  });
});

describe('buildPopulate', () => {
  it('loads relations by documentId (+ locale when the target is localized), media, components and zones', () => {
    expect(buildPopulate(ARTICLE, schema)).toStrictEqual({
      author: { fields: ['documentId'] },
      tags: { fields: ['documentId', 'locale'] },
      related: { fields: ['documentId', 'locale'] },
      cover: true,
      gallery: true,
      links: { populate: { person: { fields: ['documentId'] } } },
      seo: { populate: { og: true } },
      body: {
        on: {
          'shared.link': { populate: { person: { fields: ['documentId'] } } },
          'shared.quote': { populate: { image: true } },
        },
      },
    });
  });

  it('populates morph relations fully and returns {} for unknown models', () => {
    const s: SchemaLookup = {
      model: (uid) => (uid === 'x' ? { uid: 'x', attributes: { item: { type: 'relation', relation: 'morphToMany' } } } : undefined),
    };
    expect(buildPopulate('x', s)).toStrictEqual({ item: true });
    expect(buildPopulate('nope', s)).toStrictEqual({});
  });

  it('stops at depth 10 on a self-nesting component', () => {
    const s: SchemaLookup = {
      model: (uid) => (uid === 'c.loop' ? { uid, attributes: { child: { type: 'component', component: 'c.loop' } } } : undefined),
    };
    let p = buildPopulate('c.loop', s) as Record<string, any>;
    let levels = 0;
    while (p.child) {
      levels += 1;
      p = p.child.populate;
    }
    expect(levels).toBe(11);
  });
});

describe('collectRefs / collectFiles', () => {
  it('finds every document reference, in components and zones too, in attribute order', () => {
    expect(collectRefs(ARTICLE, expectedSnapshot, schema)).toStrictEqual([
      { __ref: AUTHOR, documentId: 'au1' },
      { __ref: TAG, documentId: 'tg1', locale: 'en' },
      { __ref: TAG, documentId: 'tg2', locale: 'fr' },
      { __ref: ARTICLE, documentId: 'art2', locale: 'en' },
      { __ref: AUTHOR, documentId: 'au2' },
      { __ref: AUTHOR, documentId: 'au3' },
    ]);
  });

  it('finds every file reference, in components and zones too', () => {
    expect(collectFiles(ARTICLE, expectedSnapshot, schema)).toStrictEqual([fileRef(1), fileRef(2), fileRef(3), fileRef(4), fileRef(5)]);
  });

  it('works on a partial snapshot (an Update) and on null', () => {
    expect(collectRefs(ARTICLE, { title: 'x', author: { __ref: AUTHOR, documentId: 'au9' } }, schema)).toStrictEqual([
      { __ref: AUTHOR, documentId: 'au9' },
    ]);
    expect(collectFiles(ARTICLE, { title: 'x', cover: null }, schema)).toStrictEqual([]);
    expect(collectRefs(ARTICLE, null, schema)).toStrictEqual([]);
    expect(collectFiles(ARTICLE, null, schema)).toStrictEqual([]);
  });

  it('ignores values of skipped fields even when present', () => {
    expect(
      collectRefs(ARTICLE, { reviewer: { __ref: 'admin::user', documentId: 'a' }, comments: [{ __ref: 'x', documentId: 'c' }] }, schema)
    ).toStrictEqual([]);
  });

  it('appends to the given accumulator', () => {
    const acc = [{ __ref: TAG, documentId: 'pre' }];
    const out = collectRefs(ARTICLE, { author: { __ref: AUTHOR, documentId: 'au1' } }, schema, acc);
    expect(out).toBe(acc);
    expect(out.map((r) => r.documentId)).toStrictEqual(['pre', 'au1']);
  });
});

describe('queryPopulate', () => {
  it("spells buildPopulate's object in the Query Engine's words: fields -> select, at every depth, the rest as is", () => {
    expect(queryPopulate(buildPopulate(ARTICLE, schema))).toStrictEqual({
      author: { select: ['documentId'] },
      tags: { select: ['documentId', 'locale'] },
      related: { select: ['documentId', 'locale'] },
      cover: true,
      gallery: true,
      links: { populate: { person: { select: ['documentId'] } } },
      seo: { populate: { og: true } },
      body: {
        on: {
          'shared.link': { populate: { person: { select: ['documentId'] } } },
          'shared.quote': { populate: { image: true } },
        },
      },
    });
  });
});
