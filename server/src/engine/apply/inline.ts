import { ApplyError, NeedsNetworkError } from '../errors';
import { DOC_ID_RE } from '../refs';
import { applyLinkRule, collectInline, isUploadCandidate, localUrlFor, type InlineRewriter, type LocalCopy } from '../inline-media';
import type { DocRef, FileRef } from '../snapshot';
import type { EventBudget } from './budget';
import type { ApplyPorts } from './ports';

/** One upload a producer's document references inline, as the producer lists it (GET /documents/…?inline=only). */
export interface InlineFile {
  /** The URL exactly as written in the document. */
  url: string;
  /** The format it names ('' for the file itself; `thumbnail`, `small`, …). */
  format: string;
  file: FileRef;
}

/** The inline uploads met while preparing one event: URL as written -> its local copy. */
export interface InlineCopies {
  byUrl: Map<string, { key: string; format: string }>;
  copies: Map<string, LocalCopy>;
}

export const emptyInline = (): InlineCopies => ({ byUrl: new Map(), copies: new Map() });

const FORMAT_RE = /^[A-Za-z0-9_-]{0,64}$/;

/** Whether an entry of the producer's list is well-formed (the producer is not trusted). */
export const isInlineFile = (v: unknown): v is InlineFile => {
  if (typeof v !== 'object' || v === null) return false;
  const x = v as Record<string, unknown>;
  const f = x.file as Record<string, unknown> | null;
  return (
    typeof x.url === 'string' &&
    x.url.length <= 2048 &&
    typeof x.format === 'string' &&
    FORMAT_RE.test(x.format) &&
    typeof f === 'object' &&
    f !== null &&
    typeof f.__file === 'string' &&
    DOC_ID_RE.test(f.__file)
  );
};

/**
 * Inline media of one document's data (local shape, model `localUid`), reached through `via`
 * (ending at it): when its rich-text, Blocks or JSON fields hold URLs that could be uploads, the
 * producer is asked which of them are its uploads; each one this data holds is counted in the
 * event's file budget and transferred like a media file (`fileFor`: reused, or downloaded through
 * the producer's file endpoint — never from the URL itself), and its local copy recorded in `found`.
 * A URL the producer does not list is left as written. `offline`: NeedsNetworkError when anything
 * would be asked.
 */
export async function carryInline(
  ports: ApplyPorts,
  localUid: string,
  data: unknown,
  via: DocRef[],
  ctx: { offline: boolean; budget: EventBudget; found: InlineCopies; fileFor(f: FileRef): Promise<number> }
): Promise<void> {
  if (!ports.inlineFiles || !ports.fileCopy) return;
  const wanted = new Set(
    collectInline(ports, localUid, data)
      .map((f) => f.url)
      .filter((u) => isUploadCandidate(u) && !ctx.found.byUrl.has(u))
  );
  if (!wanted.size) return;
  const at = via[via.length - 1];
  if (ctx.offline) throw new NeedsNetworkError(`inline files of ${at.__ref} ${at.documentId}`);
  for (const item of await ports.inlineFiles(via)) {
    if (!wanted.has(item.url)) continue; // only what this data holds is carried
    const key = item.file.__file;
    ctx.budget.file(key);
    if (!ctx.found.copies.has(key)) {
      const id = await ctx.fileFor(item.file);
      const copy = await ports.fileCopy(id);
      if (!copy) throw new ApplyError(`The local copy of file ${key} vanished while it was being used`);
      ctx.found.copies.set(key, copy);
    }
    ctx.found.byUrl.set(item.url, { key, format: item.format });
    wanted.delete(item.url);
  }
}

/**
 * The rewrite of one event's rich-text, Blocks and JSON values: URLs of uploads carried to their
 * local copies, links by the producer's link rule. null when there is nothing to rewrite.
 */
export function inlineRewriter(ports: ApplyPorts, found: InlineCopies | undefined): InlineRewriter | null {
  const rule = ports.inline?.linkRule ?? null;
  const origin = ports.inline?.siteOrigin ?? null;
  if (!rule && !found?.byUrl.size) return null;
  return {
    upload(url) {
      const hit = found?.byUrl.get(url);
      const copy = hit ? found?.copies.get(hit.key) : undefined;
      return hit && copy ? { url: localUrlFor(url, hit.format, copy, origin), image: copy.image } : null;
    },
    link: (url) => applyLinkRule(rule, url),
  };
}
