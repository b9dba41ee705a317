/**
 * The pull loop's recovery (re-copy when the producer's log moved under the cursor) and adaptive
 * pages (halve a page too large or too slow; skip one event too large as Failed), against an
 * in-memory producer log and consumer store.
 */
import { recopyReason, type Recopy } from '../../server/src/engine/cursor';
import { PageSizer, PageTooLargeError, PageTooSlowError } from '../../server/src/engine/page-size';
import { pullOnce, type Outcome, type PullPorts } from '../../server/src/engine/pull-loop';
import type { PullResponse, StreamEvent } from '../../server/src/shared/contracts';

const ev = (seq: number, size = 1): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType: 'api::a.a',
  documentId: `doc${seq}`,
  locale: null,
  data: { size },
  originSiteId: 'producer',
});

interface Producer {
  events: StreamEvent[];
  head: number;
  epoch: string;
  prunedThrough: number;
  /** A page whose events' sizes add up above this is too large. */
  maxBytes: number;
  /** A page of more events than this is too slow. */
  maxEvents: number;
}

/** A producer serving pages as serve.ts does (an empty page at the cursor when it is out of range). */
function producerPage(p: Producer, after: number, limit: number, withData: boolean): PullResponse {
  const base = { siteId: 'producer', headSeq: p.head, epoch: p.epoch, prunedThrough: p.prunedThrough, subscriptions: [] };
  if (after > p.head || after < p.prunedThrough) return { ...base, events: [], nextCursor: after, hasMore: false };
  const rows = p.events.filter((e) => e.seq > after && e.seq <= p.head).slice(0, limit);
  if (rows.length > p.maxEvents) throw new PageTooSlowError('no complete answer within 10 ms');
  if (withData && rows.reduce((n, e) => n + Number(e.data?.size ?? 0), 0) > p.maxBytes)
    throw new PageTooLargeError('answered with a response larger than the configured limit (config maxResponseBytes)');
  const full = rows.length >= limit;
  const last = rows.length ? rows[rows.length - 1].seq : after;
  return {
    ...base,
    events: withData ? rows : rows.map((e) => ({ ...e, data: null })),
    nextCursor: full ? last : p.head,
    hasMore: full && last < p.head,
  };
}

function consumer(p: Producer, start: { cursor: number; epoch: string | null }) {
  const state = { cursor: start.cursor, epoch: start.epoch, applied: [] as number[], log: [] as Array<{ seq: number; outcome: Outcome }> };
  const calls = { limits: [] as Array<number | string>, recopies: [] as Recopy[] };
  let inTx = false;
  const ports: PullPorts = {
    loadCursor: async () => state.cursor,
    loadEpoch: async () => state.epoch,
    saveEpoch: async (epoch) => {
      state.epoch = epoch;
    },
    fetchPage: async (after, limit, opts) => {
      calls.limits.push(opts?.withData === false ? `${limit} without data` : limit);
      return producerPage(p, after, limit, opts?.withData !== false);
    },
    recopy: async (reason, page) => {
      if (inTx) throw new Error('recopy inside a transaction');
      calls.recopies.push(reason);
      state.cursor = page.headSeq;
      state.epoch = page.epoch;
    },
    recordPull: async () => undefined,
    keepLease: async () => undefined,
    prepare: async (event) => {
      if (event.data === null) throw new Error(`event ${event.seq} prepared without its data`);
      return null;
    },
    transaction: async (fn) => {
      inTx = true;
      try {
        return await fn();
      } finally {
        inTx = false;
      }
    },
    eventState: async (event) => ({ processed: state.log.some((l) => l.seq === event.seq), blocker: null }),
    apply: async (event) => {
      state.applied.push(event.seq);
      return { localDocumentId: event.documentId, data: event.data };
    },
    record: async (event, outcome) => {
      state.log.push({ seq: event.seq, outcome });
    },
    saveCursor: async (seq) => {
      if (!inTx) throw new Error('saveCursor outside a transaction');
      state.cursor = Math.max(state.cursor, seq);
    },
  };
  return { ports, state, calls };
}

const log = (n: number, sizes: Record<number, number> = {}) => Array.from({ length: n }, (_, i) => ev(i + 1, sizes[i + 1] ?? 1));
const producer = (over: Partial<Producer> = {}): Producer => ({
  events: log(10),
  head: 10,
  epoch: 'E1',
  prunedThrough: 0,
  maxBytes: 1_000,
  maxEvents: 1_000,
  ...over,
});

describe('recopyReason', () => {
  const page = { headSeq: 10, epoch: 'E1', prunedThrough: 4 };
  it('goes on when the epoch matches and the cursor is within [prunedThrough, head]', () => {
    expect(recopyReason(4, 'E1', page)).toBeNull();
    expect(recopyReason(10, 'E1', page)).toBeNull();
  });
  it('adopts a first epoch (none stored) without a re-copy', () => {
    expect(recopyReason(7, null, page)).toBeNull();
  });
  it('re-copies when the epoch changed, the cursor is ahead of the head, or behind what was pruned', () => {
    expect(recopyReason(7, 'E0', page)?.kind).toBe('epoch');
    expect(recopyReason(11, 'E1', page)).toStrictEqual({
      kind: 'restored',
      message: "cursor 11 is ahead of the producer's head 10: its database was restored from an older backup",
    });
    expect(recopyReason(3, 'E1', page)).toStrictEqual({
      kind: 'pruned',
      message: 'cursor 3 is behind what the producer pruned (through 4): events were lost',
    });
    // A stale cursor with no stored epoch (an earlier version's) is still caught by the head.
    expect(recopyReason(11, null, page)?.kind).toBe('restored');
  });
});

