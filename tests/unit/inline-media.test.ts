/**
 * Issue 15 (4): the inline media / link engine (server/src/engine/inline-media.ts), Strapi-free.
 */
import {
  applyLinkRule,
  collectInline,
  inlineUrls,
  keptSuffix,
  localUrlFor,
  matchUpload,
  rewriteInline,
  uploadKeys,
  type InlineRewriter,
  type LinkRule,
} from '../../server/src/engine/inline-media';
import type { ModelDef } from '../../server/src/engine/schema';

const P = 'https://producer.example';
const C = 'https://consumer.example';
const S3 = 'https://bucket.s3.eu-west-1.amazonaws.com';

/** The producer's uploads in these tests: URL (without query) -> local copy URL. */
const COPIES: Record<string, string> = {
  '/uploads/photo_abc123.png': '/uploads/photo_local1.png',
  [`${P}/uploads/photo_abc123.png`]: `${C}/uploads/photo_local1.png`,
  [`${S3}/media/chart_x9.jpg`]: '/uploads/chart_local2.jpg',
  '/uploads/doc_1.pdf': '/uploads/doc_local3.pdf',
};
const RULE: LinkRule = { from: `${P}/blog`, to: `${C}/news` };

const rewriter = (rule: LinkRule | null = RULE): InlineRewriter => ({
  upload: (url) => {
    const base = url.replace(/[?#].*$/, '');
    const copy = COPIES[base];
    return copy
      ? { url: copy + keptSuffix(url), image: { url: copy, name: 'copy', hash: 'local', formats: { thumbnail: { url: '/t.png' } } } }
      : null;
  },
  link: (url) => applyLinkRule(rule, url),
});

const md = (text: string) => rewriteInline('richtext', text, rewriter());

describe('Markdown', () => {
  it('rewrites images and links to uploads, and links by the prefix rule', () => {
    const text = `# Title\n\n![A photo](${P}/uploads/photo_abc123.png)\n\nSee [the doc](/uploads/doc_1.pdf "Doc") and [the blog](${P}/blog/post-1?x=1#top).`;
    expect(md(text)).toBe(
      `# Title\n\n![A photo](${C}/uploads/photo_local1.png)\n\nSee [the doc](/uploads/doc_local3.pdf "Doc") and [the blog](${C}/news/post-1?x=1#top).`
    );
  });

  it('finds image vs link roles, angle brackets, balanced parentheses, nested image in a link', () => {
    const text = `[![inner](/uploads/photo_abc123.png)](${P}/blog/a) ![x](<${S3}/media/chart_x9.jpg>) [p](https://w.example/a_(1).png)`;
    expect(inlineUrls('richtext', text)).toEqual([
      { url: '/uploads/photo_abc123.png', role: 'image' },
      { url: `${P}/blog/a`, role: 'link' },
      { url: `${S3}/media/chart_x9.jpg`, role: 'image' },
      { url: 'https://w.example/a_(1).png', role: 'link' },
    ]);
    expect(md(text)).toBe(
      `[![inner](/uploads/photo_local1.png)](${C}/news/a) ![x](</uploads/chart_local2.jpg>) [p](https://w.example/a_(1).png)`
    );
  });

  it('leaves code alone: fenced blocks and inline code spans', () => {
    const text = [
      '```md',
      '![example](/uploads/photo_abc123.png)',
      '```',
      'Inline `![e](/uploads/photo_abc123.png)` and ``a ` ![e](/uploads/doc_1.pdf)``',
      '![real](/uploads/photo_abc123.png)',
    ].join('\n');
    const out = md(text) as string;
    expect(out.split('\n').slice(0, 4)).toEqual(text.split('\n').slice(0, 4));
    expect(out.split('\n')[4]).toBe('![real](/uploads/photo_local1.png)');
  });

  it('reference definitions, autolinks and HTML attributes', () => {
    const text = `[logo]: /uploads/photo_abc123.png\n<${P}/blog/x>\n<img src="${S3}/media/chart_x9.jpg?width=300" alt=""> <a href='${P}/blogger'>no</a>`;
    expect(md(text)).toBe(
      `[logo]: /uploads/photo_local1.png\n<${C}/news/x>\n<img src="/uploads/chart_local2.jpg?width=300" alt=""> <a href='${P}/blogger'>no</a>`
    );
  });

  it('rewrites nothing that is not the producer: other hosts, look-alike prefixes, escaped brackets, images by the link rule', () => {
    const text = `![a](https://evil.example/uploads/photo_abc123.png) [b](${P}/blogx/1) \\[c](/uploads/doc_1.pdf) ![d](${P}/blog/pic.png) [e](mailto:x@y.z) [f](#top)`;
    expect(md(text)).toBe(text);
  });

  it('signed query strings are dropped, others and fragments kept', () => {
    expect(keptSuffix(`${S3}/a.png?X-Amz-Signature=abc&X-Amz-Expires=60`)).toBe('');
    expect(keptSuffix(`${S3}/a.png?w=300#f`)).toBe('?w=300#f');
    expect(md(`![s](${S3}/media/chart_x9.jpg?X-Amz-Signature=1)`)).toBe('![s](/uploads/chart_local2.jpg)');
  });
});

describe('Markdown from a hostile producer', () => {
  it('adversarial texts are scanned in (near) linear time and yield at most MAX_INLINE_URLS URLs', () => {
    const texts = [
      ']('.repeat(100_000),
      '['.repeat(100_000) + '](x)',
      '](' + '('.repeat(200_000),
      'a`'.repeat(100_000),
      '```\n'.repeat(50_000),
      'src="'.repeat(50_000),
      '![a](/uploads/x.png)'.repeat(20_000),
    ];
    const started = Date.now();
    for (const text of texts) expect(inlineUrls('richtext', text).length).toBeLessThanOrEqual(2000);
    // Quadratic scans took minutes on these; linear ones take well under a second each.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('Blocks', () => {
  const blocks = [
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'Hello ' },
        { type: 'link', url: `${P}/blog/a`, children: [{ type: 'text', text: 'blog' }] },
      ],
    },
    {
      type: 'list',
      format: 'unordered',
      children: [
        {
          type: 'list-item',
          children: [{ type: 'link', url: '/uploads/doc_1.pdf', children: [{ type: 'text', text: 'pdf' }] }],
        },
      ],
    },
    {
      type: 'image',
      image: { url: `${P}/uploads/photo_abc123.png`, name: 'photo.png', alternativeText: 'Alt kept', caption: null, hash: 'photo_abc123' },
      children: [{ type: 'text', text: '' }],
    },
    { type: 'image', image: { url: 'https://elsewhere.example/a.png', name: 'a.png' }, children: [{ type: 'text', text: '' }] },
  ];

  it('finds image and link nodes at any depth', () => {
    expect(inlineUrls('blocks', blocks)).toEqual([
      { url: `${P}/blog/a`, role: 'link' },
      { url: '/uploads/doc_1.pdf', role: 'link' },
      { url: `${P}/uploads/photo_abc123.png`, role: 'image' },
      { url: 'https://elsewhere.example/a.png', role: 'image' },
    ]);
  });

  it('replaces an image node file object with the copy, keeping alt text and caption; rewrites links', () => {
    const out = rewriteInline('blocks', blocks, rewriter()) as typeof blocks;
    expect((out[0].children as any[])[1].url).toBe(`${C}/news/a`);
    expect((out[1].children as any[])[0].children[0].url).toBe('/uploads/doc_local3.pdf');
    expect(out[2].image).toEqual({
      url: `${C}/uploads/photo_local1.png`,
      name: 'copy',
      hash: 'local',
      formats: { thumbnail: { url: '/t.png' } },
      previewUrl: null,
      provider_metadata: null,
      alternativeText: 'Alt kept',
      caption: null,
    });
    expect(out[3]).toBe(blocks[3]); // not the producer's: the same object
    expect(blocks[2].image.url).toBe(`${P}/uploads/photo_abc123.png`); // the input is not mutated
  });

  it('gives back the same value when nothing changes', () => {
    const plain = [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }];
    expect(rewriteInline('blocks', plain, rewriter())).toBe(plain);
  });
});

