import { processEvent, pullOnce, type ApplyOutcome, type Outcome, type PullPorts } from '../../server/src/engine/pull-loop';
import {
  ApplyError,
  LeaseLostError,
  NeedsNetworkError,
  RemoteError,
  TransientEventError,
  isTransient,
} from '../../server/src/engine/errors';
import { nextRetryDelay } from '../../server/src/engine/backoff';
import { defaultConfig } from '../../server/src/config';
import type { PullResponse, StreamEvent } from '../../server/src/shared/contracts';

const ev = (seq: number, documentId = `doc${seq}`, extra: Partial<StreamEvent> = {}): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType: 'api::a.a',
  documentId,
  locale: null,
  data: { n: seq },
  originSiteId: 'producer',
  ...extra,
});

const page = (events: StreamEvent[], nextCursor: number, hasMore = false, headSeq = nextCursor): PullResponse => ({
  siteId: 'producer',
  headSeq,
  epoch: 'epoch-1',
  prunedThrough: 0,
  nextCursor,
  hasMore,
  subscriptions: [{ contentType: 'api::a.a', status: 'Approved', unsubscribed: false }],
  events,
});

interface LogRow {
  seq: number;
  doc: string;
  status: Outcome['status'];
  error?: string;
  localDocumentId?: string | null;
}

interface State {
  cursor: number;
  log: LogRow[];
  docs: Record<string, { n: unknown; lastAppliedSeq: number }>;
}

/**
 * An in-memory consumer store. `transaction` snapshots the state and restores it when fn throws,
 * so anything not committed disappears. Every port that writes asserts it runs inside a
 * transaction; `prepare` asserts it runs outside one unless `offline` (batches), and then throws
 * NeedsNetworkError for the events in `needsNetwork`.
 */