describe('pullOnce recovers by re-copying', () => {
  it.each([
    ['the cursor is ahead of the head (restored producer)', { cursor: 15, epoch: 'E1' }, {}, 'restored'],
    ['the cursor is behind what was pruned', { cursor: 2, epoch: 'E1' }, { prunedThrough: 6 }, 'pruned'],
    ['the epoch changed', { cursor: 3, epoch: 'E0' }, {}, 'epoch'],
  ] as const)('when %s: re-copies once, continues from the head, and says why', async (_, start, over, kind) => {
    const p = producer(over);
    const c = consumer(p, start);
    const result = await pullOnce(c.ports, { maxPages: 5, pages: new PageSizer(100) });
    expect(c.calls.recopies.map((r) => r.kind)).toStrictEqual([kind]);
    expect(result.recopied).toBe(c.calls.recopies[0].message);
    expect(c.state).toMatchObject({ cursor: 10, epoch: 'E1', applied: [] });
    // New writes after the re-copy stream normally.
    p.events.push(ev(11), ev(12));
    p.head = 12;
    const next = await pullOnce(c.ports, { maxPages: 5, pages: new PageSizer(100) });
    expect(next).toStrictEqual({ pulled: 2, applied: 2, failed: 0, cursor: 12, headSeq: 12 });
    expect(c.calls.recopies.length).toBe(1);
  });

  it('stores the first epoch it sees, then pulls on without a re-copy', async () => {
    const c = consumer(producer(), { cursor: 4, epoch: null });
    await expect(pullOnce(c.ports, { maxPages: 5 })).resolves.toMatchObject({ pulled: 6, cursor: 10 });
    expect(c.state.epoch).toBe('E1');
    expect(c.calls.recopies).toStrictEqual([]);
  });

  it('re-copies at most once per pull: a log that moves again fails the pull (the next one starts over)', async () => {
    const p = producer();
    const c = consumer(p, { cursor: 20, epoch: 'E1' });
    c.ports.recopy = async (reason) => {
      c.calls.recopies.push(reason);
      c.state.cursor = 10;
      p.epoch = 'E2'; // restored again meanwhile
    };
    await expect(pullOnce(c.ports, { maxPages: 5 })).rejects.toThrow(/moved again during a re-copy.*epoch changed/);
    expect(c.calls.recopies.length).toBe(1);
  });
});

describe('adaptive pages', () => {
  it('a page too large is asked again at half the size, down to what fits', async () => {
    const p = producer({ events: log(10, { 1: 300, 2: 300, 3: 300, 4: 300 }), maxBytes: 700 });
    const c = consumer(p, { cursor: 0, epoch: 'E1' });
    const sizer = new PageSizer(8);
    await expect(pullOnce(c.ports, { maxPages: 20, pages: sizer })).resolves.toMatchObject({
      pulled: 10,
      applied: 10,
      failed: 0,
      cursor: 10,
    });
    expect(c.calls.limits.slice(0, 3)).toStrictEqual([8, 4, 2]);
    expect(c.state.applied).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sizer.limit).toBe(2); // remembered for the next pulls
  });

  it('a page too slow is halved the same way; one event too slow stops the pull (transient)', async () => {
    const c = consumer(producer({ maxEvents: 3 }), { cursor: 0, epoch: 'E1' });
    await expect(pullOnce(c.ports, { maxPages: 20, pages: new PageSizer(10) })).resolves.toMatchObject({ applied: 10 });
    expect(c.calls.limits.slice(0, 4)).toStrictEqual([10, 5, 2, 2]);
    const stuck = consumer(producer({ maxEvents: 0 }), { cursor: 0, epoch: 'E1' });
    await expect(pullOnce(stuck.ports, { maxPages: 20, pages: new PageSizer(4) })).rejects.toBeInstanceOf(PageTooSlowError);
    expect(stuck.state.cursor).toBe(0);
    expect(stuck.state.log).toStrictEqual([]);
  });

  it('one event too large alone is recorded Failed with the reason and passed; the others are applied', async () => {
    const c = consumer(producer({ events: log(6, { 3: 5_000 }), head: 6 }), { cursor: 0, epoch: 'E1' });
    await expect(pullOnce(c.ports, { maxPages: 20, pages: new PageSizer(4) })).resolves.toMatchObject({
      pulled: 6,
      applied: 5,
      failed: 1,
      cursor: 6,
    });
    expect(c.state.applied).toStrictEqual([1, 2, 4, 5, 6]);
    expect(c.state.log.find((l) => l.seq === 3)?.outcome).toStrictEqual({
      status: 'Failed',
      error:
        'Event #3 (Update api::a.a doc3) is too large to transfer: answered with a response larger than the configured limit (config maxResponseBytes)',
    });
    expect(c.calls.limits).toContain('1 without data');
  });

  it('the size grows back gradually after pages that succeed', () => {
    const sizer = new PageSizer(100, 3);
    expect(sizer.shrink()).toBe(true);
    expect(sizer.shrink()).toBe(true);
    expect(sizer.limit).toBe(25);
    for (let i = 0; i < 3; i += 1) sizer.succeeded();
    expect(sizer.limit).toBe(50);
    for (let i = 0; i < 6; i += 1) sizer.succeeded();
    expect(sizer.limit).toBe(100);
    const one = new PageSizer(1);
    expect(one.shrink()).toBe(false);
  });
});
