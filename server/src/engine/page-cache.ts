/**
 * A short-lived memory of the update log's pages (producer side, producer/update-log.ts `page`).
 * Strapi-free.
 *
 * Many consumers ask for the same page: every consumer poked after a change pulls (after, head],
 * and pollers at the head ask for the same few seqs. Without it a hundred consumers read the same
 * rows a hundred times (bench fan-out).
 *
 * INVARIANTS
 * - A page is keyed by everything its rows depend on: the log's epoch, `after`, `head`, the
 *   types, the count limit and the byte budget. Log rows at or below the head never change
 *   (the sequencer only appends above it), so a page read once is the page for that key.
 * - The exceptions are what takes rows away: pruning removes rows at or below `prunedThrough`,
 *   and no page after a pruned cursor is served (engine/cursor.ts `cursorCheck`); a restored
 *   database can put other rows under a seq seen before. A head lower than one seen before is
 *   that restore: the memory is emptied (`seeHead`). An entry also lives at most `ttlMs`, which
 *   bounds how long any change of rows nobody announced can be served from memory.
 * - Bounded: at most `maxEntries` pages and `maxChars` characters of data in all (a page larger
 *   than a quarter of that is not kept); the oldest go first.
 */
export interface PageCacheOptions {
  ttlMs: number;
  maxEntries: number;
  maxChars: number;
}

interface Entry<V> {
  value: V;
  chars: number;
  at: number;
}

export class PageCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private chars = 0;
  private highestHead = 0;
  private epoch: string | null = null;

  constructor(private readonly opts: PageCacheOptions) {}

  static key(p: { epoch: string; after: number; head: number; types: string[]; limit: number; maxChars: number | null }): string {
    return [p.epoch, p.after, p.head, [...p.types].sort().join(','), p.limit, p.maxChars ?? '-'].join('|');
  }

  /** Tells the cache the log's epoch and head as just read; a lower head or another epoch empties it. */
  seeHead(epoch: string, head: number): void {
    if (epoch !== this.epoch || head < this.highestHead) {
      this.clear();
      this.epoch = epoch;
      this.highestHead = head;
      return;
    }
    this.highestHead = head;
  }

  get(key: string, now = Date.now()): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now - e.at > this.opts.ttlMs) {
      this.drop(key, e);
      return undefined;
    }
    return e.value;
  }

  /** The largest page kept, in characters of data (a quarter of the whole). */
  get maxPageChars(): number {
    return this.opts.maxChars / 4;
  }

  set(key: string, value: V, chars: number, now = Date.now()): void {
    if (chars > this.maxPageChars) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, { value, chars, at: now });
    this.chars += chars;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.opts.maxEntries && this.chars <= this.opts.maxChars && now - e.at <= this.opts.ttlMs) break;
      this.drop(k, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }

  private drop(key: string, e: Entry<V>): void {
    this.entries.delete(key);
    this.chars -= e.chars;
  }
}
