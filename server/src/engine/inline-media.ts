/**
 * Inline media and links (issue 15, point 4): upload URLs written inside rich text (Markdown),
 * Blocks and JSON fields, found and rewritten. Strapi-free; both sides use it — the producer to
 * list the uploads a document references inline (and to serve only those), the consumer to find
 * the URLs to ask about and to rewrite them to its own copies.
 *
 * WHAT COUNTS AS A URL
 * - Markdown (`richtext`): inline links and images `[t](url "title")`, `![alt](<url>)` (balanced
 *   parentheses allowed), reference definitions `[id]: url`, autolinks `<https://…>`, and the
 *   `src` / `href` attributes of HTML written in it. Nothing inside fenced code blocks or inline
 *   code spans: an example in code is text.
 * - Blocks: `image` nodes (their `image.url`; the whole file object is replaced) and `link`
 *   nodes (`url`), at any depth of `children`.
 * - JSON: any string value that is a URL as a whole (keys are never touched).
 *
 * INVARIANTS
 * 1. A rewrite changes only the URL substrings it was given a replacement for: every other byte
 *    of the text, node or JSON value is kept (same object back when nothing changed).
 * 2. An upload rewrite wins over the link rule; the link rule applies to links only (Markdown
 *    links, reference definitions, autolinks, `href`, Blocks link nodes), never to images.
 * 3. The link rule rewrites a URL only when it starts with `from` at a boundary (`from` ends with
 *    `/`, or the next character is `/`, `?`, `#` or the end): `https://shop.example` never
 *    matches `https://shop.example.evil.com`.
 * 4. Bounded: at most MAX_INLINE_URLS occurrences per value, MAX_DEPTH levels of nesting.
 */
import { markdownSpans, MAX_INLINE_URLS, type UrlRole } from './inline-markdown';
import type { AttributeDef, ModelDef } from './schema';
import { fieldKind } from './schema';

export type { UrlRole } from './inline-markdown';

export type InlineKind = 'richtext' | 'blocks' | 'json';

/** One URL found in a field value. */
export interface FoundUrl {
  url: string;
  role: UrlRole;
}

/** The local copy of an upload, as a rewrite needs it. */
export interface LocalCopy {
  /** The copy's URL as its upload row holds it (relative `/uploads/…` for the local provider). */
  url: string;
  /** Format name -> URL (thumbnail, small, …) of the copy, when it has them. */
  formats: Record<string, string>;
  /** The file object a Blocks image node holds (name, url, formats, hash, mime, …). */
  image: Record<string, unknown>;
}

/** A replacement for an upload URL found in the text; null: not an upload of the producer. */
export type UploadLookup = (url: string) => { url: string; image: Record<string, unknown> } | null;

/** Links to the producer's public URL: `from` prefix -> `to` prefix. */
export interface LinkRule {
  from: string;
  to: string;
}

export interface InlineRewriter {
  upload: UploadLookup;
  link(url: string): string | null;
}

export { MAX_INLINE_URLS } from './inline-markdown';
const MAX_DEPTH = 64;

export const inlineKindOf = (attr: AttributeDef | undefined): InlineKind | null =>
  attr?.type === 'richtext' || attr?.type === 'blocks' || attr?.type === 'json' ? attr.type : null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `url` could name an upload: absolute http(s), or a path of this site (`/…`, not `//…`). */
export const isUploadCandidate = (url: string): boolean => /^https?:\/\/[^\s]+$/i.test(url) || /^\/(?!\/)\S*$/.test(url);

// ---------------------------------------------------------------- Finding

/** The URLs written in one field value of `kind`, in order. */
export function inlineUrls(kind: InlineKind, value: unknown): FoundUrl[] {
  const out: FoundUrl[] = [];
  if (kind === 'richtext') {
    if (typeof value === 'string') for (const s of markdownSpans(value)) out.push({ url: value.slice(s.start, s.end), role: s.role });
  } else if (kind === 'blocks') {
    walkBlocks(value, 0, out);
  } else {
    walkJson(value, 0, out);
  }
  return out.slice(0, MAX_INLINE_URLS);
}

function walkBlocks(value: unknown, depth: number, out: FoundUrl[]): void {
  if (depth > MAX_DEPTH || out.length >= MAX_INLINE_URLS) return;
  if (Array.isArray(value)) {
    for (const v of value) walkBlocks(v, depth + 1, out);
    return;
  }
  if (!isObject(value)) return;
  if (value.type === 'image' && isObject(value.image) && typeof value.image.url === 'string')
    out.push({ url: value.image.url, role: 'image' });
  if (value.type === 'link' && typeof value.url === 'string') out.push({ url: value.url, role: 'link' });
  if (Array.isArray(value.children)) walkBlocks(value.children, depth + 1, out);
}