describe('JSON', () => {
  it('rewrites string values that are upload URLs, at any depth; never keys or other strings', () => {
    const json = {
      hero: `${S3}/media/chart_x9.jpg`,
      gallery: ['/uploads/photo_abc123.png?v=2', 'not a url /uploads/photo_abc123.png'],
      '/uploads/doc_1.pdf': 'key stays',
      link: `${P}/blog/a`,
      n: 3,
    };
    expect(rewriteInline('json', json, rewriter())).toEqual({
      hero: '/uploads/chart_local2.jpg',
      gallery: ['/uploads/photo_local1.png?v=2', 'not a url /uploads/photo_abc123.png'],
      '/uploads/doc_1.pdf': 'key stays',
      link: `${P}/blog/a`, // the link rule is for rich text and Blocks links
      n: 3,
    });
  });
});

describe('collectInline', () => {
  const MODELS: Record<string, ModelDef> = {
    'api::a.a': {
      uid: 'api::a.a',
      attributes: {
        body: { type: 'richtext' },
        story: { type: 'blocks' },
        meta: { type: 'json' },
        title: { type: 'string' },
        seo: { type: 'component', component: 'c.seo' },
        zone: { type: 'dynamiczone', components: ['c.seo'] },
      },
    },
    'c.seo': { uid: 'c.seo', attributes: { text: { type: 'richtext' } } },
  };
  const schema = { model: (uid: string) => MODELS[uid] };

  it('collects from rich text, Blocks, JSON, components and allowed zone entries only', () => {
    const found = collectInline(schema, 'api::a.a', {
      body: '![a](/uploads/1.png)',
      story: [{ type: 'image', image: { url: '/uploads/2.png' }, children: [] }],
      meta: { x: '/uploads/3.png' },
      title: '![no](/uploads/string-field.png)',
      seo: { text: '[d](/uploads/4.pdf)' },
      zone: [
        { __component: 'c.seo', text: '![z](/uploads/5.png)' },
        { __component: 'c.other', text: '![z](/uploads/6.png)' },
      ],
      unknown: '![u](/uploads/7.png)',
    }).map((f) => f.url);
    expect(found).toEqual(['/uploads/1.png', '/uploads/2.png', '/uploads/3.png', '/uploads/4.pdf', '/uploads/5.png']);
  });
});