function fakeStore(
  opts: {
    pages?: PullResponse[] | ((after: number, limit: number) => PullResponse);
    initialCursor?: number;
    epoch?: string | null;
    /** An error for a page request (after, limit, withData) that is too large or too slow. */
    tooBig?: (after: number, limit: number, withData: boolean) => Error | null;
  } = {}
) {
  let state: State = { cursor: opts.initialCursor ?? 0, log: [], docs: {} };
  const epoch = { stored: opts.epoch === undefined ? 'epoch-1' : opts.epoch };
  let inTx = false;
  const failApply = new Map<number, Error>();
  const failPrepare = new Map<number, Error>();
  const crashOnSave = new Set<number>();
  const needsNetwork = new Set<number>();
  const lease = { lost: false };
  const calls = {
    apply: [] as number[],
    prepare: [] as Array<number | string>,
    fetch: [] as number[],
    recordPull: [] as number[],
    keepLease: 0,
    recopy: [] as string[],
    limits: [] as Array<number | string>,
  };
  const commits: Array<{ cursor: number; logged: number[] }> = [];
  const pages = opts.pages;

  const mustBeInTx = (what: string) => {
    if (!inTx) throw new Error(`${what} outside a transaction`);
  };

  const ports: PullPorts = {
    async loadCursor() {
      return state.cursor;
    },
    async loadEpoch() {
      return epoch.stored;
    },
    async saveEpoch(value) {
      epoch.stored = value;
    },
    async recopy(reason, p) {
      if (inTx) throw new Error('recopy inside a transaction');
      calls.recopy.push(reason.kind);
      state.cursor = p.headSeq;
      epoch.stored = p.epoch;
    },
    async fetchPage(after, limit, fetchOpts) {
      calls.fetch.push(after);
      calls.limits.push(fetchOpts?.withData === false ? `${limit} without data` : limit);
      const tooBig = opts.tooBig?.(after, limit, fetchOpts?.withData !== false);
      if (tooBig) throw tooBig;
      if (typeof pages === 'function') return pages(after, limit);
      const p = pages?.shift();
      if (!p) throw new Error('no more pages');
      return p;
    },
    async recordPull(p) {
      calls.recordPull.push(p.headSeq);
    },
    async keepLease() {
      if (inTx) throw new Error('keepLease inside a transaction');
      calls.keepLease += 1;
    },
    async prepare(event, opts) {
      if (inTx !== (opts?.offline === true))
        throw new Error(inTx ? 'prepare with the network inside a transaction' : 'offline prepare outside a transaction');
      if (opts?.offline && needsNetwork.has(event.seq)) throw new NeedsNetworkError(`event ${event.seq}`);
      calls.prepare.push(opts?.offline ? `offline ${event.seq}` : event.seq);
      const err = failPrepare.get(event.seq);
      if (err) throw err;
      return { preparedFor: event.seq };
    },
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      if (inTx) throw new Error('nested transaction');
      const saved = JSON.parse(JSON.stringify(state)) as State;
      inTx = true;
      try {
        const result = await fn();
        commits.push({ cursor: state.cursor, logged: state.log.map((l) => l.seq) });
        return result;
      } catch (error) {
        state = saved;
        throw error;
      } finally {
        inTx = false;
      }
    },
    async eventState(event) {
      mustBeInTx('eventState');
      const row = state.log.find((l) => l.doc === event.documentId && (l.status === 'Failed' || l.status === 'Blocked'));
      return { processed: state.log.some((l) => l.seq === event.seq), blocker: row ? row.seq : null };
    },
    async apply(event, prepared): Promise<ApplyOutcome> {
      mustBeInTx('apply');
      calls.apply.push(event.seq);
      expect(prepared).toStrictEqual({ preparedFor: event.seq });
      const doc = state.docs[event.documentId];
      if (doc && event.seq <= doc.lastAppliedSeq) return { localDocumentId: `L-${event.documentId}`, data: null, skipped: true };
      // write first, then fail: the transaction must roll the write back
      state.docs[event.documentId] = { n: event.data?.n, lastAppliedSeq: event.seq };
      const err = failApply.get(event.seq);
      if (err) throw err;
      return { localDocumentId: `L-${event.documentId}`, data: event.data };
    },
    async record(event, outcome) {
      mustBeInTx('record');
      const row: LogRow = { seq: event.seq, doc: event.documentId, status: outcome.status };
      if (outcome.status === 'Failed' || outcome.status === 'Blocked') row.error = outcome.error;
      if (outcome.status === 'Synced') row.localDocumentId = outcome.localDocumentId;
      state.log.push(row);
    },
    async saveCursor(seq) {
      mustBeInTx('saveCursor');
      if (lease.lost) throw new LeaseLostError(1);
      if (crashOnSave.has(seq)) throw new Error(`crash while saving cursor ${seq}`);
      state.cursor = seq;
    },
  };

  return {
    ports,
    calls,
    commits,
    failApply,
    failPrepare,
    crashOnSave,
    needsNetwork,
    lease,
    epoch,
    get state() {
      return state;
    },
  };
}

