import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { createExclusion, type RunOptions } from '../engine/exclusion';
import { isSessionAlive, tryAdvisoryLock } from '../site/db-lock';
import { getService } from '../utils';

export { WriterBusyError } from '../engine/exclusion';

/** First key of the producers' database locks (pg_try_advisory_lock(int4, int4)); the second is the producer id. */
export const PRODUCER_LOCK_NS = 0x45530001;

/**
 * How long writers wait for their turn.
 * - pull: behind a writer of this process as long as it takes (it is about to finish, and the pull
 *   then fetches what arrived meanwhile); not behind another instance, which is pulling or
 *   writing this producer itself (the caller answers `busy`, the next notification or tick pulls).
 * - background (cron retry): likewise; skipped this tick when another instance holds the producer.
 * - manual (Resync, Resync all failed, Back-fill from the admin): a user clicking Resync expects
 *   it to happen, and the usual holder — a pull — lasts well under a second, so the request waits
 *   for it, up to 15 s; a writer that holds the producer longer (a long back-fill or catch-up)
 *   answers 409 "… is running, try again in a moment" rather than hanging the request.
 */
export const WAIT: Record<'pull' | 'background' | 'manual', RunOptions> = {
  pull: { localWaitMs: Infinity, remoteWaitMs: 0 },
  background: { localWaitMs: Infinity, remoteWaitMs: 0 },
  manual: { localWaitMs: 15_000, remoteWaitMs: 15_000 },
};

/**
 * The consumer's one per-producer exclusion (engine/exclusion.ts has the invariants): every writer
 * of a producer's documents, references, sync log and cursor — pull, retry, resync, resync-all,
 * back-fill — runs through `withProducer`. It takes the in-process mutex, the database lock
 * (site/db-lock.ts: PostgreSQL advisory lock; in-process on SQLite) and the lease row
 * (producer-store.ts), runs `fn(owner)` and releases them.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'producer-store');
  const leaseMs = () => getService(strapi, 'settings').config().leaseMs;
  let engine: ReturnType<typeof createExclusion> | null = null;
  const exclusion = () =>
    (engine ??= createExclusion(
      {
        tryLock: (key) => tryAdvisoryLock(strapi, PRODUCER_LOCK_NS, key),
        isSessionAlive: (sessionId) => isSessionAlive(strapi, sessionId),
        acquireLease: (key, owner) => store().acquireLease(key, owner, leaseMs()),
        leaseOwner: (key) => store().leaseOwner(key),
        takeLease: (key, owner) => store().takeLease(key, owner, leaseMs()),
        renewLease: (key, owner) => store().renewLease(key, owner, leaseMs()),
        releaseLease: async (key, owner) => {
          await store().releaseLease(key, owner);
        },
        warn: (message) => strapi.log.warn(`event-streaming: ${message}`),
      },
      { instanceId: crypto.randomUUID(), renewMs: Math.max(1000, Math.floor(leaseMs() / 3)) }
    ));

  return {
    /**
     * Runs `fn(owner)` as the only writer of producer `producerId` (`owner`: the lease owner, for
     * cursor saves). `what` names the writer in messages ("a pull", "a resync").
     * @throws WriterBusyError (409 in a controller) when another writer kept it past `wait`.
     */
    withProducer<T>(producerId: number, what: string, fn: (owner: string) => Promise<T>, wait: RunOptions = WAIT.manual): Promise<T> {
      return exclusion().run(producerId, what, fn, wait);
    },
  };
};