function walkJson(value: unknown, depth: number, out: FoundUrl[]): void {
  if (depth > MAX_DEPTH || out.length >= MAX_INLINE_URLS) return;
  if (typeof value === 'string') {
    if (isUploadCandidate(value)) out.push({ url: value, role: 'image' });
  } else if (Array.isArray(value)) {
    for (const v of value) walkJson(v, depth + 1, out);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) walkJson(v, depth + 1, out);
  }
}

/**
 * Every URL written in the rich-text, Blocks and JSON fields of `data` (a document of model `uid`,
 * snapshot shape), through components and dynamic zones. Only attributes the model owns count.
 */
export function collectInline(schema: { model(uid: string): ModelDef | undefined }, uid: string, data: unknown, depth = 0): FoundUrl[] {
  const model = schema.model(uid);
  if (!model || !isObject(data) || depth > 10) return [];
  const out: FoundUrl[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (!Object.hasOwn(model.attributes, name)) continue;
    const attr = model.attributes[name];
    const inline = inlineKindOf(attr);
    const kind = fieldKind(name, attr);
    if (inline && kind === 'scalar') out.push(...inlineUrls(inline, value));
    else if (kind === 'component') {
      for (const v of Array.isArray(value) ? value : [value]) out.push(...collectInline(schema, attr.component!, v, depth + 1));
    } else if (kind === 'dynamiczone' && Array.isArray(value)) {
      for (const v of value) {
        const c =
          isObject(v) && typeof v.__component === 'string' && (attr.components ?? []).includes(v.__component) ? v.__component : null;
        if (c) out.push(...collectInline(schema, c, v, depth + 1));
      }
    }
    if (out.length >= MAX_INLINE_URLS) break;
  }
  return out.slice(0, MAX_INLINE_URLS);
}

// ---------------------------------------------------------------- Rewriting

/** The replacement of one URL occurrence, or null to keep it (invariant 2). */
const replacementOf = (rw: InlineRewriter, url: string, role: UrlRole): string | null =>
  rw.upload(url)?.url ?? (role === 'link' ? rw.link(url) : null);

/** One field value of `kind` with its URLs rewritten (the same value when nothing changed). */
export function rewriteInline(kind: InlineKind, value: unknown, rw: InlineRewriter): unknown {
  if (kind === 'richtext') {
    if (typeof value !== 'string') return value;
    // One pass, pieces joined once (a long text with many URLs is not copied per URL).
    const pieces: string[] = [];
    let at = 0;
    for (const s of markdownSpans(value)) {
      const next = replacementOf(rw, value.slice(s.start, s.end), s.role);
      if (next === null || s.start < at) continue;
      pieces.push(value.slice(at, s.start), next);
      at = s.end;
    }
    return pieces.length ? pieces.join('') + value.slice(at) : value;
  }
  if (kind === 'blocks') return rewriteBlocks(value, rw, 0);
  return rewriteJson(value, rw, 0);
}

function rewriteBlocks(value: unknown, rw: InlineRewriter, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const next = value.map((v) => rewriteBlocks(v, rw, depth + 1));
    return next.some((v, i) => v !== value[i]) ? next : value;
  }
  if (!isObject(value)) return value;
  let node = value;
  if (node.type === 'image' && isObject(node.image) && typeof node.image.url === 'string') {
    const copy = rw.upload(node.image.url);
    // The editor's own words (alternative text, caption) stay; the file is the local copy.
    // What the copy lacks (a required width of a file not sniffed as an image) stays as it was.
    if (copy) {
      const { alternativeText, caption } = node.image;
      const known = Object.entries(copy.image).filter(([, v]) => v !== null && v !== undefined);
      node = {
        ...node,
        image: {
          ...node.image,
          formats: copy.image.formats ?? null,
          previewUrl: copy.image.previewUrl ?? null,
          provider_metadata: copy.image.provider_metadata ?? null,
          ...Object.fromEntries(known),
          url: copy.url,
          ...(alternativeText !== undefined ? { alternativeText } : {}),
          ...(caption !== undefined ? { caption } : {}),
        },
      };
    }
  }
  if (node.type === 'link' && typeof node.url === 'string') {
    const next = replacementOf(rw, node.url, 'link');
    if (next !== null) node = { ...node, url: next };
  }
  if (Array.isArray(node.children)) {
    const children = rewriteBlocks(node.children, rw, depth + 1);
    if (children !== node.children) node = { ...node, children };
  }
  return node;
}

