import { runInBatches } from './batches';
import { recopyReason, type Recopy } from './cursor';
import { errorMessage, isTransient, LeaseLostError, TransientEventError } from './errors';
import { PageSizer, PageTooLargeError, PageTooSlowError } from './page-size';
import type { PullResponse, PullResult, StreamEvent } from '../shared/contracts';

/**
 * Consumer-side pull loop. Strapi-free: the adapter (services/puller.ts) provides the ports.
 *
 * INVARIANTS
 * 1. Durable progress: the cursor is saved in the same transaction as the outcome of the events it
 *    passes (applied + Synced log, or Failed/Blocked log). A crash at any point leaves either both
 *    or neither; on restart the events are pulled again.
 * 2. Idempotency key: (producer, seq). An event whose sync log already exists is not applied again;
 *    apply itself is an upsert keyed by the remote reference and skips events at or below the
 *    document's `lastAppliedSeq`, so a replay through any path changes nothing.
 * 3. Per-document order: events are processed in seq order; an event of a document that has an
 *    unresolved Failed/Blocked event is recorded Blocked (not applied on top of a gap) and is
 *    resolved when the document is resynced.
 * 4. One pull per producer at a time: the adapter holds a database lease while `pullOnce` runs;
 *    the cursor save checks it, so a pull that lost its lease commits nothing more.
 * 5. Transient is not Failed: when an event cannot be prepared for a transient reason (network
 *    error, timeout, 5xx or 429 from the producer: errors.ts `isTransient`), the pull stops with a
 *    TransientEventError and the cursor just before that event; nothing of it is recorded, so the
 *    next pull (notification or cron) retries it. The events before it keep their committed
 *    outcome. Only deterministic failures (ApplyError, validation, a 4xx other than 429) are
 *    recorded Failed and passed.
 *
 * BATCHES (throughput, see batches.ts). Consecutive events are applied in one transaction — one
 * commit and one cursor save per batch instead of per event — as long as each one can be prepared
 * without the network (its dependencies and files are already here, the usual case) and applies
 * cleanly. When an event needs the network, the batch so far commits and that event is processed
 * alone (prepare outside any transaction, then its own transaction), as before batching. When an
 * event fails, the whole batch rolls back and its events up to the failing one are processed
 * alone, so the failure is recorded exactly as without batching and the others are applied again
 * from scratch. The invariants above hold for a batch as for one event: the batch's outcomes and
 * its cursor commit together. A batch is bounded in events and time, so it never holds the
 * database's write lock (SQLite) for long.
 *
 * RECOVERY (engine/cursor.ts `recopyReason`). Every page carries the producer's log epoch, head
 * and prunedThrough, and the key of the row at its nextCursor; the cursor is saved with the key
 * of the row it points at (an event's own, or the page's `cursorKey`) and sent back with it.
 * When the stored epoch differs, the cursor is above the head (the producer was restored), the
 * producer's row at the cursor has another key (`diverged`: restored, then written past the
 * cursor) or below what was pruned (events lost), nothing of the page is applied: the
 * consumer re-copies its subscribed types from the producer's current state (deletes included),
 * then sets cursor = that page's head and stores the epoch, with a sync-log entry naming the
 * reason (`recopy` port), and pulls on from there. At most once per pull.
 *
 * ADAPTIVE PAGES (page-size.ts). A page too large or too slow is asked again at half the size. A
 * single event too large to transfer is fetched without its data, recorded Failed with the
 * reason, and passed (cursor moved past it), so it does not hold the others back.
 */