describe('processEvent', () => {
  it('applies an event once and saves the cursor in the same transaction as its Synced log', async () => {
    const s = fakeStore();
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Synced');
    expect(s.state).toStrictEqual({
      cursor: 1,
      log: [{ seq: 1, doc: 'doc1', status: 'Synced', localDocumentId: 'L-doc1' }],
      docs: { doc1: { n: 1, lastAppliedSeq: 1 } },
    });
    expect(s.commits).toStrictEqual([{ cursor: 1, logged: [1] }]);
    expect(s.calls.apply).toStrictEqual([1]);
    expect(s.calls.prepare).toStrictEqual([1]);
  });

  it('a failing apply is rolled back, recorded Failed, and the cursor still advances', async () => {
    const s = fakeStore();
    s.failApply.set(1, new ApplyError('target field missing'));
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Failed');
    expect(s.state).toStrictEqual({
      cursor: 1,
      log: [{ seq: 1, doc: 'doc1', status: 'Failed', error: 'target field missing' }],
      docs: {},
    });
    expect(s.commits).toStrictEqual([{ cursor: 1, logged: [1] }]);
  });

  it('a prepare() failure is recorded Failed without calling apply', async () => {
    const s = fakeStore();
    s.failPrepare.set(1, new Error('file download failed'));
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Failed');
    expect(s.calls.apply).toStrictEqual([]);
    expect(s.state).toStrictEqual({
      cursor: 1,
      log: [{ seq: 1, doc: 'doc1', status: 'Failed', error: 'file download failed' }],
      docs: {},
    });
  });

  it('records a non-Error failure with a readable message', async () => {
    const s = fakeStore();
    s.failPrepare.set(1, 'remote said no' as unknown as Error);
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Failed');
    expect(s.state.log).toStrictEqual([{ seq: 1, doc: 'doc1', status: 'Failed', error: 'remote said no' }]);
  });

  it('an event of a document with an earlier Failed event is recorded Blocked and not applied', async () => {
    const s = fakeStore();
    s.failApply.set(1, new ApplyError('bad'));
    await processEvent(s.ports, ev(1, 'docA'));
    await expect(processEvent(s.ports, ev(2, 'docA'))).resolves.toBe('Blocked');
    await expect(processEvent(s.ports, ev(3, 'docA'))).resolves.toBe('Blocked');
    await expect(processEvent(s.ports, ev(4, 'docB'))).resolves.toBe('Synced');
    expect(s.calls.apply).toStrictEqual([1, 4]);
    expect(s.state).toStrictEqual({
      cursor: 4,
      log: [
        { seq: 1, doc: 'docA', status: 'Failed', error: 'bad' },
        { seq: 2, doc: 'docA', status: 'Blocked', error: 'Waiting for the failed event #1 of the same document' },
        { seq: 3, doc: 'docA', status: 'Blocked', error: 'Waiting for the failed event #1 of the same document' },
        { seq: 4, doc: 'docB', status: 'Synced', localDocumentId: 'L-docB' },
      ],
      docs: { docB: { n: 4, lastAppliedSeq: 4 } },
    });
  });

  it('Blocked wins over a prepare() failure of the blocked event', async () => {
    const s = fakeStore();
    s.failApply.set(1, new ApplyError('bad'));
    s.failPrepare.set(2, new Error('unreachable'));
    await processEvent(s.ports, ev(1, 'docA'));
    await expect(processEvent(s.ports, ev(2, 'docA'))).resolves.toBe('Blocked');
    expect(s.state.log[1]).toStrictEqual({
      seq: 2,
      doc: 'docA',
      status: 'Blocked',
      error: 'Waiting for the failed event #1 of the same document',
    });
  });

  it('an already processed event is Ignored: nothing applied or recorded twice, cursor saved', async () => {
    const s = fakeStore();
    await processEvent(s.ports, ev(1));
    await processEvent(s.ports, ev(2));
    const before = JSON.parse(JSON.stringify(s.state)) as State;
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Ignored');
    expect(s.calls.apply).toStrictEqual([1, 2]);
    expect(s.state.log).toStrictEqual(before.log);
    expect(s.state.docs).toStrictEqual(before.docs);
  });

  it('a replayed Failed event stays Failed once and is not applied', async () => {
    const s = fakeStore();
    s.failApply.set(1, new ApplyError('bad'));
    await processEvent(s.ports, ev(1));
    s.failApply.clear();
    await expect(processEvent(s.ports, ev(1))).resolves.toBe('Ignored');
    expect(s.calls.apply).toStrictEqual([1]);
    expect(s.state.log).toStrictEqual([{ seq: 1, doc: 'doc1', status: 'Failed', error: 'bad' }]);
  });

  it('a crash while saving the cursor leaves neither the outcome nor the cursor, and the error escapes', async () => {
    const s = fakeStore();
    await processEvent(s.ports, ev(1));
    s.crashOnSave.add(2);
    await expect(processEvent(s.ports, ev(2))).rejects.toThrow('crash while saving cursor 2');
    expect(s.state).toStrictEqual({
      cursor: 1,
      log: [{ seq: 1, doc: 'doc1', status: 'Synced', localDocumentId: 'L-doc1' }],
      docs: { doc1: { n: 1, lastAppliedSeq: 1 } },
    });
    // restart: the event is processed again, exactly once
    s.crashOnSave.clear();
    await expect(processEvent(s.ports, ev(2))).resolves.toBe('Synced');
    expect(s.state.cursor).toBe(2);
    expect(s.state.log.map((l) => [l.seq, l.status])).toStrictEqual([
      [1, 'Synced'],
      [2, 'Synced'],
    ]);
    expect(s.state.docs.doc2).toStrictEqual({ n: 2, lastAppliedSeq: 2 });
  });
});

