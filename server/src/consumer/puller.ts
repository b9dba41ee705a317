import type { Core } from '@strapi/strapi';
import { nextRetryDelay } from '../engine/backoff';
import { errorMessage, LeaseLostError } from '../engine/errors';
import { PageSizer } from '../engine/page-size';
import { pullOnce, type PullPorts, type PullResult } from '../engine/pull-loop';
import { getService } from '../utils';
import { logSafe } from '../site/log-safe';
import type { Prepared } from './applier';
import { WAIT, WriterBusyError } from './exclusion';
import type { ProducerRow } from './producer-registry';

export { LeaseLostError };

/**
 * Pull coordination on the consumer: at most one pull per producer at a time. In this process a
 * promise per producer, with a "pull again" flag that coalesces notifications arriving meanwhile;
 * the pull itself runs inside the producer's one writer exclusion (consumer/exclusion.ts: mutex,
 * database lock, lease), like every other writer (retry, resync, back-fill) — a pull waits for a
 * writer of this process and is `busy` (null) while another instance holds the producer.
 *
 * A DEAD PREDECESSOR does not hold a restarted process back (kill -9 leaves its lease behind):
 * the lease owner names the database lock's session (site/db-lock.ts), and a successor holding
 * the lock takes over a lease whose session is gone. On SQLite one process owns the database
 * file, so at boot every lease is a dead process's and is cleared.
 * The lease row stays the check of every cursor save (a pull whose connection broke and whose
 * lock went to another instance commits nothing more).
 * At boot every producer is pulled at once (fire-and-forget; failures go to its health), not at
 * the next cron tick; each cron tick pulls every producer concurrently, so a slow producer never
 * delays the others.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const inFlight = new Map<number, { promise: Promise<PullResult | null>; again: boolean }>();
  let stopped = false;
  const store = () => getService(strapi, 'producer-store');
  const settings = () => getService(strapi, 'settings');
  /** Page size per producer, remembered across pulls (shrunk after too large/slow pages, engine/page-size.ts). */
  const pageSizers = new Map<number, PageSizer>();

  /** Producers a cron tick works on at once: half the database pool (at least 2), 8 on SQLite. */
  const tickConcurrency = (): number => {
    if (strapi.db.dialect.client === 'sqlite') return 8;
    const max = Number((strapi.db.connection.client as unknown as { pool?: { max?: number } }).pool?.max ?? 10);
    return Math.max(2, Math.floor(max / 2));
  };

  const ports = (producer: ProducerRow, owner: string): PullPorts => {
    const applier = getService(strapi, 'applier');
    const cfg = settings().config();
    // The lease was taken (or renewed) just before these ports were made (consumer/exclusion.ts).
    let renewedAt = Date.now();
    const renew = async () => {
      await store().renewLease(producer.id, owner, cfg.leaseMs);
      renewedAt = Date.now();
    };
    const keepLease = async () => {
      if (Date.now() - renewedAt >= cfg.leaseMs / 3) await renew();
    };
    // Cursor, key and epoch: read once, at the start of the pull these ports serve (one pullOnce each).
    let start: ReturnType<ReturnType<typeof store>['loadCursorState']> | null = null;
    const cursorState = () => (start ??= store().loadCursorState(producer.id));
    /** The producer's head as the last page said: saved with the cursor. */
    let headSeq: number | undefined;
    return {
      loadCursor: async () => (await cursorState()).seq,
      loadCursorKey: async () => (await cursorState()).key,
      loadEpoch: async () => (await cursorState()).epoch,
      saveEpoch: (epoch) => store().saveEpoch(producer.id, owner, epoch),
      fetchPage: async (after, limit, opts) => {
        // The lease must outlive the request (its deadline is requestTimeoutMs): renewed unless
        // more than twice that is left — not before every page (a commit on the path of latency).
        if (renewedAt + cfg.leaseMs - Date.now() < 2 * cfg.requestTimeoutMs) await renew();
        return getService(strapi, 'producer-client').pull(producer, after, limit, opts);
      },
      recopy: (reason, page) => getService(strapi, 'backfill').recopy(producer, owner, reason, page, keepLease),
      recordPull: async (page) => {
        headSeq = page.headSeq;
        // With the statuses, atomically: a type that became Approved gets its back-fill on approval.
        const subscriptions = await strapi.db.transaction(async () => {
          const updated = await store().recordPull(producer.id, page);
          if (updated) await getService(strapi, 'backfill').noteApprovals(producer, producer.subscriptions, updated);
          return updated;
        });
        if (subscriptions) producer.subscriptions = subscriptions;
      },
      /** Renews the lease when a third of it has passed (per batch or event: a slow page must not outlive it). */
      keepLease,
      prepare: (event, opts) => applier.prepare(producer, producer.subscriptions ?? [], event, { ...opts, gate: true }),
      transaction: <T>(fn: () => Promise<T>) => strapi.db.transaction(() => fn()) as unknown as Promise<T>,
      eventState: (event) => getService(strapi, 'sync-log').eventState(producer.id, event),
      apply: (event, prepared) => applier.apply(producer, event, prepared as Prepared),
      discard: (prepared) => applier.discard(producer, prepared as Prepared),
      record: (event, outcome) => getService(strapi, 'sync-log').record(producer, event, outcome),
      // Only while this instance holds the lease (see producer-store.ts).
      saveCursor: (seq, key) => store().saveCursor(producer.id, owner, seq, key ?? null, headSeq),
    };
  };

  /** The pull, as the producer's writer (the producer is read inside: its settings may have changed). */
  const runPull = async (producerId: number): Promise<PullResult | null> => {
    try {
      return await getService(strapi, 'exclusion').withProducer(
        producerId,
        'a pull',
        async (owner) => {
          const producer = await store().get(producerId);
          // A push-mode producer is never called: its pages arrive (consumer/push-receiver.ts).
          return producer && producer.mode !== 'push' ? pullLeased(producer, owner) : null;
        },
        WAIT.pull
      );
    } catch (error) {
      if (error instanceof WriterBusyError) return null; // another instance is writing this producer
      throw error;
    }
  };

  const pullLeased = async (producer: ProducerRow, owner: string): Promise<PullResult> => {
    const producerId = producer.id;
    try {
      const cfg = settings().config();
      if (!pageSizers.has(producerId)) pageSizers.set(producerId, new PageSizer(cfg.pageSize));
      const result = await pullOnce(ports(producer, owner), {
        maxPages: cfg.maxPagesPerPull,
        pages: pageSizers.get(producerId),
        batchSize: cfg.applyBatchSize,
        batchMs: cfg.applyBatchMs,
      });
      // Back-fills on approval (pending or interrupted), nested in this pull's exclusion.
      await getService(strapi, 'backfill').runPending(producer);
      await store().recordHealth(producerId, { ok: true, cursor: result.cursor, headSeq: result.headSeq });
      return result;
    } catch (error) {
      const message = errorMessage(error);
      strapi.log.warn(logSafe`event-streaming: pulling from ${producer.producerUrl} failed: ${message}`);
      await store().recordHealth(producerId, { ok: false, error: message });
      throw error;
    }
  };

  const service = {
    /** The pull loop's ports for `producer` as writer `owner` (push mode applies pushed pages through them). */
    ports,

    /**
     * Pulls from a producer now, or — if a pull of it is running in this process — makes that
     * pull run once more and waits for it. Resolves with the last run's result.
     */
    async pull(producerId: number): Promise<PullResult | null> {
      if (stopped) return null;
      const running = inFlight.get(producerId);
      if (running) {
        running.again = true;
        return running.promise;
      }
      const entry = { again: false, promise: Promise.resolve<PullResult | null>(null) };
      entry.promise = (async () => {
        try {
          let result: PullResult | null;
          do {
            entry.again = false;
            result = await runPull(producerId);
          } while (entry.again && !stopped);
          return result;
        } finally {
          inFlight.delete(producerId);
        }
      })();
      inFlight.set(producerId, entry);
      return entry.promise;
    },

    /** Fire-and-forget pull (notifications): failures are recorded on the producer's health. */
    requestPull(producerId: number): void {
      service
        .pull(producerId)
        .catch((error: unknown) => strapi.log.debug(logSafe`event-streaming: pull ${producerId}: ${errorMessage(error)}`));
    },

    /**
     * At boot: frees the leases of dead processes (SQLite: every lease, see above), then pulls
     * every producer at once, in the background (failures are recorded on each one's health).
     */
    async boot(): Promise<void> {
      if (strapi.db.dialect.client === 'sqlite') {
        const freed = await store().clearLeases();
        if (freed) strapi.log.info(`event-streaming: freed ${freed} pull lease(s) left by a previous process`);
      }
      if (!settings().config().pullOnBoot) return;
      void (async () => {
        for (const id of await store().ids()) service.requestPull(id);
      })().catch((error: unknown) => strapi.log.warn(logSafe`event-streaming: the boot-time pull failed: ${errorMessage(error)}`));
    },

    /**
     * The cron job: every producer on its own — pull it, then retry its failed events that are
     * due — several at once, so a slow or unreachable producer delays no other. At most
     * `tickConcurrency()` at a time: on PostgreSQL each running writer holds a pooled connection
     * for its lock, and the pool must keep connections for the writers' own queries.
     */
    async tick(): Promise<void> {
      const resync = getService(strapi, 'resync');
      const ids = await store().ids();
      const push = new Set((await store().list()).filter((p) => p.mode === 'push').map((p) => Number(p.id)));
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next];
          next += 1;
          try {
            await service.pull(id);
          } catch {
            // recorded in the producer's health by pullLeased; the next tick tries again
          }
          try {
            // A push-mode producer's failed events are retried during its pushes (push-receiver.ts).
            if (push.has(id)) continue;
            await resync.retryDue(id);
          } catch (error) {
            strapi.log.warn(`event-streaming: retrying failed events of producer ${id} failed: ${errorMessage(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(ids.length, tickConcurrency()) }, worker));
    },

    async idle(): Promise<void> {
      await Promise.allSettled([...inFlight.values()].map((e) => e.promise));
    },

    stop(): void {
      stopped = true;
    },

    nextRetryAt(attempts: number): number | null {
      const delay = nextRetryDelay(attempts, settings().config().retry);
      return delay === null ? null : Date.now() + delay;
    },
  };
  return service;
};
