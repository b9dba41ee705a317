/**
 * Issue 13 (7, second point), consumer side: a `{__file}` marker is a file reference only in a
 * media attribute of the local model. Inside a JSON (or rich-text) field it is data: nothing is
 * downloaded or uploaded for it, and it is stored as the producer sent it.
 */
import { CARD, CONTACT, ITEM, event, fakeSite, file, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

const transfers = (fake: ReturnType<typeof fakeSite>) => fake.site.calls.filter((c) => c.op === 'transfer');

describe('apply: __file markers outside media fields', () => {
  it('unmapped: a {__file} inside a JSON field is not transferred; the media field is', async () => {
    const fake = fakeSite();
    const specs = { sheet: file('secret-contract'), nested: [file('other-secret')] };
    const out = await run(fake, [sub(ITEM)], event('Create', ITEM, 'i1', { name: 'Bolt', image: file('img1'), specs }));
    expect(transfers(fake)).toEqual([{ op: 'transfer', file: 'img1' }]);
    expect(out.data).toMatchObject({ name: 'Bolt', image: 1, specs });
  });

  it('mapped: a {__file} in a remote field mapped to a local JSON field is not transferred; one mapped to a media field is', async () => {
    const fake = fakeSite();
    const subs = [sub(CARD, { remoteContentType: CONTACT, mapping: 'contact-to-card', useSameName: false })];
    const meta = file('secret-contract');
    const out = await run(
      fake,
      subs,
      event('Create', CONTACT, 'con1', { name: 'Ada', meta, picture: file('face'), unmapped: file('unmapped-secret') })
    );
    expect(transfers(fake)).toEqual([{ op: 'transfer', file: 'face' }]);
    expect(out.data).toEqual({ title: 'Ada', profile: meta, photo: 1 });
    expect(fake.ops('loadMappings')).toHaveLength(1);
  });
});
