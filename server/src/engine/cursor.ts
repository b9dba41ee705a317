import { InputError } from './errors';
import type { StreamEvent, SubscriptionStatus } from '../shared/contracts';

/**
 * Producer-side paging of the update log.
 *
 * INVARIANT (gap-free cursor): `seq` is assigned after commit by the sequencer (see
 * services/update-log.ts), one batch at a time under a lock, always above every seq assigned
 * before. So once a reader sees seq N, every seq below N is already visible: a reader that
 * reads `seq > after AND seq <= head` (head read first) can never pass an event that is still
 * to commit. The consumer's cursor is therefore a plain "everything up to here was scanned".
 */

export const MAX_CURSOR = 2 ** 31 - 1;

/** Parses a cursor from a query string. @throws InputError for anything but an integer in range. */
export function parseCursor(raw: unknown, field = 'after'): number {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === null || text === '') return 0;
  if (typeof text !== 'string' && typeof text !== 'number') throw new InputError(`${field} must be an integer`);
  const s = String(text);
  if (!/^\d{1,10}$/.test(s)) throw new InputError(`${field} must be a non-negative integer, got ${JSON.stringify(s).slice(0, 40)}`);
  const n = Number(s);
  if (n > MAX_CURSOR) throw new InputError(`${field} is out of range`);
  return n;
}

export function parseLimit(raw: unknown, max: number, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const s = String(Array.isArray(raw) ? raw[0] : raw);
  if (!/^\d{1,6}$/.test(s) || Number(s) < 1) throw new InputError('limit must be a positive integer');
  return Math.min(Number(s), max);
}

export interface ServedSubscription {
  contentType: string;
  status: SubscriptionStatus;
  unsubscribed: boolean;
  approvedAtSeq: number | null;
}

/** Content types a consumer may receive now: Approved and not unsubscribed. */
export const streamableTypes = (subs: ServedSubscription[]): string[] =>
  subs.filter((s) => s.status === 'Approved' && !s.unsubscribed).map((s) => s.contentType);

export interface PageInput {
  after: number;
  /** Highest visible seq, read before `rows`. */
  head: number;
  /** `seq > after AND seq <= head AND contentType IN streamableTypes`, ascending, at most `limit`. */
  rows: StreamEvent[];
  limit: number;
  subscriptions: ServedSubscription[];
  consumerSiteId: string;
}

export interface Page {
  events: StreamEvent[];
  nextCursor: number;
  hasMore: boolean;
}

/**
 * Cuts one page for a consumer. Events the consumer must not get (its own changes coming back,
 * events from before its approval) are dropped but still scanned, so the cursor moves past them.
 */
export function cutPage(input: PageInput): Page {
  const { after, head, rows, limit, subscriptions, consumerSiteId } = input;
  const full = rows.length >= limit;
  const last = rows.length ? rows[rows.length - 1].seq : after;
  const nextCursor = full ? last : Math.max(head, after);
  const allowed = new Map(
    subscriptions.filter((s) => s.status === 'Approved' && !s.unsubscribed).map((s) => [s.contentType, s.approvedAtSeq ?? 0])
  );
  const events = rows.filter((e) => {
    const from = allowed.get(e.contentType);
    return from !== undefined && e.seq > from && e.originSiteId !== consumerSiteId;
  });
  return { events, nextCursor, hasMore: full && last < head };
}

/**
 * The key of the log row at a page's `nextCursor`, for the consumer to store with its cursor
 * (FINGERPRINTS below): the row's own when the page ends on one of `rows`, else — a page that
 * reached the head — the head row's (`headKey`, null when it has none or is gone).
 */
export function cursorKeyOf(page: Page, input: Pick<PageInput, 'rows' | 'head'>, headKey: string | null): string | null {
  const row = input.rows.find((r) => r.seq === page.nextCursor);
  if (row) return row.key ?? null;
  return page.nextCursor === input.head ? headKey : null;
}

/**
 * FINGERPRINTS. Each log row gets a random key when the sequencer gives it its seq (rows
 * sequenced before keys existed have none). The consumer stores the key of the row at its
 * cursor and sends it with the cursor (`afterKey`); the producer compares it with the key of
 * its row at that seq. A different key means the seq names another change than the one the
 * consumer passed: the producer's database was restored from a backup and has since taken at
 * least as many writes as the consumer had seen (the epoch and the head cannot tell: same
 * epoch, head at or above the cursor). A missing key on either side (an old row, a pruned row,
 * a consumer that has not learnt its key yet) is "unknown": nothing is checked.
 *
 * Producer side: is the cursor `after` still a place in this log to page on from? `ahead`: above
 * the head (restored to fewer writes); `diverged`: the keys differ; `pruned`: below what was
 * pruned. Any of them gets an empty page at `after`, unacknowledged; the consumer re-copies.
 */
export function cursorCheck(
  after: number,
  afterKey: string | null,
  log: { head: number; prunedThrough: number; keyAtAfter: string | null }
): 'ahead' | 'diverged' | 'pruned' | null {
  if (after > log.head) return 'ahead';
  if (after > 0 && afterKey !== null && log.keyAtAfter !== null && afterKey !== log.keyAtAfter) return 'diverged';
  if (after < log.prunedThrough) return 'pruned';
  return null;
}

/** Why a consumer must re-copy its types from a producer's current state instead of pulling on. */
export interface Recopy {
  kind: 'restored' | 'epoch' | 'pruned' | 'diverged';
  message: string;
}

/**
 * Consumer side: can the pull go on from `cursor`, or has the producer's log moved under it?
 * - `epoch`: the log's epoch differs from the one stored with the cursor: the log was recreated
 *   or found inconsistent (log-state.ts `LogState`); the seqs no longer mean what they meant.
 * - `restored`: the cursor is above the producer's head (a high-water mark that never moves
 *   backwards): the producer's database was restored from an older backup, and the seqs above
 *   its head will be given to other changes.
 * - `diverged`: the producer found another key at the cursor's seq than the one stored with it
 *   (FINGERPRINTS above): restored, then more writes than the consumer had seen.
 * - `pruned`: the cursor is below what the producer pruned: events after it are gone.
 * A stored epoch of null (none seen yet) is no reason: the first page's epoch is adopted.
 */
export function recopyReason(
  cursor: number,
  storedEpoch: string | null,
  page: { headSeq: number; epoch: string; prunedThrough: number; diverged?: boolean }
): Recopy | null {
  if (storedEpoch !== null && storedEpoch !== page.epoch) {
    return {
      kind: 'epoch',
      message: `the producer's log epoch changed (${storedEpoch} -> ${page.epoch}): its log was restored or recreated`,
    };
  }
  if (cursor > page.headSeq) {
    return {
      kind: 'restored',
      message: `cursor ${cursor} is ahead of the producer's head ${page.headSeq}: its database was restored from an older backup`,
    };
  }
  if (page.diverged === true) {
    return {
      kind: 'diverged',
      message: `the producer's log diverged at seq ${cursor} (its database was restored?)`,
    };
  }
  if (cursor < page.prunedThrough) {
    return {
      kind: 'pruned',
      message: `cursor ${cursor} is behind what the producer pruned (through ${page.prunedThrough}): events were lost`,
    };
  }
  return null;
}
