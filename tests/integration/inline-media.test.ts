/**
 * Issue 15 (4): inline media and links carried. Images and files written inside rich text
 * (Markdown), Blocks and JSON fields are copied to the consumer like media fields and their URLs
 * rewritten to the copies, so the article shows its pictures with the producer stopped; links to
 * the producer's public site are rewritten by the Event Producer's link rule. Nothing that is not
 * the producer's upload is fetched: not a URL to another host, not a path that is no upload, not
 * a file a hostile producer lists for a document that does not hold it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeProducer, type FakeProducer } from '../helpers/fake-producer';
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ARTICLE } from '../helpers/uids';

let P: Site;
let C: Site;
let l: Link;
let trap: http.Server;
let trapUrl: string;
/** Requests the trap server got: nobody may fetch from it. */
const trapHits: string[] = [];

/** A valid PNG whose bytes differ per `tag` (data after IEND is ignored by readers, kept by uploads). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pngOf = (tag: string) => Buffer.concat([PNG, Buffer.from(tag)]);

type Upload = { id: number; url: string; name: string; hash: string; ext: string; mime: string; size: number; [k: string]: unknown };

async function upload(site: Site, name: string, bytes: Buffer, mime: string): Promise<Upload> {
  const form = new FormData();
  form.append('files', new Blob([bytes], { type: mime }), name);
  return expectStatus(await site.request('POST', '/api/upload', form, { token: site.fullAccessToken }), `upload ${name}`).body[0];
}

/** The bytes a site serves at a URL (absolute, or a path of that site). */
async function bytesAt(site: Site, url: string): Promise<Buffer> {
  const res = await fetch(url.startsWith('/') ? `${site.url}${url}` : url);
  expect({ url, status: res.status }).toEqual({ url, status: 200 });
  return Buffer.from(await res.arrayBuffer());
}

/** The file object the Content Manager's Blocks editor writes for an image (absolute URL, as the editor prefixes it). */
const blocksImage = (site: Site, f: Upload) => ({
  name: f.name,
  alternativeText: 'A diagram',
  url: `${site.url}${f.url}`,
  caption: null,
  width: f.width ?? 1,
  height: f.height ?? 1,
  formats: f.formats ?? null,
  hash: f.hash,
  ext: f.ext,
  mime: f.mime,
  size: f.size,
  previewUrl: null,
  provider: f.provider ?? 'local',
  provider_metadata: null,
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
});

const paragraph = (...children: unknown[]) => ({ type: 'paragraph', children });
const text = (t: string) => ({ type: 'text', text: t });
const populate = '?populate=*';
const localUploads = async () =>
  expectStatus(await C.request('GET', '/api/upload/files', undefined, { token: C.fullAccessToken }), 'files on C').body as Upload[];