function rewriteJson(value: unknown, rw: InlineRewriter, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === 'string') return isUploadCandidate(value) ? (rw.upload(value)?.url ?? value) : value;
  if (Array.isArray(value)) {
    const next = value.map((v) => rewriteJson(v, rw, depth + 1));
    return next.some((v, i) => v !== value[i]) ? next : value;
  }
  if (isObject(value)) {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      next[k] = rewriteJson(v, rw, depth + 1);
      if (next[k] !== v) changed = true;
    }
    return changed ? next : value;
  }
  return value;
}

/** Whether `url` starts with the rule's `from` at a boundary (invariant 3). */
export function applyLinkRule(rule: LinkRule | null | undefined, url: string): string | null {
  if (!rule || !rule.from || !url.startsWith(rule.from)) return null;
  const next = url[rule.from.length];
  if (!rule.from.endsWith('/') && next !== undefined && !'/?#'.includes(next)) return null;
  return rule.to + url.slice(rule.from.length);
}

// ---------------------------------------------------------------- Upload URLs

/** The part of a URL after its path: `?query` and `#fragment` ('' when none). */
export const suffixOf = (url: string): string => {
  const at = url.search(/[?#]/);
  return at === -1 ? '' : url.slice(at);
};

/** A URL without its query and fragment. */
export const baseOf = (url: string): string => url.slice(0, url.length - suffixOf(url).length);

/** Query parameters that sign a URL for one bucket: meaningless (and refused) on another. */
const SIGNED = /(^|[?&])(X-Amz-[A-Za-z-]+|Signature|Expires|Key-Pair-Id|Policy)=/i;

/** The suffix a rewritten URL keeps: the fragment always, the query unless it signs the producer's URL. */
export function keptSuffix(url: string): string {
  const suffix = suffixOf(url);
  const hash = suffix.indexOf('#');
  const query = hash === -1 ? suffix : suffix.slice(0, hash);
  const fragment = hash === -1 ? '' : suffix.slice(hash);
  return (SIGNED.test(query) ? '' : query) + fragment;
}

const originOf = (url: string): string | null => {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
};

/**
 * Producer side: what an inline URL may be in this site's upload table. `ownOrigins`: this
 * site's public origins (an absolute `https://this-site/uploads/x.png` is the local file
 * `/uploads/x.png`). Returns the `url` values to look for, and the `hash` values (a format's
 * file name is `<format>_<hash><ext>`), or null when the URL cannot be an upload here.
 */
export function uploadKeys(url: string, ownOrigins: string[]): { urls: string[]; hashes: string[] } | null {
  if (!isUploadCandidate(url) || url.length > 2048) return null;
  const base = baseOf(url);
  const urls = [base];
  const origin = originOf(base);
  if (origin && ownOrigins.includes(origin)) urls.push(base.slice(origin.length) || '/');
  const name = base.slice(base.lastIndexOf('/') + 1);
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  if (!stem) return { urls, hashes: [] };
  const hashes = [stem];
  const underscore = stem.indexOf('_');
  if (underscore > 0) hashes.push(stem.slice(underscore + 1));
  return { urls, hashes };
}

/**
 * Producer side: whether upload row `row` (its `url` and `formats`) is what `url` names; the
 * format's name ('' for the original file), or null.
 */
export function matchUpload(url: string, row: { url?: unknown; formats?: unknown }, ownOrigins: string[]): string | null {
  const keys = uploadKeys(url, ownOrigins);
  if (!keys) return null;
  if (typeof row.url === 'string' && keys.urls.includes(row.url)) return '';
  if (isObject(row.formats)) {
    for (const [name, f] of Object.entries(row.formats))
      if (isObject(f) && typeof f.url === 'string' && keys.urls.includes(f.url)) return name;
  }
  return null;
}

/**
 * Consumer side: the URL written for a local copy in place of the producer's `url` (of format
 * `format`, '' for the original): the copy's format URL when it has one, made absolute with
 * `siteOrigin` when the producer's URL was absolute and the copy's is a path, with the kept suffix.
 */
export function localUrlFor(url: string, format: string, copy: LocalCopy, siteOrigin: string | null): string {
  const local = (format && copy.formats[format]) || copy.url;
  const absolute = /^https?:\/\//i.test(url) && local.startsWith('/') && siteOrigin ? `${siteOrigin.replace(/\/+$/, '')}${local}` : local;
  return absolute + keptSuffix(url);
}
