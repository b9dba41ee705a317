/**
 * Regressions of what the fuzz suites and the hostile-producer review found (issue 13), one test
 * each, on the apply engine's in-memory ports.
 */
import { ARTICLE, CONTACT, NODE, PERSON, event, fakeSite, ref, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

const MAPPED = [sub(PERSON, { remoteContentType: CONTACT, mapping: 'contact-to-person', useSameName: false })];

describe('regressions: a mapped subscription follows references only where a local field holds them', () => {
  it('a __ref in a remote field no mapping reads, or inside a mapped component, is neither fetched nor created', async () => {
    const fake = fakeSite();
    fake.publish(NODE, 'n1', { name: 'Injected node' });
    fake.publish(ARTICLE, 'a1', { title: 'Injected article' });
    const data = { name: 'Ada', junk: ref(NODE, 'n1'), addrs: [{ line1: '1 Rue', more: ref(ARTICLE, 'a1') }] };
    const out = await run(fake, MAPPED, event('Create', CONTACT, 'con1', data));
    expect(out.data).toEqual({ fullName: 'Ada', city: 'Paris', addresses: [{ street: '1 Rue', town: 'Lyon' }] });
    expect(fake.ops('fetch')).toEqual([]);
    expect(fake.site.docs.map((d) => d.uid)).toEqual([PERSON]);
  });

  it('the mappings are still read once per event (prepare and apply share them)', async () => {
    const fake = fakeSite();
    await run(fake, MAPPED, event('Create', CONTACT, 'con1', { name: 'Ada', addrs: [{ line1: 'x' }] }));
    expect(fake.ops('loadMappings')).toHaveLength(1);
  });

  it('a missing mapping is an ApplyError before anything is fetched', async () => {
    const fake = fakeSite();
    const subs = [sub(PERSON, { remoteContentType: CONTACT, mapping: 'gone', useSameName: false })];
    await expect(run(fake, subs, event('Create', CONTACT, 'con1', { name: 'Ada', junk: ref(NODE, 'n1') }))).rejects.toThrow(
      'Document Type Mapping "gone" does not exist'
    );
    expect(fake.ops('fetch')).toEqual([]);
  });
});
