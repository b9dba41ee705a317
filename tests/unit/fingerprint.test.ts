/**
 * Fingerprints (engine/cursor.ts FINGERPRINTS): a producer restored from a backup that then takes
 * more writes than the consumer had seen reuses the consumer's seqs under the same epoch; only
 * the key of the row at the cursor tells. Producer side (`cursorCheck`, `cursorKeyOf`), consumer
 * side (`recopyReason`, `pullOnce` against an in-memory producer that pages as serve.ts does), and
 * the wire (page check, `afterKey` validation).
 */
import { cursorCheck, cursorKeyOf, cutPage, recopyReason, type Recopy } from '../../server/src/engine/cursor';
import { pullOnce, type PullPorts } from '../../server/src/engine/pull-loop';
import { checkPullPage } from '../../server/src/protocol/checks';
import type { PullResponse, StreamEvent } from '../../server/src/shared/contracts';
import { pullQuerySchema } from '../../server/src/shared/validation/stream';

const TYPE = 'api::a.a';
const ev = (seq: number, key: string | null, contentType = TYPE): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType,
  documentId: `doc${seq}`,
  locale: null,
  data: { n: seq },
  originSiteId: 'producer',
  key,
});
const subscriptions = [{ contentType: TYPE, status: 'Approved' as const, unsubscribed: false, approvedAtSeq: 0 }];

describe('cursorCheck (producer)', () => {
  const log = { head: 10, prunedThrough: 2, keyAtAfter: 'k5' };
  it('pages on when the key at `after` matches, or either key is unknown', () => {
    expect(cursorCheck(5, 'k5', log)).toBeNull();
    expect(cursorCheck(5, null, log)).toBeNull();
    expect(cursorCheck(5, 'other', { ...log, keyAtAfter: null })).toBeNull();
    expect(cursorCheck(0, 'k0', { ...log, prunedThrough: 0 })).toBeNull();
  });
  it('answers diverged when the row at `after` has another key', () => {
    expect(cursorCheck(5, 'k5-before-restore', log)).toBe('diverged');
  });
  it('keeps the other verdicts: ahead of the head, behind what was pruned', () => {
    expect(cursorCheck(11, 'k11', log)).toBe('ahead');
    expect(cursorCheck(1, null, log)).toBe('pruned');
    // A divergence below what was pruned is still a divergence (the seqs were reused).
    expect(cursorCheck(1, 'x', { ...log, keyAtAfter: 'y' })).toBe('diverged');
  });
});

describe('cursorKeyOf (producer)', () => {
  const base = { subscriptions, consumerSiteId: 'consumer' };
  it('a full page: the key of its last row, served or not', () => {
    const rows = [ev(3, 'k3'), { ...ev(4, 'k4'), originSiteId: 'consumer' }];
    const page = cutPage({ ...base, after: 0, head: 10, rows, limit: 2 });
    expect(page.events.map((e) => e.seq)).toEqual([3]);
    expect(page.nextCursor).toBe(4);
    expect(cursorKeyOf(page, { rows, head: 10 }, 'k10')).toBe('k4');
  });
  it('a page that reached the head: the head row’s key (null when it has none)', () => {
    const rows = [ev(3, 'k3')];
    const page = cutPage({ ...base, after: 0, head: 10, rows, limit: 5 });
    expect(cursorKeyOf(page, { rows, head: 10 }, 'k10')).toBe('k10');
    expect(cursorKeyOf(page, { rows, head: 10 }, null)).toBeNull();
    expect(cursorKeyOf(cutPage({ ...base, after: 10, head: 10, rows: [], limit: 5 }), { rows: [], head: 10 }, 'k10')).toBe('k10');
  });
});