beforeAll(async () => {
  trap = http.createServer((req, res) => {
    trapHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(pngOf('trap'));
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  [P, C] = await startSites([{ name: 'inline-producer' }, { name: 'inline-consumer' }]);
  l = await link(P, C, [{ contentType: ARTICLE, useSameName: true }], { linkRule: { from: `${P.url}/blog`, to: `${C.url}/news` } });
  await setStatus(l, { [ARTICLE]: 'Approved' });
});

afterAll(async () => {
  await stopAll();
  await new Promise<void>((r) => trap.close(() => r()));
});

let article: { documentId: string };
let photo: Upload;
let sheet: Upload;
let diagram: Upload;

test('the link rule is stored on the Event Producer, validated, and shown', async () => {
  const saved = expectStatus(await C.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(saved.linkRule).toEqual({ from: `${P.url}/blog`, to: `${C.url}/news` });
  const body = { producerUrl: P.url, subscriptions: [{ contentType: ARTICLE, useSameName: true }] };
  const bad = await C.admin('PUT', `/event-streaming/producers/${l.producerId}`, {
    ...body,
    linkRule: { from: 'javascript:alert(1)', to: '/' },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/linkRule.from must be an http\(s\) URL/);
  const extra = await C.admin('PUT', `/event-streaming/producers/${l.producerId}`, { ...body, linkRule: { from: P.url, to: '/', x: 1 } });
  expect(extra.status).toBe(400);
  // Omitted on update: kept.
  expectStatus(await C.admin('PUT', `/event-streaming/producers/${l.producerId}`, body), 'update without linkRule');
  expect(expectStatus(await C.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data.linkRule).toEqual(
    saved.linkRule
  );
});

test('Markdown, Blocks and JSON images and file links arrive as copies on the consumer; producer links follow the rule', async () => {
  photo = await upload(P, 'photo.png', pngOf('photo'), 'image/png');
  sheet = await upload(P, 'sheet.txt', Buffer.from('price list\n'), 'text/plain');
  diagram = await upload(P, 'diagram.png', pngOf('diagram'), 'image/png');
  const content = [
    '# Spring catalogue',
    `![The photo](${P.url}${photo.url})`,
    `Download [the price list](${sheet.url}) or read [the blog](${P.url}/blog/spring?ref=1#top).`,
    'Elsewhere: [a partner](https://partner.example.org/blog/x) and `![code](/uploads/not-parsed.png)`.',
  ].join('\n\n');
  const story = [
    paragraph(text('See '), { type: 'link', url: `${P.url}/blog/diagrams`, children: [text('diagrams')] }),
    { type: 'image', image: blocksImage(P, diagram), children: [text('')] },
  ];
  const extra = { hero: photo.url, gallery: [`${P.url}${diagram.url}?w=300`], note: 'no url here' };
  article = expectStatus(await P.api('POST', '/articles', { data: { title: 'Inline', content, story, extra } }), 'article').body.data;
  await pullNow(l);
  const local = await eventually(() => getDoc(C, 'articles', article.documentId, populate), 'article on C');

  const uploads = await localUploads();
  const copyOf = (name: string) => uploads.find((u) => u.name === name)!;
  const [photoC, sheetC, diagramC] = [copyOf('photo.png'), copyOf('sheet.txt'), copyOf('diagram.png')];
  expect([photoC, sheetC, diagramC].every(Boolean)).toBe(true);
  // Each file copied once, however many times it is written.
  expect(uploads.filter((u) => u.name === 'photo.png')).toHaveLength(1);

  expect(local.content).toBe(
    [
      '# Spring catalogue',
      `![The photo](${C.url}${photoC.url})`,
      `Download [the price list](${sheetC.url}) or read [the blog](${C.url}/news/spring?ref=1#top).`,
      'Elsewhere: [a partner](https://partner.example.org/blog/x) and `![code](/uploads/not-parsed.png)`.',
    ].join('\n\n')
  );
  expect(local.story[0].children[1]).toEqual({ type: 'link', url: `${C.url}/news/diagrams`, children: [text('diagrams')] });
  expect(local.story[1].image).toMatchObject({ url: `${C.url}${diagramC.url}`, hash: diagramC.hash, alternativeText: 'A diagram' });
  expect(local.extra).toEqual({ hero: photoC.url, gallery: [`${C.url}${diagramC.url}?w=300`], note: 'no url here' });

  // The copies hold the producer's bytes.
  expect((await bytesAt(C, photoC.url)).equals(await bytesAt(P, photo.url))).toBe(true);
  expect((await bytesAt(C, diagramC.url)).equals(await bytesAt(P, diagram.url))).toBe(true);
  expect((await bytesAt(C, sheetC.url)).toString()).toBe('price list\n');
  const entry = (await syncLogs(C)).data.find((e: { remoteDocumentId: string }) => e.remoteDocumentId === article.documentId);
  expect(entry).toMatchObject({ status: 'Synced' });
});

test('an update that changes the inline images brings the new ones; the ones kept are not copied again', async () => {
  const banner = await upload(P, 'banner.png', pngOf('banner'), 'image/png');
  const before = (await localUploads()).length;
  const content = `![Banner](${banner.url})\n\n![The photo again](${P.url}${photo.url})`;
  expectStatus(
    await P.api('PUT', `/articles/${article.documentId}`, {
      data: { content, story: [{ type: 'image', image: blocksImage(P, banner), children: [text('')] }] },
    }),
    'update'
  );
  await pullNow(l);
  const local = await eventually(async () => {
    const d = await getDoc(C, 'articles', article.documentId, populate);
    return d?.content?.includes('Banner') ? d : null;
  }, 'updated article on C');
  const uploads = await localUploads();
  expect(uploads).toHaveLength(before + 1);
  const bannerC = uploads.find((u) => u.name === 'banner.png')!;
  const photoC = uploads.find((u) => u.name === 'photo.png')!;
  expect(local.content).toBe(`![Banner](${bannerC.url})\n\n![The photo again](${C.url}${photoC.url})`);
  expect(local.story[0].image.url).toBe(`${C.url}${bannerC.url}`);
  expect((await bytesAt(C, bannerC.url)).equals(await bytesAt(P, banner.url))).toBe(true);
  // JSON not in the update: left as it was.
  expect(local.extra.hero).toBe(photoC.url);
});

test('URLs that are not the producer’s uploads are fetched by nobody and left as written', async () => {
  const content = [
    `![trap](${trapUrl}/uploads/${photo.hash}${photo.ext})`,
    `![traversal](/uploads/../../package.json)`,
    `![not an upload](/uploads/nothing_here.png)`,
    `[consumer admin](${C.url}/admin)`,
  ].join('\n');
  const doc = expectStatus(
    await P.api('POST', '/articles', { data: { title: 'Hostile links', content, extra: { x: `${trapUrl}/a.png` } } }),
    'article'
  ).body.data;
  const before = (await localUploads()).length;
  await pullNow(l);
  const local = await eventually(() => getDoc(C, 'articles', doc.documentId), 'hostile-links article on C');
  expect(local.content).toBe(content);
  expect(local.extra).toEqual({ x: `${trapUrl}/a.png` });
  expect((await localUploads()).length).toBe(before);
  expect(trapHits).toEqual([]);

  // The producer serves a file only through a document that references it (here: not this one).
  const site = expectStatus(await C.admin('GET', '/event-streaming/site'), 'site').body.data.siteId as string;
  const via = encodeURIComponent(JSON.stringify([[ARTICLE, doc.documentId, 'en']]));
  const refused = await P.request('GET', `/api/event-streaming/files/${photo.documentId}?via=${via}`, undefined, {
    token: l.token,
    headers: { 'x-event-streaming-site': site },
  });
  expect(refused.status).toBe(403);
  const listed = await P.request('GET', `/api/event-streaming/documents/${ARTICLE}/${doc.documentId}?locale=en&inline=only`, undefined, {
    token: l.token,
    headers: { 'x-event-streaming-site': site },
  });
  expect(expectStatus(listed, 'inline=only').body).toEqual({ inline: [] });
});

describe('a hostile producer', () => {
  let fake: FakeProducer;
  beforeAll(async () => {
    fake = await startFakeProducer({
      siteId: '0f0f0f0f-dead-beef-0000-0000000000a1',
      token: 'fake-inline-token-0123456789abcdef',
      approved: [ARTICLE],
    });
    await fake.attach(C, [ARTICLE]);
  });
  afterAll(() => fake.close());

  test('gets nothing fetched from an inline URL it claims; only what its document holds is copied, from its file endpoint', async () => {
    const docId = 'hostileinline000000000001';
    const claimed = `${trapUrl}/uploads/claimed.png`;
    const content = `![claimed](${claimed}) ![other](${trapUrl}/other.png)`;
    const fileRef = (id: string) => ({ __file: id, hash: id, name: `${id}.png`, url: `/uploads/${id}.png`, mime: 'image/png' });
    fake.publishInline(
      ARTICLE,
      docId,
      [
        { url: claimed, format: '', file: fileRef('fakefile1') },
        // Not in the document: never downloaded.
        { url: '/uploads/secret.png', format: '', file: fileRef('fakesecret') },
      ],
      'en'
    );
    fake.serveFile('fakefile1', pngOf('fake'), 'image/png');
    fake.push({ updateType: 'Create', contentType: ARTICLE, documentId: docId, locale: 'en', data: { title: 'From the fake', content } });
    const producerId = expectStatus(await C.admin('GET', '/event-streaming/producers'), 'producers').body.data.find(
      (p: { producerUrl: string }) => p.producerUrl === fake.url
    ).id;
    expectStatus(await C.admin('POST', `/event-streaming/producers/${producerId}/pull`), 'pull the fake');
    const local = await eventually(() => getDoc(C, 'articles', docId), 'fake article on C');
    const uploads = await localUploads();
    const copy = uploads.find((u) => u.name === 'fakefile1.png')!;
    expect(local.content).toBe(`![claimed](${C.url}${copy.url}) ![other](${trapUrl}/other.png)`);
    // The fake's bytes, as this site's upload plugin stores a PNG (it may re-encode it).
    expect((await bytesAt(C, copy.url)).subarray(0, 8).equals(PNG.subarray(0, 8))).toBe(true);
    const files = fake.seen.filter((r) => r.path.startsWith('/api/event-streaming/files/')).map((r) => r.path);
    expect(files).toEqual(['/api/event-streaming/files/fakefile1']);
    expect(trapHits).toEqual([]);
  });
});

test('with the producer stopped, the synced article’s Markdown and Blocks images still load from the consumer', async () => {
  const local = await getDoc(C, 'articles', article.documentId, populate);
  const photoC = (await localUploads()).find((u) => u.name === 'photo.png')!;
  const expected = {
    banner: await bytesAt(C, local.story[0].image.url),
    photo: await bytesAt(P, photo.url),
  };
  await P.stop();
  const markdownImages = [...String(local.content).matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  expect(markdownImages).toHaveLength(2);
  expect(markdownImages.every((u) => u.startsWith('/uploads/') || u.startsWith(`${C.url}/uploads/`))).toBe(true);
  expect((await bytesAt(C, markdownImages[1])).equals(expected.photo)).toBe(true);
  expect(markdownImages[1]).toBe(`${C.url}${photoC.url}`);
  expect((await bytesAt(C, local.story[0].image.url)).equals(expected.banner)).toBe(true);
  await bytesAt(C, markdownImages[0]);
});