export interface PullPorts {
  loadCursor(): Promise<number>;
  /** The key of the producer's row at the cursor, stored with it (null or absent: unknown). */
  loadCursorKey?(): Promise<string | null>;
  /** The producer's log epoch stored with the cursor, or null when none was seen yet. */
  loadEpoch(): Promise<string | null>;
  /** Stores the first epoch seen (a cursor that had none: nothing to re-copy). */
  saveEpoch(epoch: string): Promise<void>;
  /**
   * One page after `after`, at most `limit` events. Throws PageTooLargeError / PageTooSlowError
   * when the answer is over the response limit / deadline. `withData: false`: events without data.
   * `afterKey`: the key stored with the cursor (the producer answers `diverged` when its row at
   * `after` has another).
   */
  fetchPage(after: number, limit: number, opts?: { withData?: boolean; afterKey?: string | null }): Promise<PullResponse>;
  /**
   * Brings the subscribed types to the producer's current state (copies and deletes), then saves
   * cursor = `page.headSeq` and epoch = `page.epoch` (also backwards), with a sync-log entry
   * saying why. Throws (transient) when it cannot finish; nothing of the cursor moved then.
   */
  recopy(reason: Recopy, page: PullResponse): Promise<void>;
  /** Producer-side state seen on a pull: subscription statuses, head. Not part of the cursor. */
  recordPull(page: PullResponse): Promise<void>;
  /** Called outside transactions between batches: keeps the pull's lease alive. */
  keepLease(): Promise<void>;
  /**
   * Preparation: work out what to write; with the network (dependencies, files) outside any
   * transaction, or — `offline` — inside a batch's transaction, throwing NeedsNetworkError when
   * the event needs the network.
   */
  prepare(event: StreamEvent, opts?: { offline?: boolean }): Promise<unknown>;
  /** Runs `fn` in one database transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * What the sync log knows of the event: whether it was processed already (its seq is logged)
   * and the seq of an unresolved Failed/Blocked event of the same document, or null.
   */
  eventState(event: StreamEvent): Promise<{ processed: boolean; blocker: number | null }>;
  apply(event: StreamEvent, prepared: unknown): Promise<ApplyOutcome>;
  /** A prepared event that was not applied (failed, Blocked, already processed): undo its preparation's side effects (uploads). */
  discard?(prepared: unknown): Promise<void>;
  record(event: StreamEvent, outcome: Outcome): Promise<void>;
  /** Saves the cursor with the key of the producer's row at it (null: unknown); at the stored cursor, only the key. */
  saveCursor(seq: number, key?: string | null): Promise<void>;
}
export interface ApplyOutcome {
  localDocumentId: string | null;
  /** The data as applied (after mapping), for the sync log. */
  data: Record<string, unknown> | null;
  /** The event was not applied because it is already reflected (replay). */
  skipped?: boolean;
  note?: string;
  /** Not applied: held for review (engine/review.ts), recorded AwaitingReview; the cursor moves on. */
  held?: 'review' | 'conflict' | 'queued';
}

export type Outcome =
  | ({ status: 'Synced' } & ApplyOutcome)
  | { status: 'Failed'; error: string }
  | { status: 'Blocked'; error: string }
  | { status: 'Ignored' };

/** What one pull did: declared once, in the shared contracts (POST /producers/:id/pull answers it). */
export type { PullResult };

export interface PullOptions {
  maxPages: number;
  /** The page size, remembered across pulls of one producer (default: a new sizer of 100). */
  pages?: PageSizer;
  /** Most events applied in one transaction (1: a transaction per event). */
  batchSize?: number;
  /** A batch stops taking events after this long (ms). */
  batchMs?: number;
}

type Status = Outcome['status'];

/** Records the Blocked outcome of an event whose document waits for an earlier failure. */
const recordBlocked = (ports: PullPorts, event: StreamEvent, blocker: number) =>
  ports.record(event, { status: 'Blocked', error: `Waiting for the failed event #${blocker} of the same document` });

/** Processes one event in its own transaction: see the invariants above. Never throws for an event's own failure. */
export async function processEvent(ports: PullPorts, event: StreamEvent): Promise<Status> {
  let prepared: unknown;
  let prepareError: unknown = null;
  try {
    prepared = await ports.prepare(event);
  } catch (error) {
    prepareError = error;
  }
  let synced = false;
  try {
    const status = await ports.transaction(async () => {
      const state = await ports.eventState(event);
      if (state.processed) {
        await ports.saveCursor(event.seq, event.key ?? null);
        return 'Ignored' as const;
      }
      if (state.blocker !== null) {
        await recordBlocked(ports, event, state.blocker);
        await ports.saveCursor(event.seq, event.key ?? null);
        return 'Blocked' as const;
      }
      if (prepareError) throw isTransient(prepareError) ? new TransientEventError(event.seq, prepareError) : prepareError;
      const outcome = await ports.apply(event, prepared);
      await ports.record(event, { status: 'Synced', ...outcome });
      await ports.saveCursor(event.seq, event.key ?? null);
      return 'Synced' as const;
    });
    synced = status === 'Synced';
    return status;
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    // Transient (invariant 5): nothing of this event is recorded, the cursor stays before it.
    if (isTransient(error)) throw error instanceof TransientEventError ? error : new TransientEventError(event.seq, error);
    // The apply transaction rolled back: record the failure (and move past it) in a new one.
    await ports.transaction(async () => {
      if ((await ports.eventState(event)).processed) return;
      await ports.record(event, { status: 'Failed', error: errorMessage(error) });
      await ports.saveCursor(event.seq, event.key ?? null);
    });
    return 'Failed';
  } finally {
    if (!synced && prepared !== undefined && ports.discard) await ports.discard(prepared);
  }
}

/**
 * Fetches the page after `cursor` at the sizer's size, halving it on a page too large or too slow.
 * When one event alone is too large, returns that page without data and `oversized` set.
 */
async function fetchAdaptive(
  ports: PullPorts,
  cursor: number,
  afterKey: string | null,
  sizer: PageSizer
): Promise<{ page: PullResponse; oversized?: string }> {
  for (;;) {
    try {
      const page = await ports.fetchPage(cursor, sizer.limit, afterKey === null ? undefined : { afterKey });
      sizer.succeeded();
      return { page };
    } catch (error) {
      if (!(error instanceof PageTooLargeError || error instanceof PageTooSlowError)) throw error;
      if (sizer.shrink()) continue;
      // One event too slow stays transient (the next pull tries again); too large never shrinks.
      if (error instanceof PageTooSlowError) throw error;
      return {
        page: await ports.fetchPage(cursor, 1, { withData: false, ...(afterKey === null ? {} : { afterKey }) }),
        oversized: error.message,
      };
    }
  }
}