describe('recopyReason: diverged', () => {
  const page = { headSeq: 10, epoch: 'E1', prunedThrough: 0 };
  it('re-copies, saying where the log diverged', () => {
    expect(recopyReason(7, 'E1', { ...page, diverged: true })).toStrictEqual({
      kind: 'diverged',
      message: "the producer's log diverged at seq 7 (its database was restored?)",
    });
    expect(recopyReason(7, 'E1', { ...page, diverged: false })).toBeNull();
    expect(recopyReason(7, 'E1', page)).toBeNull(); // a producer that predates fingerprints
  });
});

/** An in-memory producer log with keys, paged as serve.ts pages it. */
class KeyedLog {
  rows: StreamEvent[] = [];
  head = 0;
  epoch = 'E1';
  private n = 0;
  constructor(private keyed = true) {}
  write(count: number): void {
    for (let i = 0; i < count; i += 1) {
      this.head += 1;
      this.n += 1;
      this.rows.push(ev(this.head, this.keyed ? `key-${this.n}` : null));
    }
  }
  snapshot(): { rows: StreamEvent[]; head: number } {
    return { rows: [...this.rows], head: this.head };
  }
  restore(s: { rows: StreamEvent[]; head: number }): void {
    this.rows = [...s.rows];
    this.head = s.head;
  }
  page(after: number, limit: number, afterKey: string | null): PullResponse {
    const keyAt = (seq: number) => this.rows.find((r) => r.seq === seq)?.key ?? null;
    const base = { siteId: 'producer', headSeq: this.head, epoch: this.epoch, prunedThrough: 0, subscriptions: [] };
    const check = cursorCheck(after, afterKey, { head: this.head, prunedThrough: 0, keyAtAfter: keyAt(after) });
    if (check) return { ...base, events: [], nextCursor: after, cursorKey: null, hasMore: false, diverged: check === 'diverged' };
    const rows = this.rows.filter((r) => r.seq > after).slice(0, limit);
    const page = cutPage({ after, head: this.head, rows, limit, subscriptions, consumerSiteId: 'consumer' });
    return { ...base, ...page, cursorKey: cursorKeyOf(page, { rows, head: this.head }, keyAt(this.head)), diverged: false };
  }
}

/** A consumer store: cursor, epoch and key, as producer-store.ts keeps them. */
function consumerOf(log: KeyedLog) {
  const state = { cursor: 0, key: null as string | null, epoch: null as string | null, applied: [] as number[] };
  const sent: Array<string | null> = [];
  const recopies: Recopy[] = [];
  const ports: PullPorts = {
    loadCursor: async () => state.cursor,
    loadCursorKey: async () => state.key,
    loadEpoch: async () => state.epoch,
    saveEpoch: async (epoch) => {
      state.epoch = epoch;
    },
    fetchPage: async (after, limit, opts) => {
      sent.push(opts?.afterKey ?? null);
      return log.page(after, limit, opts?.afterKey ?? null);
    },
    recopy: async (reason, page) => {
      recopies.push(reason);
      state.applied = log.rows.map((r) => r.seq); // the producer's current state
      Object.assign(state, { cursor: page.headSeq, epoch: page.epoch, key: null });
    },
    recordPull: async () => undefined,
    keepLease: async () => undefined,
    prepare: async () => null,
    transaction: (fn) => fn(),
    eventState: async () => ({ processed: false, blocker: null }),
    apply: async (event) => {
      state.applied.push(event.seq);
      return { localDocumentId: event.documentId, data: event.data };
    },
    record: async () => undefined,
    saveCursor: async (seq, key) => {
      if (seq < state.cursor) return;
      Object.assign(state, { cursor: seq, key: key ?? null });
    },
  };
  return { ports, state, sent, recopies };
}