describe('pullOnce', () => {
  it('applies a page in order, saving the cursor with each event, then nextCursor', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2), ev(3)], 3, false, 3)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 3, applied: 3, failed: 0, cursor: 3, headSeq: 3 });
    expect(s.calls.fetch).toStrictEqual([0]);
    expect(s.calls.recordPull).toStrictEqual([3]);
    expect(s.commits.slice(0, 3)).toStrictEqual([
      { cursor: 1, logged: [1] },
      { cursor: 2, logged: [1, 2] },
      { cursor: 3, logged: [1, 2, 3] },
    ]);
    expect(s.state.cursor).toBe(3);
  });

  it('counts Failed and Blocked as failed, and keeps going', async () => {
    const s = fakeStore({ pages: [page([ev(1, 'A'), ev(2, 'A'), ev(3, 'B')], 3)] });
    s.failApply.set(1, new ApplyError('bad'));
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 3, applied: 1, failed: 2, cursor: 3, headSeq: 3 });
    expect(s.state.log.map((l) => [l.seq, l.status])).toStrictEqual([
      [1, 'Failed'],
      [2, 'Blocked'],
      [3, 'Synced'],
    ]);
  });

  it('saves a nextCursor beyond the last event (a gap of events not meant for this consumer)', async () => {
    const s = fakeStore({ pages: [page([ev(2), ev(4)], 10, false, 10)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 2, applied: 2, failed: 0, cursor: 10, headSeq: 10 });
    expect(s.state.cursor).toBe(10);
    expect(s.commits[s.commits.length - 1]).toStrictEqual({ cursor: 10, logged: [2, 4] });
  });

  it('saves the cursor of an empty page that only skips events', async () => {
    const s = fakeStore({ initialCursor: 5, pages: [page([], 9, false, 9)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 0, applied: 0, failed: 0, cursor: 9, headSeq: 9 });
    expect(s.calls.fetch).toStrictEqual([5]);
    expect(s.state.cursor).toBe(9);
  });

  it('does not touch the cursor when nothing moved', async () => {
    const s = fakeStore({ initialCursor: 5, pages: [page([], 5, false, 5)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 0, applied: 0, failed: 0, cursor: 5, headSeq: 5 });
    expect(s.commits).toStrictEqual([]);
  });

  it('loops over pages until hasMore is false, fetching from each nextCursor', async () => {
    const s = fakeStore({
      pages: [page([ev(1), ev(2)], 2, true, 7), page([ev(3), ev(5)], 5, true, 7), page([ev(7)], 7, false, 7), page([ev(8)], 8)],
    });
    await expect(pullOnce(s.ports, { maxPages: 10 })).resolves.toStrictEqual({ pulled: 5, applied: 5, failed: 0, cursor: 7, headSeq: 7 });
    expect(s.calls.fetch).toStrictEqual([0, 2, 5]);
    expect(s.calls.apply).toStrictEqual([1, 2, 3, 5, 7]);
  });

  it('stops after maxPages even when the producer has more', async () => {
    const s = fakeStore({ pages: (after) => page([ev(after + 1), ev(after + 2)], after + 2, true, 100) });
    await expect(pullOnce(s.ports, { maxPages: 3 })).resolves.toStrictEqual({ pulled: 6, applied: 6, failed: 0, cursor: 6, headSeq: 100 });
    expect(s.calls.fetch).toStrictEqual([0, 2, 4]);
    expect(s.state.cursor).toBe(6);
  });

  it('replaying the same page applies nothing twice', async () => {
    const events = [ev(1), ev(2), ev(3)];
    const s = fakeStore({ pages: [page(events, 3), page(events, 3)] });
    await pullOnce(s.ports, { maxPages: 1 });
    s.state.cursor = 0; // the producer (or a reset) serves the same events again
    await expect(pullOnce(s.ports, { maxPages: 1 })).resolves.toStrictEqual({ pulled: 3, applied: 0, failed: 0, cursor: 3, headSeq: 3 });
    expect(s.calls.apply).toStrictEqual([1, 2, 3]);
    expect(s.state.log.map((l) => l.seq)).toStrictEqual([1, 2, 3]);
  });

  it('throws on out-of-order seqs from the producer, after durably processing the ones before', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(3), ev(2)], 3)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('Producer sent events out of order (#2 after #3)');
    expect(s.calls.apply).toStrictEqual([1, 3]);
    expect(s.state.cursor).toBe(3);
  });

  it('throws on a duplicate seq inside a page', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(1)], 1)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('Producer sent events out of order (#1 after #1)');
    expect(s.calls.apply).toStrictEqual([1]);
  });

  it('throws on an event at or below the cursor', async () => {
    const s = fakeStore({ initialCursor: 5, pages: [page([ev(5)], 5)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('Producer sent events out of order (#5 after #5)');
    expect(s.calls.apply).toStrictEqual([]);
    expect(s.state.cursor).toBe(5);
  });

  it('throws on a nextCursor behind the events it served', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(4)], 2)] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('Producer sent a cursor (2) behind its own events (4)');
    expect(s.state.cursor).toBe(4);
  });

  it('a crash mid-page keeps the cursor at the last durably processed event; the next pull resumes there', async () => {
    const s = fakeStore({
      pages: (after) =>
        page(
          [ev(1), ev(2), ev(3)].filter((e) => e.seq > after),
          3
        ),
    });
    s.crashOnSave.add(2);
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('crash while saving cursor 2');
    expect(s.state.cursor).toBe(1);
    expect(s.state.log.map((l) => l.seq)).toStrictEqual([1]);
    expect(Object.keys(s.state.docs)).toStrictEqual(['doc1']);
    s.crashOnSave.clear();
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toStrictEqual({ pulled: 2, applied: 2, failed: 0, cursor: 3, headSeq: 3 });
    expect(s.calls.fetch).toStrictEqual([0, 1]);
    expect(s.state.log.map((l) => [l.seq, l.status])).toStrictEqual([
      [1, 'Synced'],
      [2, 'Synced'],
      [3, 'Synced'],
    ]);
  });

  it('propagates a fetch failure without moving the cursor', async () => {
    const s = fakeStore({ initialCursor: 4, pages: [] });
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toThrow('no more pages');
    expect(s.state.cursor).toBe(4);
    expect(s.commits).toStrictEqual([]);
  });

  it('maxPages 0 fetches nothing', async () => {
    const s = fakeStore({ initialCursor: 4, pages: [] });
    await expect(pullOnce(s.ports, { maxPages: 0 })).resolves.toStrictEqual({ pulled: 0, applied: 0, failed: 0, cursor: 4, headSeq: 4 });
    expect(s.calls.fetch).toStrictEqual([]);
  });
});

