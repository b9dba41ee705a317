import { prepareEvent } from '../../server/src/engine/apply';
import { ARTICLE, CONTACT, CUSTOMER, ITEM, PERSON, SUPPLIER, event, fakeSite, file, ref, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

describe('apply: mapped types', () => {
  const subs = [sub(PERSON, { remoteContentType: CONTACT, mapping: 'contact-to-person', useSameName: false })];

  it('a Create goes through the mapping: renamed fields, defaults, a component through its inner mapping', async () => {
    const fake = fakeSite();
    const out = await run(
      fake,
      subs,
      event('Create', CONTACT, 'con1', { name: 'Ada', addrs: [{ line1: '1 Rue', extra: 'x' }], phone: '1' })
    );
    const expected = { fullName: 'Ada', city: 'Paris', addresses: [{ street: '1 Rue', town: 'Lyon' }] };
    expect(out.data).toEqual(expected);
    expect(fake.doc(PERSON, out.localDocumentId!)?.data).toEqual(expected);
    expect(fake.refOf(CONTACT, 'con1')).toMatchObject({ localContentType: PERSON, localDocumentId: out.localDocumentId });
    expect(fake.ops('loadMappings')).toHaveLength(1);
  });

  it('an Update maps only the fields it carries (no reset to defaults)', async () => {
    const fake = fakeSite();
    const { localDocumentId } = await run(fake, subs, event('Create', CONTACT, 'con1', { name: 'Ada', town: 'Nice' }));
    await run(fake, subs, event('Update', CONTACT, 'con1', { name: 'Ada L.' }));
    expect(fake.ops('update')).toEqual([expect.objectContaining({ data: { fullName: 'Ada L.' } })]);
    expect(fake.doc(PERSON, localDocumentId!)?.data).toMatchObject({ fullName: 'Ada L.', city: 'Nice' });
  });

  it('a missing mapping is an ApplyError', async () => {
    const fake = fakeSite();
    fake.site.mappings = [];
    await expect(run(fake, subs, event('Create', CONTACT, 'con1', { name: 'Ada' }))).rejects.toThrow(
      'Document Type Mapping "contact-to-person" does not exist'
    );
  });
});

describe('apply: locales', () => {
  it('a new locale is added to the document that exists in another locale (Use Same Name off: through its reference)', async () => {
    const fake = fakeSite();
    const subs = [sub(ARTICLE, { useSameName: false })];
    const en = await run(fake, subs, event('Create', ARTICLE, 'art1', { title: 'Hello' }, { locale: 'en' }));
    const fr = await run(fake, subs, event('Create', ARTICLE, 'art1', { title: 'Bonjour' }, { locale: 'fr' }));
    expect(fr.localDocumentId).toBe(en.localDocumentId);
    expect(fake.doc(ARTICLE, en.localDocumentId!, 'fr')?.data).toEqual({ title: 'Bonjour' });
    expect(fake.doc(ARTICLE, en.localDocumentId!, 'en')?.data).toEqual({ title: 'Hello' });
    expect(fake.site.refs.map((r) => r.docLocale)).toEqual(['en', 'fr']);
  });

  it('Use Same Name on: the locale is added to the document with the producer documentId', async () => {
    const fake = fakeSite();
    fake.local(ARTICLE, 'art1', { title: 'Hello' }, 'en');
    const out = await run(fake, [sub(ARTICLE)], event('Create', ARTICLE, 'art1', { title: 'Bonjour' }, { locale: 'fr' }));
    expect(out.localDocumentId).toBe('art1');
    expect(fake.ops('update')).toEqual([expect.objectContaining({ documentId: 'art1', locale: 'fr' })]);
  });

  it('a locale this site does not have is a clear ApplyError', async () => {
    const fake = fakeSite();
    await expect(run(fake, [sub(ARTICLE)], event('Create', ARTICLE, 'art1', { title: 'Hallo' }, { locale: 'de' }))).rejects.toThrow(
      'Locale "de" does not exist on this site; add it in Settings > Internationalization'
    );
    expect(fake.site.docs).toEqual([]);
  });
});

describe('apply: media', () => {
  it('a file is transferred once and reused by later documents; transferred again when its upload is gone', async () => {
    const fake = fakeSite();
    const out1 = await run(fake, [sub(ITEM)], event('Create', ITEM, 'i1', { name: 'A', image: file('f1') }));
    await run(fake, [sub(ITEM)], event('Create', ITEM, 'i2', { name: 'B', image: file('f1') }));
    expect(fake.ops('transfer')).toEqual([{ op: 'transfer', file: 'f1' }]);
    expect(out1.data).toEqual({ name: 'A', image: 1 });
    expect(fake.doc(ITEM, 'i2')?.data.image).toBe(1);
    fake.site.uploads.clear(); // deleted in the media library
    await run(fake, [sub(ITEM)], event('Create', ITEM, 'i3', { name: 'C', image: file('f1') }));
    expect(fake.ops('transfer')).toHaveLength(2);
    expect(fake.doc(ITEM, 'i3')?.data.image).toBe(2);
    expect(fake.site.refs.filter((r) => r.remoteDocumentId === 'f1')).toHaveLength(1);
  });

  it('a multiple media field keeps its files in order; one file in two fields of an event is transferred once', async () => {
    const fake = fakeSite();
    const ev = event('Create', ARTICLE, 'a1', { title: 'T', gallery: [file('g1'), file('g2'), file('g1')] }, { locale: 'en' });
    await run(fake, [sub(ARTICLE)], ev);
    expect(fake.doc(ARTICLE, 'a1', 'en')?.data.gallery).toEqual([1, 2, 1]);
    expect(fake.ops('transfer')).toHaveLength(2);
  });
});

describe('apply: dynamic zones and polymorphic relations', () => {
  it('zone entries are translated with their component; a relation inside one is a dependency', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'c1', { name: 'Ada' });
    const blocks = [
      { __component: 'shared.text', body: 'Hi', junk: 1 },
      { __component: 'shared.quote', text: 'Q', author: ref(CUSTOMER, 'c1') },
    ];
    await run(fake, [sub(ARTICLE)], event('Create', ARTICLE, 'a1', { title: 'T', blocks }, { locale: 'en' }));
    expect(fake.doc(ARTICLE, 'a1', 'en')?.data.blocks).toEqual([
      { __component: 'shared.text', body: 'Hi' },
      { __component: 'shared.quote', text: 'Q', author: { set: [{ documentId: 'c1' }] } },
    ]);
  });

  it('a zone entry of a component not allowed there, or a zone that is not a list, is an ApplyError', async () => {
    const fake = fakeSite();
    const bad = event('Create', ARTICLE, 'a1', { blocks: [{ __component: 'shared.line', qty: 1 }] }, { locale: 'en' });
    await expect(run(fake, [sub(ARTICLE)], bad)).rejects.toThrow(`${ARTICLE}.blocks holds a component this site does not allow there`);
    const notList = event('Create', ARTICLE, 'a2', { blocks: { __component: 'shared.text' } }, { locale: 'en' });
    await expect(run(fake, [sub(ARTICLE)], notList)).rejects.toThrow(`${ARTICLE}.blocks must be a list of dynamic zone entries`);
    expect(fake.site.docs).toEqual([]);
  });

  it('a polymorphic relation links any streamable type, naming its local type', async () => {
    const fake = fakeSite();
    fake.local(CUSTOMER, 'c1');
    fake.publish(SUPPLIER, 's1', { name: 'Acme' });
    const ev = event('Create', ARTICLE, 'a1', { related: [ref(CUSTOMER, 'c1'), ref(SUPPLIER, 's1')] }, { locale: 'en' });
    await run(fake, [sub(ARTICLE)], ev);
    expect(fake.doc(ARTICLE, 'a1', 'en')?.data.related).toEqual({
      set: [
        { documentId: 'c1', __type: CUSTOMER },
        { documentId: 's1', __type: SUPPLIER },
      ],
    });
    const user = event('Create', ARTICLE, 'a2', { related: [ref('plugin::users-permissions.user', 'u1')] }, { locale: 'en' });
    await expect(prepareEvent(fake.ports, [sub(ARTICLE)], user)).rejects.toThrow(
      /refers to plugin::users-permissions\.user, which does not exist/
    );
  });
});
