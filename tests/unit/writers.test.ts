/**
 * Issue 12 "one writer per producer" and "no orphan Blocked", on the Strapi-free engines:
 * engine/exclusion.ts (the writers' exclusion) and engine/resync.ts (resync of one document),
 * with the pull loop's processEvent, all against an in-memory sync log. Each race is forced with
 * a gate: the resync's fetch from the producer waits until the test opens it.
 */
import { createExclusion, parseOwner, WriterBusyError, type ExclusionPorts } from '../../server/src/engine/exclusion';
import { processEvent, type PullPorts } from '../../server/src/engine/pull-loop';
import { orphanBlocked, resyncDocument, type LogRowState, type ResyncPorts } from '../../server/src/engine/resync';
import type { StreamEvent } from '../../server/src/shared/contracts';

type Row = LogRowState & { doc: string; nextRetryAt: number | null; error: string | null };

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A consumer's sync log and documents, in memory. */
function world() {
  const log: Row[] = [];
  const docs = new Map<string, number>(); // doc -> seq its state reflects
  let id = 0;
  const add = (seq: number, doc: string, status: Row['status']) =>
    log.push({ id: (id += 1), seq, doc, status, nextRetryAt: null, error: null });
  const rowsOf = (doc: string) => log.filter((r) => r.doc === doc);

  const pullPorts: PullPorts = {
    loadCursor: async () => 0,
    fetchPage: async () => {
      throw new Error('not used');
    },
    recordPull: async () => undefined,
    keepLease: async () => undefined,
    prepare: async () => null,
    transaction: (fn) => fn(),
    eventState: async (event) => {
      const blocking = rowsOf(event.documentId).find((r) => r.status === 'Failed' || r.status === 'Blocked');
      return { processed: log.some((r) => r.seq === event.seq), blocker: blocking ? blocking.seq : null };
    },
    apply: async (event) => {
      docs.set(event.documentId, Math.max(event.seq, docs.get(event.documentId) ?? 0));
      return { localDocumentId: event.documentId, data: null };
    },
    record: async (event, outcome) => {
      if (outcome.status !== 'Ignored') add(event.seq, event.documentId, outcome.status);
    },
    saveCursor: async () => undefined,
  };

  /** Resync ports of `doc`; the fetch from the producer (head `headSeq`) waits for `fetched`. */
  const resyncPorts = (doc: string, headSeq: number, fetched: Promise<void>): ResyncPorts => ({
    reconcile: async () => {
      await fetched;
      return {
        headSeq,
        apply: async (seq) => {
          docs.set(doc, Math.max(seq, docs.get(doc) ?? 0));
          return { localDocumentId: doc };
        },
      };
    },
    transaction: (fn) => fn(),
    markSynced: async (seq) => {
      for (const r of rowsOf(doc)) if ((r.status === 'Failed' || r.status === 'Blocked') && r.seq <= seq) r.status = 'Synced';
    },
    unresolved: async () => rowsOf(doc).filter((r) => r.status !== 'Synced'),
    release: async (ids, note) => {
      for (const r of log) if (ids.includes(r.id)) Object.assign(r, { status: 'Failed', nextRetryAt: Date.now(), error: note });
    },
  });
  return { log, docs, add, rowsOf, pullPorts, resyncPorts };
}

const event = (seq: number, documentId: string): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType: 'api::a.a',
  documentId,
  locale: null,
  data: { n: seq },
  originSiteId: null,
});

/** The invariant: every Blocked row of a document has an unresolved Failed row of it before. */
const orphans = (w: ReturnType<typeof world>) => [...new Set(w.log.map((r) => r.doc))].flatMap((d) => orphanBlocked(w.rowsOf(d)));

/** One database shared by "processes": an advisory lock table and the lease row. */
function sharedDb(alive: (session: string) => boolean = () => true) {
  const locks = new Set<number>();
  const lease = new Map<number, string>();
  let sessions = 0;
  const ports = (): ExclusionPorts => ({
    tryLock: async (key) => {
      if (locks.has(key)) return null;
      locks.add(key);
      return { sessionId: `pg:${(sessions += 1)}`, unlock: async () => void locks.delete(key) };
    },
    isSessionAlive: async (s) => alive(s),
    acquireLease: async (key, owner) => {
      const held = lease.get(key);
      if (held && held !== owner) return false;
      lease.set(key, owner);
      return true;
    },
    leaseOwner: async (key) => lease.get(key) ?? null,
    takeLease: async (key, owner) => (lease.set(key, owner), true),
    renewLease: async () => undefined,
    releaseLease: async (key, owner) => {
      if (lease.get(key) === owner) lease.delete(key);
    },
    warn: () => undefined,
  });
  return { ports, lease, locks };
}

const WAIT_ALL = { localWaitMs: Infinity, remoteWaitMs: 5_000 };