describe('pullOnce with fingerprints', () => {
  it('stores the key of the row at its cursor and sends it back', async () => {
    const log = new KeyedLog();
    log.write(5);
    const c = consumerOf(log);
    await pullOnce(c.ports, { maxPages: 10, batchSize: 2 });
    expect(c.state).toMatchObject({ cursor: 5, key: 'key-5' });
    log.write(1);
    await pullOnce(c.ports, { maxPages: 10 });
    expect(c.sent.at(-1)).toBe('key-5');
    expect(c.state).toMatchObject({ cursor: 6, key: 'key-6' });
    expect(c.recopies).toEqual([]);
  });

  it('learns the key of a cursor it holds without one (an earlier version’s cursor, after a re-copy)', async () => {
    const log = new KeyedLog();
    log.write(4);
    const c = consumerOf(log);
    Object.assign(c.state, { cursor: 4, epoch: 'E1' });
    await pullOnce(c.ports, { maxPages: 10 });
    expect(c.state).toMatchObject({ cursor: 4, key: 'key-4' });
  });

  it('detects a producer restored and then written past the cursor, re-copies and pulls on', async () => {
    const log = new KeyedLog();
    log.write(3);
    const c = consumerOf(log);
    await pullOnce(c.ports, { maxPages: 10 });
    const backup = log.snapshot(); // S1: head 3
    log.write(2); // seen by the consumer: cursor 5
    await pullOnce(c.ports, { maxPages: 10 });
    expect(c.state).toMatchObject({ cursor: 5, key: 'key-5' });
    log.restore(backup);
    log.write(4); // seqs 4..7 again, other changes, same epoch, head 7 >= cursor 5
    const result = await pullOnce(c.ports, { maxPages: 10 });
    expect(c.recopies.map((r) => r.kind)).toEqual(['diverged']);
    expect(result.recopied).toBe("the producer's log diverged at seq 5 (its database was restored?)");
    expect(c.state).toMatchObject({ cursor: 7, key: 'key-9' }); // the re-copy's head, its key learnt
    log.write(1);
    await pullOnce(c.ports, { maxPages: 10 });
    expect(c.state).toMatchObject({ cursor: 8, key: 'key-10' });
    expect(c.recopies).toHaveLength(1);
  });

  it('without keys (a producer or rows that predate them) nothing is checked', async () => {
    const log = new KeyedLog(false);
    log.write(3);
    const c = consumerOf(log);
    await pullOnce(c.ports, { maxPages: 10 });
    const backup = log.snapshot();
    log.write(2);
    await pullOnce(c.ports, { maxPages: 10 });
    log.restore(backup);
    log.write(4);
    await pullOnce(c.ports, { maxPages: 10 });
    expect(c.recopies).toEqual([]); // the gap fingerprints close: undetected without them
    expect(c.sent.every((k) => k === null)).toBe(true);
  });
});

describe('the wire', () => {
  const page = { siteId: 'p', headSeq: 3, epoch: 'E', prunedThrough: 0, nextCursor: 3, hasMore: false, subscriptions: [] };
  it('a page from a producer without fingerprints reads as unknown keys, not diverged', () => {
    const checked = checkPullPage({ ...page, events: [{ ...ev(3, null), key: undefined }] }, 0);
    expect(checked).toMatchObject({ diverged: false, cursorKey: null });
    expect(checked.events[0].key).toBeNull();
  });
  it('refuses a bad diverged flag or key', () => {
    expect(() => checkPullPage({ ...page, events: [], diverged: 'yes' }, 0)).toThrow('diverged is not a boolean');
    expect(() => checkPullPage({ ...page, events: [], cursorKey: 7 }, 0)).toThrow('cursorKey is not a key');
    expect(() => checkPullPage({ ...page, events: [{ ...ev(3, null), key: 'x'.repeat(65) }] }, 0)).toThrow('event #3 has a bad key');
  });
  it('afterKey: 32 lowercase hex characters or nothing', async () => {
    await expect(pullQuerySchema.validate({ after: '3', afterKey: 'ab'.repeat(16) })).resolves.toBeTruthy();
    await expect(pullQuerySchema.validate({ after: '3' })).resolves.toBeTruthy();
    await expect(pullQuerySchema.validate({ after: '3', afterKey: 'nothex' })).rejects.toThrow(
      'afterKey must be 32 lowercase hexadecimal characters (the key of the event at `after`)'
    );
  });
});
