/**
 * Issue 15 (4), the apply engine: uploads referenced inline (rich text, Blocks, JSON) are carried
 * through the dependency walk like media files — same transfer, same file budget — and only those
 * the producer lists AND the data holds; links follow the producer's link rule.
 */
import { applyEvent, prepareEvent, type ApplyPorts } from '../../server/src/engine/apply';
import type { InlineFile } from '../../server/src/engine/apply/inline';
import { NeedsNetworkError } from '../../server/src/engine/errors';
import type { ModelDef } from '../../server/src/engine/schema';
import { event, fakeSite, file, sub } from '../helpers/apply-fake';

const POST = 'api::post.post';
const POST_MODEL: ModelDef = {
  uid: POST,
  attributes: {
    title: { type: 'string' },
    body: { type: 'richtext' },
    story: { type: 'blocks' },
    meta: { type: 'json' },
    hero: { type: 'media' },
  },
};
const P = 'https://producer.example';

function setup(list: InlineFile[], extra: Partial<ApplyPorts> = {}) {
  const fake = fakeSite();
  const asked: string[][] = [];
  const ports: ApplyPorts = {
    ...fake.ports,
    model: (uid) => (uid === POST ? POST_MODEL : fake.ports.model(uid)),
    isStreamable: (uid) => uid === POST || fake.ports.isStreamable(uid),
    inlineFiles: async (via) => {
      asked.push(via.map((v) => v.documentId));
      return list;
    },
    fileCopy: async (id) => ({
      url: `/uploads/local_${id}.png`,
      formats: {},
      image: { url: `/uploads/local_${id}.png`, name: `local_${id}.png` },
    }),
    inline: { linkRule: { from: `${P}/blog`, to: '/news' }, siteOrigin: 'https://consumer.example' },
    ...extra,
  };
  const run = async (data: Record<string, unknown>, opts: { offline?: boolean } = {}) => {
    const ev = event('Create', POST, 'p1', data);
    const prepared = await prepareEvent(ports, [sub(POST)], ev, opts);
    return fake.transaction(() => applyEvent(ports, [sub(POST)], ev, prepared));
  };
  const transfers = () => fake.site.calls.filter((c) => c.op === 'transfer').map((c) => (c as { file: string }).file);
  return { fake, ports, asked, run, transfers };
}

const listed = (url: string, key: string): InlineFile => ({ url, format: '', file: file(key) });

describe('apply: inline media', () => {
  it('transfers the listed uploads the data holds (once, even when also a media file), rewrites them and producer links', async () => {
    const t = setup([
      listed(`${P}/uploads/a.png`, 'fa'),
      listed('/uploads/b.png', 'fb'),
      listed('/uploads/not-in-the-data.png', 'fsecret'),
    ]);
    const body = `![a](${P}/uploads/a.png) [b](/uploads/b.png) [blog](${P}/blog/x) ![ext](https://cdn.example/c.png)`;
    const out = await t.run({
      title: 'T',
      body,
      story: [{ type: 'image', image: { url: '/uploads/b.png', name: 'b.png', alternativeText: 'B' }, children: [] }],
      meta: { hero: `${P}/uploads/a.png` },
      hero: file('fa'),
    });
    expect(t.transfers()).toEqual(['fa', 'fb']);
    expect(t.asked).toEqual([['p1']]);
    expect(out.data).toMatchObject({
      body: '![a](https://consumer.example/uploads/local_1.png) [b](/uploads/local_2.png) [blog](/news/x) ![ext](https://cdn.example/c.png)',
      story: [{ type: 'image', image: { url: '/uploads/local_2.png', name: 'local_2.png', alternativeText: 'B' }, children: [] }],
      meta: { hero: 'https://consumer.example/uploads/local_1.png' },
      hero: 1,
    });
  });

  it('counts inline files in the event file budget', async () => {
    const t = setup([listed('/uploads/a.png', 'fa'), listed('/uploads/b.png', 'fb')]);
    t.ports.limits = { ...t.ports.limits, maxFiles: 1 };
    await expect(t.run({ body: '![a](/uploads/a.png) ![b](/uploads/b.png)' })).rejects.toThrow(/maxFilesPerEvent/);
    // The file uploaded before the budget ran out is removed again.
    expect(t.fake.site.calls.filter((c) => c.op === 'removeFile')).toEqual([{ op: 'removeFile', file: 'fa' }]);
  });

  it('asks nothing when the data holds no URL; the link rule needs no network (offline)', async () => {
    const t = setup([]);
    const out = await t.run({ body: `plain [blog](${P}/blog/y) [top](#top)` }, { offline: false });
    expect(out.data).toMatchObject({ body: 'plain [blog](/news/y) [top](#top)' });
    expect(t.asked).toEqual([['p1']]); // an absolute link may be an upload: the producer is asked
    const quiet = setup([]);
    await quiet.run({ body: 'no links at all [top](#top)' }, { offline: true });
    expect(quiet.asked).toEqual([]);
  });

  it('offline (a batch): NeedsNetworkError when URLs must be asked about', async () => {
    const t = setup([listed('/uploads/a.png', 'fa')]);
    await expect(t.run({ body: '![a](/uploads/a.png)' }, { offline: true })).rejects.toBeInstanceOf(NeedsNetworkError);
    expect(t.asked).toEqual([]);
  });

  it('without the inline ports, values are stored as written', async () => {
    const t = setup([listed('/uploads/a.png', 'fa')], { inlineFiles: undefined, fileCopy: undefined, inline: undefined });
    const out = await t.run({ body: '![a](/uploads/a.png)' });
    expect(out.data).toMatchObject({ body: '![a](/uploads/a.png)' });
    expect(t.transfers()).toEqual([]);
  });
});