describe('pullOnce in batches (several events per transaction)', () => {
  const opts = (batchSize: number, batchMs = 60_000) => ({ maxPages: 5, batchSize, batchMs });
  const statuses = (s: ReturnType<typeof fakeStore>) => s.state.log.map((l) => [l.seq, l.status]);

  it('applies a page in one transaction: one commit, the cursor saved with the outcomes', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2), ev(3)], 3)] });
    await expect(pullOnce(s.ports, opts(10))).resolves.toStrictEqual({ pulled: 3, applied: 3, failed: 0, cursor: 3, headSeq: 3 });
    expect(s.commits).toStrictEqual([{ cursor: 3, logged: [1, 2, 3] }]);
    expect(s.calls.prepare).toStrictEqual(['offline 1', 'offline 2', 'offline 3']);
    expect(s.calls.keepLease).toBe(1);
  });

  it('a batch holds at most batchSize events; the lease is kept between batches', async () => {
    const s = fakeStore({
      pages: [
        page(
          [1, 2, 3, 4, 5].map((n) => ev(n)),
          5
        ),
      ],
    });
    await expect(pullOnce(s.ports, opts(2))).resolves.toMatchObject({ pulled: 5, applied: 5, cursor: 5 });
    expect(s.commits.map((c) => c.cursor)).toStrictEqual([2, 4, 5]);
    expect(s.calls.keepLease).toBe(3);
  });

  it('batchMs 0 takes no event into a batch: each is processed alone', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2)], 2)] });
    await expect(pullOnce(s.ports, opts(10, 0))).resolves.toMatchObject({ pulled: 2, applied: 2, cursor: 2 });
    expect(s.calls.prepare).toStrictEqual([1, 2]);
    expect(s.commits.map((c) => c.cursor)).toStrictEqual([1, 2]);
  });

  it('an event that needs the network ends the batch, is prepared outside any transaction, and batching resumes', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2), ev(3), ev(4)], 4)] });
    s.needsNetwork.add(2);
    await expect(pullOnce(s.ports, opts(10))).resolves.toMatchObject({ pulled: 4, applied: 4, failed: 0, cursor: 4 });
    expect(s.calls.prepare).toStrictEqual(['offline 1', 2, 'offline 3', 'offline 4']);
    expect(s.commits).toStrictEqual([
      { cursor: 1, logged: [1] },
      { cursor: 2, logged: [1, 2] },
      { cursor: 4, logged: [1, 2, 3, 4] },
    ]);
  });

  it('a failing event rolls the batch back; the events up to it are processed alone, the rest batched again', async () => {
    const s = fakeStore({ pages: [page([ev(1, 'A'), ev(2, 'A'), ev(3, 'A'), ev(4, 'B'), ev(5, 'B')], 5)] });
    s.failApply.set(2, new ApplyError('bad line'));
    await expect(pullOnce(s.ports, opts(10))).resolves.toStrictEqual({ pulled: 5, applied: 3, failed: 2, cursor: 5, headSeq: 5 });
    // 1, 2 in the batch that rolled back; 1 and 2 alone; then 3.. in a new batch
    expect(s.calls.apply).toStrictEqual([1, 2, 1, 2, 4, 5]);
    expect(statuses(s)).toStrictEqual([
      [1, 'Synced'],
      [2, 'Failed'],
      [3, 'Blocked'],
      [4, 'Synced'],
      [5, 'Synced'],
    ]);
    expect(s.state.log[1].error).toBe('bad line');
    // the failed event's write was rolled back: doc A is at event 1
    expect(s.state.docs).toStrictEqual({ A: { n: 1, lastAppliedSeq: 1 }, B: { n: 5, lastAppliedSeq: 5 } });
    expect(s.commits.map((c) => c.cursor)).toStrictEqual([1, 2, 5]);
  });

  it('a failing prepare inside a batch is recorded Failed exactly as without batches', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2), ev(3)], 3)] });
    s.failPrepare.set(2, new ApplyError('refers to a type that does not exist here'));
    await pullOnce(s.ports, opts(10));
    expect(statuses(s)).toStrictEqual([
      [1, 'Synced'],
      [2, 'Failed'],
      [3, 'Synced'],
    ]);
    const unbatched = fakeStore({ pages: [page([ev(1), ev(2), ev(3)], 3)] });
    unbatched.failPrepare.set(2, new ApplyError('refers to a type that does not exist here'));
    await pullOnce(unbatched.ports, { maxPages: 5 });
    expect(s.state).toStrictEqual(unbatched.state);
  });

  it('events of a document with an earlier failure are recorded Blocked inside the batch, without applying them', async () => {
    const s = fakeStore({ initialCursor: 1, pages: [page([ev(2, 'A'), ev(3, 'B'), ev(4, 'A')], 4)] });
    s.state.log.push({ seq: 1, doc: 'A', status: 'Failed', error: 'earlier' });
    await expect(pullOnce(s.ports, opts(10))).resolves.toMatchObject({ pulled: 3, applied: 1, failed: 2, cursor: 4 });
    expect(s.calls.apply).toStrictEqual([3]);
    expect(s.commits).toStrictEqual([{ cursor: 4, logged: [1, 2, 3, 4] }]);
    expect(statuses(s).slice(1)).toStrictEqual([
      [2, 'Blocked'],
      [3, 'Synced'],
      [4, 'Blocked'],
    ]);
  });

  it('already processed events in a batch are Ignored and not applied again', async () => {
    const events = [ev(1), ev(2), ev(3)];
    const s = fakeStore({ pages: [page(events, 3), page(events, 3)] });
    await pullOnce(s.ports, opts(10));
    s.state.cursor = 0;
    await expect(pullOnce(s.ports, opts(10))).resolves.toStrictEqual({ pulled: 3, applied: 0, failed: 0, cursor: 3, headSeq: 3 });
    expect(s.calls.apply).toStrictEqual([1, 2, 3]);
  });

  it('a crash saving the batch cursor: the batch rolls back, its events are processed alone and the crash escapes at the same event', async () => {
    const s = fakeStore({
      pages: (after) =>
        page(
          [ev(1), ev(2), ev(3)].filter((e) => e.seq > after),
          3
        ),
    });
    s.crashOnSave.add(3);
    await expect(pullOnce(s.ports, opts(10))).rejects.toThrow('crash while saving cursor 3');
    expect(s.state.cursor).toBe(2);
    expect(statuses(s)).toStrictEqual([
      [1, 'Synced'],
      [2, 'Synced'],
    ]);
    expect(Object.keys(s.state.docs)).toStrictEqual(['doc1', 'doc2']);
    s.crashOnSave.clear();
    await expect(pullOnce(s.ports, opts(10))).resolves.toMatchObject({ pulled: 1, applied: 1, cursor: 3 });
  });

  it('a lost lease aborts the pull: the batch commits nothing and nothing is replayed', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2), ev(3)], 3)] });
    s.lease.lost = true;
    await expect(pullOnce(s.ports, opts(10))).rejects.toBeInstanceOf(LeaseLostError);
    expect(s.calls.apply).toStrictEqual([1, 2, 3]);
    expect(s.state).toStrictEqual({ cursor: 0, log: [], docs: {} });
  });

  it('a lost lease aborts an unbatched pull too, without recording the event as Failed', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(2)], 2)] });
    s.lease.lost = true;
    await expect(pullOnce(s.ports, { maxPages: 5 })).rejects.toBeInstanceOf(LeaseLostError);
    expect(s.state).toStrictEqual({ cursor: 0, log: [], docs: {} });
  });

  it('out-of-order events: the ones before the break are applied (batched), then the pull throws', async () => {
    const s = fakeStore({ pages: [page([ev(1), ev(3), ev(2)], 3)] });
    await expect(pullOnce(s.ports, opts(10))).rejects.toThrow('Producer sent events out of order (#2 after #3)');
    expect(s.calls.apply).toStrictEqual([1, 3]);
    expect(s.state.cursor).toBe(3);
  });
});

