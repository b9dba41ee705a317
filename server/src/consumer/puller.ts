import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { nextRetryDelay } from '../engine/backoff';
import { errorMessage, LeaseLostError } from '../engine/errors';
import { pullOnce, type PullPorts, type PullResult } from '../engine/pull-loop';
import { getService } from '../utils';
import type { Prepared } from './applier';
import type { ProducerRow } from './producer-registry';

export { LeaseLostError };

/**
 * Pull coordination on the consumer: at most one pull per producer at a time — in this process
 * (a promise per producer, with a "pull again" flag that coalesces notifications arriving
 * meanwhile) and across processes sharing the database (a lease row update: owner + expiry,
 * taken with a conditional UPDATE, renewed per page).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const instanceId = crypto.randomUUID();
  const inFlight = new Map<number, { promise: Promise<PullResult | null>; again: boolean }>();
  let stopped = false;
  const store = () => getService(strapi, 'producer-store');
  const settings = () => getService(strapi, 'settings');
  const leaseMs = () => settings().config().leaseMs;

  const ports = (producer: ProducerRow): PullPorts => {
    const applier = getService(strapi, 'applier');
    const cfg = settings().config();
    let renewedAt = Date.now();
    return {
      loadCursor: () => store().loadCursor(producer.id),
      fetchPage: async (after) => {
        await store().renewLease(producer.id, instanceId, cfg.leaseMs);
        renewedAt = Date.now();
        return getService(strapi, 'producer-client').of(producer).pull(after, cfg.pageSize);
      },
      recordPull: async (page) => {
        const subscriptions = await store().recordPull(producer.id, page);
        if (subscriptions) producer.subscriptions = subscriptions;
      },
      /** Renews the lease when a third of it has passed (per batch or event: a slow page must not outlive it). */
      keepLease: async () => {
        if (Date.now() - renewedAt < cfg.leaseMs / 3) return;
        await store().renewLease(producer.id, instanceId, cfg.leaseMs);
        renewedAt = Date.now();
      },
      prepare: (event, opts) => applier.prepare(producer, producer.subscriptions ?? [], event, opts),
      transaction: <T>(fn: () => Promise<T>) => strapi.db.transaction(() => fn()) as unknown as Promise<T>,
      eventState: (event) => getService(strapi, 'sync-log').eventState(producer.id, event),
      apply: (event, prepared) => applier.apply(producer, event, prepared as Prepared),
      record: (event, outcome) => getService(strapi, 'sync-log').record(producer, event, outcome),
      // Only while this instance holds the lease (see producer-store.ts).
      saveCursor: (seq) => store().saveCursor(producer.id, instanceId, seq),
    };
  };

  const runPull = async (producerId: number): Promise<PullResult | null> => {
    const producer = await store().get(producerId);
    if (!producer) return null;
    if (!(await store().acquireLease(producerId, instanceId, leaseMs()))) return null; // another instance is pulling it
    try {
      const cfg = settings().config();
      const result = await pullOnce(ports(producer), {
        maxPages: cfg.maxPagesPerPull,
        batchSize: cfg.applyBatchSize,
        batchMs: cfg.applyBatchMs,
      });
      await store().recordHealth(producerId, { ok: true, cursor: result.cursor, headSeq: result.headSeq });
      return result;
    } catch (error) {
      const message = errorMessage(error);
      strapi.log.warn(`event-streaming: pulling from ${producer.producerUrl} failed: ${message}`);
      await store().recordHealth(producerId, { ok: false, error: message });
      throw error;
    } finally {
      await store().releaseLease(producerId, instanceId);
    }
  };

  const service = {
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
      service.pull(producerId).catch((error: unknown) => strapi.log.debug(`event-streaming: pull ${producerId}: ${errorMessage(error)}`));
    },

    /** The cron job: pull every producer, then retry failed events that are due. */
    async tick(): Promise<void> {
      for (const id of await store().ids()) {
        try {
          await service.pull(id);
        } catch {
          // recorded in the producer's health by runPull; the next tick tries again
        }
      }
      await getService(strapi, 'sync-log').retryDue();
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

    ports,
  };
  return service;
};
