/**
 * The Markdown side of inline media (inline-media.ts): where the URLs of a rich-text value are,
 * outside code. Strapi-free. Linear in the text whatever it holds (a producer is not trusted):
 * brackets are paired in one forward pass, code spans matched by backtick-run length, and every
 * destination and attribute value is bounded.
 */

export type UrlRole = 'image' | 'link';

/** Most URL occurrences read from one value. */
export const MAX_INLINE_URLS = 2000;

export interface Span {
  start: number;
  end: number;
  role: UrlRole;
}

/** Longest URL followed in Markdown: a destination longer than this is not one (bounds the scan). */
const MAX_URL = 4096;
/** Most `[` awaiting their `]` at once (deeper nesting is not a link anyone writes). */
const MAX_OPEN = 256;

/**
 * [start, end) ranges of fenced code blocks and inline code spans, sorted. Linear: backtick runs
 * are listed once and each is matched with the next run of the same length (CommonMark).
 */
function codeRanges(text: string): Array<[number, number]> {
  const fences: Array<[number, number]> = [];
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let m: RegExpExecArray | null;
  while ((m = fence.exec(text))) {
    const marker = m[1];
    const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'gm');
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(text);
    const end = c ? c.index + c[0].length : text.length;
    fences.push([m.index, end]);
    fence.lastIndex = Math.max(end, m.index + 1);
  }
  const runs: Array<[number, number]> = [];
  let f = 0;
  for (let i = text.indexOf('`'); i !== -1;) {
    let end = i + 1;
    while (text.charCodeAt(end) === 96) end += 1;
    while (f < fences.length && fences[f][1] <= i) f += 1;
    if (!(f < fences.length && fences[f][0] <= i)) runs.push([i, end - i]);
    i = text.indexOf('`', end);
  }
  const byLength = new Map<number, number[]>();
  runs.forEach(([, len], k) => {
    const list = byLength.get(len);
    if (list) list.push(k);
    else byLength.set(len, [k]);
  });
  const next = new Map<number, number>();
  const spans: Array<[number, number]> = [];
  for (let k = 0; k < runs.length;) {
    const [start, len] = runs[k];
    const list = byLength.get(len)!;
    let p = next.get(len) ?? 0;
    while (p < list.length && list[p] <= k) p += 1;
    next.set(len, p);
    if (p < list.length) {
      spans.push([start, runs[list[p]][0] + len]);
      k = list[p] + 1;
    } else {
      k += 1;
    }
  }
  return [...fences, ...spans].sort((a, b) => a[0] - b[0]);
}

/** Whether `i` is inside one of the sorted, non-overlapping `ranges` (binary search). */
function inRanges(ranges: Array<[number, number]>, i: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid][1] <= i) lo = mid + 1;
    else if (ranges[mid][0] > i) hi = mid - 1;
    else return true;
  }
  return false;
}

/** The destination after `](` at `i`: its [start, end) (inside `<…>` when bracketed), or null. */
function destinationAt(text: string, i: number): [number, number] | null {
  let p = i;
  while (text[p] === ' ' || text[p] === '\t') p += 1;
  if (text[p] === '\n') p += 1;
  while (text[p] === ' ' || text[p] === '\t') p += 1;
  if (text[p] === '<') {
    const close = text.indexOf('>', p + 1);
    if (close === -1 || close - p > MAX_URL || text.slice(p + 1, close).includes('\n')) return null;
    return close > p + 1 ? [p + 1, close] : null;
  }
  const start = p;
  let depth = 0;
  for (; p < text.length; p += 1) {
    if (p - start > MAX_URL) return null;
    const ch = text[p];
    if (ch === '\\' && p + 1 < text.length) {
      p += 1;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      break;
    } else if (ch === '(') {
      depth += 1;
    } else if (ch === ')') {
      if (depth === 0) break;
      depth -= 1;
    }
  }
  return p > start ? [start, p] : null;
}

/**
 * Every URL of a Markdown text with its position, outside code (see the header). Linear in the
 * text: one forward pass pairs each `]` with its `[`; regular expressions without unbounded
 * backtracking find the rest.
 */
export function markdownSpans(text: string): Span[] {
  const code = codeRanges(text);
  const spans: Span[] = [];
  const add = (start: number, end: number, role: UrlRole) => {
    if (spans.length < MAX_INLINE_URLS && end > start && !inRanges(code, start)) spans.push({ start, end, role });
  };
  const opens: number[] = [];
  let attempts = 0;
  for (let i = 0, c = 0; i < text.length; i += 1) {
    while (c < code.length && code[c][1] <= i) c += 1;
    if (c < code.length && code[c][0] <= i) {
      i = code[c][1] - 1; // skip the code
      continue;
    }
    const ch = text[i];
    if (ch === '\\') i += 1;
    else if (ch === '[') {
      if (opens.length < MAX_OPEN) opens.push(i);
    } else if (ch === ']') {
      const open = opens.pop();
      if (open === undefined || text[i + 1] !== '(' || attempts >= 2 * MAX_INLINE_URLS) continue;
      attempts += 1;
      const dest = destinationAt(text, i + 2);
      if (dest) add(dest[0], dest[1], text[open - 1] === '!' && text[open - 2] !== '\\' ? 'image' : 'link');
    }
  }
  let m: RegExpExecArray | null;
  const definition = /^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*(<[^>\n]{1,4096}>|\S{1,4096})/gm;
  while ((m = definition.exec(text))) {
    const raw = m[1];
    const start = m.index + m[0].length - raw.length;
    if (raw.startsWith('<')) add(start + 1, start + raw.length - 1, 'link');
    else add(start, start + raw.length, 'link');
  }
  const autolink = /<(https?:\/\/[^\s<>]{1,4096})>/gi;
  while ((m = autolink.exec(text))) add(m.index + 1, m.index + 1 + m[1].length, 'link');
  const attribute = /\b(src|href)[ \t]*=[ \t]*("([^"\n]{0,4096})"|'([^'\n]{0,4096})')/gi;
  while ((m = attribute.exec(text))) {
    const value = m[3] ?? m[4] ?? '';
    const start = m.index + m[0].length - 1 - value.length;
    add(start, start + value.length, m[1].toLowerCase() === 'src' ? 'image' : 'link');
  }
  // One span per position (an autolink is not also a link destination).
  const seen = new Set<number>();
  return spans.filter((s) => !seen.has(s.start) && (seen.add(s.start), true)).sort((a, b) => a.start - b.start);
}