describe('transient failures are not Failed (the pull stops and retries the event later)', () => {
  const five = () => [1, 2, 3, 4, 5].map((n) => ev(n));
  const fromCursor = (after: number) =>
    page(
      five().filter((e) => e.seq > after),
      5
    );
  const transients: Array<[string, Error]> = [
    ['a network error', new RemoteError('Could not reach http://p: ECONNREFUSED', 0, 'ECONNREFUSED')],
    ['a timeout', new RemoteError('Could not reach http://p: timed out after 10000 ms', 0, 'ECONNABORTED')],
    ['a 5xx answer', new RemoteError('http://p answered GET /doc with 503', 503)],
    ['a 429 answer', new RemoteError('http://p answered GET /doc with 429', 429)],
    ['an unwrapped socket error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ];

  it.each([
    ['unbatched', { maxPages: 5 }],
    ['batched', { maxPages: 5, batchSize: 10, batchMs: 60_000 }],
  ])(
    '%s: a transient error preparing event 3 of 5 keeps the cursor at 2, records nothing of 3; a later pull applies 3..5',
    async (_, o) => {
      for (const [what, error] of transients) {
        const s = fakeStore({ pages: fromCursor });
        s.needsNetwork.add(3); // inside a batch, event 3 needs the network: prepared alone, where it fails
        s.failPrepare.set(3, error);
        const thrown = await pullOnce(s.ports, o).then(
          () => null,
          (e: unknown) => e
        );
        expect(thrown).toBeInstanceOf(TransientEventError);
        expect((thrown as TransientEventError).seq).toBe(3);
        expect((thrown as Error).message).toContain(error.message);
        expect([what, s.state.cursor]).toStrictEqual([what, 2]);
        expect(s.state.log.map((l) => [l.seq, l.status])).toStrictEqual([
          [1, 'Synced'],
          [2, 'Synced'],
        ]);
        expect(Object.keys(s.state.docs)).toStrictEqual(['doc1', 'doc2']);
        // the producer is back: the next pull (notification or cron) resumes at 3
        s.failPrepare.clear();
        await expect(pullOnce(s.ports, o)).resolves.toStrictEqual({ pulled: 3, applied: 3, failed: 0, cursor: 5, headSeq: 5 });
        expect(s.calls.fetch.slice(-1)).toStrictEqual([2]);
        expect(s.state.log.map((l) => [l.seq, l.status])).toStrictEqual([1, 2, 3, 4, 5].map((n) => [n, 'Synced']));
        expect(s.state.docs.doc3).toStrictEqual({ n: 3, lastAppliedSeq: 3 });
      }
    }
  );

  it('processEvent: a transient prepare error escapes and leaves neither an outcome nor a cursor', async () => {
    const s = fakeStore();
    s.failPrepare.set(1, new RemoteError('http://p answered GET /file with 502', 502));
    await expect(processEvent(s.ports, ev(1))).rejects.toBeInstanceOf(TransientEventError);
    expect(s.state).toStrictEqual({ cursor: 0, log: [], docs: {} });
    expect(s.calls.apply).toStrictEqual([]);
  });

  it('a transient error of an event that is Blocked anyway does not stop the pull (it needs no preparation)', async () => {
    const s = fakeStore();
    s.failApply.set(1, new ApplyError('bad'));
    s.failPrepare.set(2, new RemoteError('down', 0));
    await processEvent(s.ports, ev(1, 'docA'));
    await expect(processEvent(s.ports, ev(2, 'docA'))).resolves.toBe('Blocked');
  });

  it.each([
    ['an ApplyError (validation, missing locale, mapping)', new ApplyError('locale fr does not exist here')],
    ['a 4xx answer other than 429', new RemoteError('http://p answered GET /doc with 403', 403)],
    ['a 404 answer', new RemoteError('http://p answered GET /doc with 404', 404)],
  ])('%s is deterministic: recorded Failed and passed', async (_, error) => {
    expect(isTransient(error)).toBe(false);
    const s = fakeStore({ pages: [page(five(), 5)] });
    s.failPrepare.set(3, error);
    await expect(pullOnce(s.ports, { maxPages: 5 })).resolves.toMatchObject({ pulled: 5, applied: 4, failed: 1, cursor: 5 });
    expect(s.state.log[2]).toStrictEqual({ seq: 3, doc: 'doc3', status: 'Failed', error: error.message });
  });
});

describe('retry backoff with the default policy', () => {
  const policy = defaultConfig.retry;
  const schedule = (random: () => number) => {
    const delays: number[] = [];
    for (let attempt = 1; ; attempt += 1) {
      const d = nextRetryDelay(attempt, policy, random);
      if (d === null) return delays;
      delays.push(d);
    }
  };
  const hours = (ms: number[]) => ms.reduce((a, b) => a + b, 0) / 3_600_000;

  it('reaches the maximum delay (1 h) and stays there', () => {
    const delays = schedule(() => 1);
    expect(delays[0]).toBe(policy.baseDelayMs);
    expect(delays.filter((d) => d === policy.maxDelayMs).length).toBeGreaterThanOrEqual(20);
    expect(delays.slice(-1)).toStrictEqual([policy.maxDelayMs]);
  });

  it('retries a failed entry for about a day', () => {
    expect(hours(schedule(() => 0.5))).toBeGreaterThan(20); // the expected schedule (jitter's mean)
    expect(hours(schedule(() => 0.5))).toBeLessThan(28);
    expect(hours(schedule(() => 0))).toBeGreaterThan(12); // least jitter
    expect(hours(schedule(() => 1))).toBeLessThan(36); // most jitter
  });
});