describe('the link rule', () => {
  it('matches at a boundary only', () => {
    const rule = { from: 'https://shop.example', to: 'https://branch.example' };
    expect(applyLinkRule(rule, 'https://shop.example')).toBe('https://branch.example');
    expect(applyLinkRule(rule, 'https://shop.example/p?q=1')).toBe('https://branch.example/p?q=1');
    expect(applyLinkRule(rule, 'https://shop.example.evil.com/p')).toBeNull();
    expect(applyLinkRule({ from: 'https://shop.example/', to: '/' }, 'https://shop.example/x')).toBe('/x');
    expect(applyLinkRule(null, 'https://shop.example/x')).toBeNull();
  });
});

describe('producer: recognising its own upload URLs', () => {
  const own = ['http://127.0.0.1:1337', P];
  const local = { url: '/uploads/photo_abc123.png', formats: { thumbnail: { url: '/uploads/thumbnail_photo_abc123.png' } } };
  const s3 = { url: `${S3}/media/chart_x9.jpg`, formats: null };

  it('a local file by path or by an absolute URL of this site; a format by its URL', () => {
    expect(matchUpload('/uploads/photo_abc123.png', local, own)).toBe('');
    expect(matchUpload(`${P}/uploads/photo_abc123.png?w=1#x`, local, own)).toBe('');
    expect(matchUpload('http://127.0.0.1:1337/uploads/thumbnail_photo_abc123.png', local, own)).toBe('thumbnail');
    expect(uploadKeys('/uploads/thumbnail_photo_abc123.png', own)?.hashes).toEqual(['thumbnail_photo_abc123', 'photo_abc123']);
  });

  it('a provider file by its absolute URL (query strings ignored)', () => {
    expect(matchUpload(`${S3}/media/chart_x9.jpg?X-Amz-Signature=zz`, s3, own)).toBe('');
  });

  it('nothing else: another host with the same path, traversal, non-http schemes, a bucket look-alike', () => {
    expect(matchUpload('https://evil.example/uploads/photo_abc123.png', local, own)).toBeNull();
    expect(matchUpload('/uploads/../uploads/photo_abc123.png', local, own)).toBeNull();
    expect(matchUpload('file:///uploads/photo_abc123.png', local, own)).toBeNull();
    expect(matchUpload('//producer.example/uploads/photo_abc123.png', local, own)).toBeNull();
    expect(matchUpload(`${S3}.evil.com/media/chart_x9.jpg`, s3, own)).toBeNull();
  });
});

describe('consumer: the URL written for a copy', () => {
  const copy = { url: '/uploads/p_local.png', formats: { small: '/uploads/small_p_local.png' }, image: {} };
  it('keeps the form the producer used (absolute stays absolute) and picks the format', () => {
    expect(localUrlFor('/uploads/p.png', '', copy, C)).toBe('/uploads/p_local.png');
    expect(localUrlFor(`${P}/uploads/p.png#a`, '', copy, C)).toBe(`${C}/uploads/p_local.png#a`);
    expect(localUrlFor(`${P}/uploads/small_p.png`, 'small', copy, C)).toBe(`${C}/uploads/small_p_local.png`);
    expect(localUrlFor(`${P}/uploads/medium_p.png`, 'medium', copy, null)).toBe('/uploads/p_local.png');
    expect(localUrlFor('/uploads/p.png', '', { ...copy, url: `${S3}/p_local.png` }, C)).toBe(`${S3}/p_local.png`);
  });
});