/**
 * Pulls pages until the producer has nothing more (or `maxPages`), applying every event in order
 * (in batches, see above). Throws only when the producer cannot be reached or answers garbage, or
 * the lease is lost; the cursor then stays at the last durably processed event.
 */
export async function pullOnce(ports: PullPorts, opts: PullOptions): Promise<PullResult> {
  const limits = { size: Math.max(1, opts.batchSize ?? 1), ms: opts.batchMs ?? 250 };
  const sizer = opts.pages ?? new PageSizer(100);
  let cursor = await ports.loadCursor();
  let epoch = await ports.loadEpoch();
  /** The key of the producer's row at `cursor`, as stored with it (null: unknown). */
  let key = (await ports.loadCursorKey?.()) ?? null;
  let recopied = false;
  const result: PullResult = { pulled: 0, applied: 0, failed: 0, cursor, headSeq: cursor };
  const count = (status: Status) => {
    result.pulled += 1;
    if (status === 'Synced') result.applied += 1;
    if (status === 'Failed' || status === 'Blocked') result.failed += 1;
  };
  for (let i = 0; i < opts.maxPages; i += 1) {
    const { page, oversized } = await fetchAdaptive(ports, cursor, key, sizer);
    await ports.recordPull(page);
    result.headSeq = page.headSeq;
    const reason = recopyReason(cursor, epoch, page);
    if (reason) {
      if (recopied) throw new Error(`The producer's log moved again during a re-copy (${reason.message}); the next pull starts over`);
      await ports.recopy(reason, page);
      recopied = true;
      result.recopied = reason.message;
      cursor = page.headSeq;
      epoch = page.epoch;
      key = null; // stored so by the re-copy; the next page names it
      result.cursor = cursor;
      continue;
    }
    if (epoch === null) {
      await ports.saveEpoch(page.epoch);
      epoch = page.epoch;
    }
    // Validate the order first: nothing of a page that breaks it is applied past the break.
    let ordered = 0;
    for (let last = cursor; ordered < page.events.length && page.events[ordered].seq > last; ordered += 1) last = page.events[ordered].seq;
    const events = page.events.slice(0, ordered);
    if (oversized !== undefined && events.length) {
      // One event alone is over the response limit: recorded Failed (retried later like any
      // failure: a resync fetches the document), the cursor moves past it.
      const event = events[0];
      const error = `Event #${event.seq} (${event.updateType} ${event.contentType} ${event.documentId}) is too large to transfer: ${oversized}`;
      await ports.transaction(async () => {
        if (!(await ports.eventState(event)).processed) await ports.record(event, { status: 'Failed', error });
        await ports.saveCursor(event.seq, event.key ?? null);
      });
      count('Failed');
      cursor = event.seq;
      key = event.key ?? null;
      result.cursor = cursor;
      continue;
    }
    await runInBatches(
      events,
      {
        transaction: (fn) => ports.transaction(fn),
        between: () => ports.keepLease(),
        batched: async (event) => {
          const state = await ports.eventState(event);
          if (state.processed) return 'Ignored';
          if (state.blocker !== null) {
            await recordBlocked(ports, event, state.blocker);
            return 'Blocked';
          }
          const outcome = await ports.apply(event, await ports.prepare(event, { offline: true }));
          await ports.record(event, { status: 'Synced', ...outcome });
          return 'Synced';
        },
        finish: (lastIndex) => ports.saveCursor(events[lastIndex].seq, events[lastIndex].key ?? null),
        alone: (event) => processEvent(ports, event),
      },
      limits,
      count
    );
    if (ordered < page.events.length) {
      const last = ordered ? page.events[ordered - 1].seq : cursor;
      throw new Error(`Producer sent events out of order (#${page.events[ordered].seq} after #${last})`);
    }
    const last = events.length ? events[events.length - 1].seq : cursor;
    if (page.nextCursor < last) throw new Error(`Producer sent a cursor (${page.nextCursor}) behind its own events (${last})`);
    const cursorKey = page.cursorKey ?? null;
    if (page.nextCursor > last) {
      // Events between the last one served and nextCursor were not meant for us: skip them durably.
      await ports.transaction(() => ports.saveCursor(page.nextCursor, cursorKey));
      key = cursorKey;
    } else if (events.length) {
      key = events[events.length - 1].key ?? null;
    } else if (key === null && cursorKey !== null) {
      // Nothing new: the page names the key of the row at the cursor held (first pull with keys, after a re-copy).
      await ports.transaction(() => ports.saveCursor(cursor, cursorKey));
      key = cursorKey;
    }
    cursor = page.nextCursor;
    result.cursor = cursor;
    if (!page.hasMore && !oversized) break;
  }
  return result;
}