describe('no orphan Blocked under a racing resync', () => {
  test('a pull records a later event Blocked while the resync fetches: the resync releases it for retry in the same transaction', async () => {
    const w = world();
    w.add(1, 'A', 'Failed');
    const fetch = gate();
    const resync = resyncDocument(w.resyncPorts('A', 2, fetch.opened), 1); // the producer's head is #2 when it fetches
    await tick();
    // The forced interleaving: the pull sees #1 unresolved and records #3 Blocked behind it.
    expect(await processEvent(w.pullPorts, event(3, 'A'))).toBe('Blocked');
    fetch.open();
    expect(await resync).toMatchObject({ upTo: 2, released: 1 });
    expect(orphans(w)).toEqual([]);
    expect(w.rowsOf('A').map((r) => [r.seq, r.status, r.nextRetryAt !== null])).toEqual([
      [1, 'Synced', false],
      [3, 'Failed', true], // due now: the retry reconciles it
    ]);
  });

  test('through the writers exclusion the pull waits for the resync, then applies the event: nothing Blocked at all', async () => {
    const w = world();
    w.add(1, 'A', 'Failed');
    const exclusion = createExclusion(sharedDb().ports(), { instanceId: 'i1', renewMs: 60_000 });
    const fetch = gate();
    const order: string[] = [];
    const resync = exclusion.run(
      7,
      'a resync',
      async () => {
        order.push('resync');
        return resyncDocument(w.resyncPorts('A', 2, fetch.opened), 1);
      },
      WAIT_ALL
    );
    const pull = exclusion.run(
      7,
      'a pull',
      async () => {
        order.push('pull');
        return processEvent(w.pullPorts, event(3, 'A'));
      },
      WAIT_ALL
    );
    await tick();
    expect(order).toEqual(['resync']); // the pull has not started
    expect(exclusion.holder(7)).toBe('a resync');
    fetch.open();
    await resync;
    expect(await pull).toBe('Synced');
    expect(order).toEqual(['resync', 'pull']);
    expect(w.rowsOf('A').map((r) => [r.seq, r.status])).toEqual([
      [1, 'Synced'],
      [3, 'Synced'],
    ]);
    expect(w.docs.get('A')).toBe(3);
    expect(orphans(w)).toEqual([]);
  });
});

describe('the writers exclusion', () => {
  test('two processes on one database: the second is busy at once (pull) or waits its turn (manual), and says who holds it', async () => {
    const db = sharedDb();
    const p1 = createExclusion(db.ports(), { instanceId: 'p1', renewMs: 60_000 });
    const p2 = createExclusion(db.ports(), { instanceId: 'p2', renewMs: 60_000 });
    const done = gate();
    const first = p1.run(1, 'a back-fill', () => done.opened, WAIT_ALL);
    await tick();
    const busy = p2.run(1, 'a pull', async () => 'ran', { localWaitMs: Infinity, remoteWaitMs: 0 });
    await expect(busy).rejects.toThrow(new WriterBusyError(1, null, false).message);
    let ran = false;
    const waiting = p2.run(1, 'a resync', async () => (ran = true), WAIT_ALL);
    await tick();
    expect(ran).toBe(false);
    // Another producer is independent.
    await expect(p2.run(2, 'a pull', async () => 'other', WAIT_ALL)).resolves.toBe('other');
    done.open();
    await first;
    await waiting;
    expect(ran).toBe(true);
    expect(db.lease.size).toBe(0);
    expect(db.locks.size).toBe(0);
  });

  test('a lease whose lock session is gone (a killed process) is taken over; a live or unknown one is respected', async () => {
    const db = sharedDb((s) => s !== 'pg:999');
    db.lease.set(1, 'dead-instance/a pull/pg:999');
    const ex = createExclusion(db.ports(), { instanceId: 'p', renewMs: 60_000 });
    await expect(ex.run(1, 'a pull', async (owner) => owner, WAIT_ALL)).resolves.toMatch(/^p\/a pull\/pg:\d+$/);
    db.lease.set(2, 'held-by-test');
    await expect(ex.run(2, 'a pull', async () => 'ran', { localWaitMs: 0, remoteWaitMs: 0 })).rejects.toBeInstanceOf(WriterBusyError);
    expect(db.lease.get(2)).toBe('held-by-test');
    expect(parseOwner('i/a back-fill/pg:12')).toEqual({ what: 'a back-fill', sessionId: 'pg:12' });
  });

  test('in one process: FIFO, a bounded wait answers busy naming the holder, and nested writers of the same producer do not deadlock', async () => {
    const ex = createExclusion(sharedDb().ports(), { instanceId: 'p', renewMs: 60_000 });
    const done = gate();
    const order: number[] = [];
    const holder = ex.run(1, 'a back-fill', () => done.opened, WAIT_ALL);
    await tick();
    await expect(ex.run(1, 'a resync', async () => 'ran', { localWaitMs: 20, remoteWaitMs: 0 })).rejects.toThrow(
      'A back-fill of this producer is running, try again in a moment'
    );
    const queued = [1, 2, 3].map((n) => ex.run(1, `writer ${n}`, async () => void order.push(n), WAIT_ALL));
    done.open();
    await holder;
    await Promise.all(queued);
    expect(order).toEqual([1, 2, 3]);
    const nested = await ex.run(1, 'a retry', (owner) => ex.run(1, 'a resync', async (inner) => inner === owner, WAIT_ALL), WAIT_ALL);
    expect(nested).toBe(true);
    expect(ex.holder(1)).toBeNull();
  });
});
