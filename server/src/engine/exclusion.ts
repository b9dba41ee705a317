import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One writer per producer on the consumer. Strapi-free: the adapter (consumer/exclusion.ts) gives
 * the ports (the database lock of site/db-lock.ts, the lease of consumer/producer-store.ts).
 *
 * INVARIANTS
 * 1. Every writer of a producer's documents, references, sync log and cursor (pull, retry,
 *    resync, resync-all, back-fill) runs inside `run(producerId, …)`: at most one at a time per
 *    producer, in this process (a FIFO mutex) and across processes sharing the database (the
 *    cross-process lock, then the lease row).
 * 2. Order of taking: in-process mutex, then the lock, then the lease; released in reverse, in a
 *    finally. A writer waiting for the lock holds the mutex only while it polls (bounded by its
 *    wait), so two local writers never both poll.
 * 3. A lease held by a dead session (its lock's session is gone: kill -9) is taken over; a lease
 *    held by a live or unknown holder is respected (it expires after `leaseMs`). The lease owner
 *    is `<instance>/<what>/<session>`, so a refused writer can say who holds it.
 * 4. Re-entrant: a writer already inside `run` for a producer (e.g. a retry that resyncs rows)
 *    runs nested work directly, with the same owner — never deadlocks on itself.
 * 5. The lease is renewed every `renewMs` while the writer runs; the pull also renews and checks it
 *    per page, and the cursor save checks it (producer-store.ts), so a writer that lost it commits
 *    no cursor move.
 */
export interface ExclusionPorts {
  tryLock(key: number): Promise<{ unlock(): Promise<void>; sessionId: string } | null>;
  isSessionAlive(sessionId: string): Promise<boolean>;
  acquireLease(key: number, owner: string): Promise<boolean>;
  leaseOwner(key: number): Promise<string | null>;
  takeLease(key: number, owner: string): Promise<boolean>;
  renewLease(key: number, owner: string): Promise<void>;
  releaseLease(key: number, owner: string): Promise<void>;
  warn(message: string): void;
}

/** Another writer holds the producer: the caller may answer 409 or skip. */
export class WriterBusyError extends Error {
  constructor(
    readonly key: number,
    readonly holder: string | null,
    readonly local: boolean
  ) {
    super(
      `${holder ? holder[0].toUpperCase() + holder.slice(1) : 'Another writer'} of this producer is running${local ? '' : ' on another instance'}, try again in a moment`
    );
    this.name = 'WriterBusyError';
  }
}

export interface RunOptions {
  /** How long to wait for a writer of this process (ms); Infinity: until it is done. */
  localWaitMs: number;
  /** How long to wait for a writer of another process (ms); 0: give up at once. */
  remoteWaitMs: number;
}

/** What a lease owner string says: what holds it and its lock's session. */
export const parseOwner = (owner: string | null): { what: string | null; sessionId: string | null } => {
  if (!owner) return { what: null, sessionId: null };
  const parts = owner.split('/');
  return { what: parts.length >= 3 ? parts.slice(1, -1).join('/') : null, sessionId: parts[parts.length - 1] ?? null };
};

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createExclusion(ports: ExclusionPorts, opts: { instanceId: string; renewMs: number }) {
  /** In-process mutex per key: who holds it, and who waits (FIFO). */
  const local = new Map<number, { holder: string; waiters: Array<{ what: string; wake: () => void }> }>();
  const context = new AsyncLocalStorage<Map<number, string>>();

  const lockLocal = (key: number, what: string, waitMs: number): Promise<void> => {
    const entry = local.get(key);
    if (!entry) {
      local.set(key, { holder: what, waiters: [] });
      return Promise.resolve();
    }
    if (waitMs <= 0) return Promise.reject(new WriterBusyError(key, entry.holder, true));
    return new Promise<void>((resolve, reject) => {
      const waiter = { what, wake: () => (clearTimeout(timer), resolve()) };
      const timer = Number.isFinite(waitMs)
        ? setTimeout(() => {
            entry.waiters.splice(entry.waiters.indexOf(waiter), 1);
            reject(new WriterBusyError(key, entry.holder, true));
          }, waitMs)
        : undefined;
      entry.waiters.push(waiter);
    });
  };
  const unlockLocal = (key: number) => {
    const entry = local.get(key);
    const next = entry?.waiters.shift();
    if (!entry || !next) return void local.delete(key);
    entry.holder = next.what;
    next.wake();
  };

  /** The lock and the lease, polled until `deadline`; throws WriterBusyError after it. */
  const lockShared = async (key: number, what: string, deadline: number) => {
    for (;;) {
      const lock = await ports.tryLock(key);
      let holder: string | null = null;
      if (lock) {
        const owner = `${opts.instanceId}/${what}/${lock.sessionId}`;
        try {
          let leased = await ports.acquireLease(key, owner);
          if (!leased) {
            const current = parseOwner(await ports.leaseOwner(key));
            holder = current.what;
            // Invariant 3: a lease whose session is gone is a killed process's.
            if (current.sessionId && !(await ports.isSessionAlive(current.sessionId))) leased = await ports.takeLease(key, owner);
          }
          if (leased) return { lock, owner };
        } catch (error) {
          await lock.unlock();
          throw error;
        }
        await lock.unlock();
      }
      if (Date.now() + POLL_MS > deadline) throw new WriterBusyError(key, holder, false);
      await sleep(POLL_MS);
    }
  };

  return {
    /**
     * Runs `fn(owner)` as the one writer of producer `key` (see the invariants above); `what`
     * names it in messages ("a pull"). @throws WriterBusyError when it could not get its turn
     * within the waits; nothing of `fn` ran then.
     */
    async run<T>(key: number, what: string, fn: (owner: string) => Promise<T>, wait: RunOptions): Promise<T> {
      const mine = context.getStore()?.get(key);
      if (mine) return fn(mine); // invariant 4
      await lockLocal(key, what, wait.localWaitMs);
      try {
        const { lock, owner } = await lockShared(key, what, Date.now() + wait.remoteWaitMs);
        const renew = setInterval(() => {
          ports
            .renewLease(key, owner)
            .catch((error: unknown) => ports.warn(`renewing the lease of producer ${key} failed: ${String(error)}`));
        }, opts.renewMs);
        try {
          const held = new Map(context.getStore() ?? []);
          held.set(key, owner);
          return await context.run(held, () => fn(owner));
        } finally {
          clearInterval(renew);
          try {
            await ports.releaseLease(key, owner);
          } finally {
            await lock.unlock();
          }
        }
      } finally {
        unlockLocal(key);
      }
    },
    /** Who holds producer `key` in this process (for messages and tests), or null. */
    holder: (key: number): string | null => local.get(key)?.holder ?? null,
  };
}
