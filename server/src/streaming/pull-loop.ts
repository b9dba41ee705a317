import { errorMessage } from './errors';
import type { PullResponse, StreamEvent } from '../contracts';

/**
 * Consumer-side pull loop. Strapi-free: the adapter (services/puller.ts) provides the ports.
 *
 * INVARIANTS
 * 1. Durable progress: the cursor is saved in the same transaction as the outcome of the event it
 *    passes (applied + Synced log, or Failed/Blocked log). A crash at any point leaves either both
 *    or neither; on restart the event is pulled again.
 * 2. Idempotency key: (producer, seq). An event whose sync log already exists is not applied again;
 *    apply itself is an upsert keyed by the remote reference and skips events at or below the
 *    document's `lastAppliedSeq`, so a replay through any path changes nothing.
 * 3. Per-document order: events are processed in seq order; an event of a document that has an
 *    unresolved Failed/Blocked event is recorded Blocked (not applied on top of a gap) and is
 *    resolved when the document is resynced.
 * 4. One pull per producer at a time: the adapter holds a database lease while `pullOnce` runs.
 */
export interface PullPorts {
  loadCursor(): Promise<number>;
  fetchPage(after: number): Promise<PullResponse>;
  /** Producer-side state seen on a pull: subscription statuses, head. Not part of the cursor. */
  recordPull(page: PullResponse): Promise<void>;
  /** Network-side preparation (dependencies, files), outside any transaction. */
  prepare(event: StreamEvent): Promise<unknown>;
  /** Runs `fn` in one database transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  alreadyProcessed(seq: number): Promise<boolean>;
  /** seq of an unresolved Failed/Blocked event of the same document, or null. */
  blockingFailure(event: StreamEvent): Promise<number | null>;
  apply(event: StreamEvent, prepared: unknown): Promise<ApplyOutcome>;
  record(event: StreamEvent, outcome: Outcome): Promise<void>;
  saveCursor(seq: number): Promise<void>;
}

export interface ApplyOutcome {
  localDocumentId: string | null;
  /** The data as applied (after mapping), for the sync log. */
  data: Record<string, unknown> | null;
  /** The event was not applied because it is already reflected (replay). */
  skipped?: boolean;
  note?: string;
}

export type Outcome =
  | ({ status: 'Synced' } & ApplyOutcome)
  | { status: 'Failed'; error: string }
  | { status: 'Blocked'; error: string }
  | { status: 'Ignored' };

export interface PullResult {
  pulled: number;
  applied: number;
  failed: number;
  cursor: number;
  headSeq: number;
}

/** Processes one event: see the invariants above. Never throws for an event's own failure. */
export async function processEvent(ports: PullPorts, event: StreamEvent): Promise<Outcome['status']> {
  let prepared: unknown;
  let prepareError: unknown = null;
  try {
    prepared = await ports.prepare(event);
  } catch (error) {
    prepareError = error;
  }
  try {
    return await ports.transaction(async () => {
      if (await ports.alreadyProcessed(event.seq)) {
        await ports.saveCursor(event.seq);
        return 'Ignored' as const;
      }
      const blocker = await ports.blockingFailure(event);
      if (blocker !== null) {
        await ports.record(event, { status: 'Blocked', error: `Waiting for the failed event #${blocker} of the same document` });
        await ports.saveCursor(event.seq);
        return 'Blocked' as const;
      }
      if (prepareError) throw prepareError;
      const outcome = await ports.apply(event, prepared);
      await ports.record(event, { status: 'Synced', ...outcome });
      await ports.saveCursor(event.seq);
      return 'Synced' as const;
    });
  } catch (error) {
    // The apply transaction rolled back: record the failure (and move past it) in a new one.
    await ports.transaction(async () => {
      if (await ports.alreadyProcessed(event.seq)) return;
      await ports.record(event, { status: 'Failed', error: errorMessage(error) });
      await ports.saveCursor(event.seq);
    });
    return 'Failed';
  }
}

/**
 * Pulls pages until the producer has nothing more (or `maxPages`), applying every event in order.
 * Throws only when the producer cannot be reached or answers garbage; the cursor then stays at
 * the last durably processed event.
 */
export async function pullOnce(ports: PullPorts, opts: { maxPages: number }): Promise<PullResult> {
  let cursor = await ports.loadCursor();
  const result: PullResult = { pulled: 0, applied: 0, failed: 0, cursor, headSeq: cursor };
  for (let i = 0; i < opts.maxPages; i += 1) {
    const page = await ports.fetchPage(cursor);
    await ports.recordPull(page);
    result.headSeq = page.headSeq;
    let last = cursor;
    for (const event of page.events) {
      if (event.seq <= last) throw new Error(`Producer sent events out of order (#${event.seq} after #${last})`);
      last = event.seq;
      const status = await processEvent(ports, event);
      result.pulled += 1;
      if (status === 'Synced') result.applied += 1;
      if (status === 'Failed' || status === 'Blocked') result.failed += 1;
    }
    if (page.nextCursor < last) throw new Error(`Producer sent a cursor (${page.nextCursor}) behind its own events (${last})`);
    if (page.nextCursor > cursor) {
      // Events between the last one served and nextCursor were not meant for us: skip them durably.
      await ports.transaction(() => ports.saveCursor(page.nextCursor));
    }
    cursor = page.nextCursor;
    result.cursor = cursor;
    if (!page.hasMore) break;
  }
  return result;
}
