import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { nextRetryDelay } from '../engine/backoff';
import { errorMessage, LeaseLostError } from '../engine/errors';
import { pullOnce, type PullPorts, type PullResult } from '../engine/pull-loop';
import { getService, repo } from '../utils';
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
  const producersRepo = () => repo<ProducerRow>(strapi, UID.producer);
  const syncLogs = () => repo(strapi, UID.syncLog);
  const settings = () => getService(strapi, 'settings');

  const acquireLease = async (id: number): Promise<boolean> => {
    const now = Date.now();
    const { count } = await producersRepo().updateMany({
      where: { id, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }, { leaseOwner: instanceId }] },
      data: { leaseOwner: instanceId, leaseUntil: now + settings().config().leaseMs },
    });
    return count === 1;
  };
  const renewLease = async (id: number): Promise<void> => {
    const { count } = await producersRepo().updateMany({
      where: { id, leaseOwner: instanceId },
      data: { leaseUntil: Date.now() + settings().config().leaseMs },
    });
    if (!count) throw new LeaseLostError(id);
  };
  const releaseLease = (id: number) =>
    producersRepo().updateMany({ where: { id, leaseOwner: instanceId }, data: { leaseOwner: null, leaseUntil: null } });

  const ports = (producer: ProducerRow): PullPorts => {
    const applier = getService(strapi, 'applier');
    const cfg = settings().config();
    let renewedAt = Date.now();
    return {
      loadCursor: async () =>
        Number((await producersRepo().findOne({ where: { id: producer.id }, select: ['lastPulledSeq'] }))?.lastPulledSeq ?? 0),
      fetchPage: async (after) => {
        await renewLease(producer.id);
        renewedAt = Date.now();
        return getService(strapi, 'producer-client').of(producer).pull(after, cfg.pageSize);
      },
      recordPull: async (page) => {
        await getService(strapi, 'producer-registry').recordPull(producer.id, page);
        const fresh = await producersRepo().findOne({ where: { id: producer.id } });
        if (fresh) producer.subscriptions = fresh.subscriptions;
      },
      /** Renews the lease when a third of it has passed (per batch or event: a slow page must not outlive it). */
      keepLease: async () => {
        if (Date.now() - renewedAt < cfg.leaseMs / 3) return;
        await renewLease(producer.id);
        renewedAt = Date.now();
      },
      prepare: (event, opts) => applier.prepare(producer, producer.subscriptions ?? [], event, opts),
      transaction: <T>(fn: () => Promise<T>) => strapi.db.transaction(() => fn()) as unknown as Promise<T>,
      eventState: async (event) => {
        // One query for both questions: this seq's row, and the document's unresolved failures.
        const rows = await syncLogs().findMany({
          // producerId in both branches, so each is an index lookup (SQLite: OR by union; PG: BitmapOr).
          where: {
            $or: [
              { producerId: producer.id, seq: event.seq },
              {
                producerId: producer.id,
                remoteContentType: event.contentType,
                remoteDocumentId: event.documentId,
                docLocale: event.locale,
                status: { $in: ['Failed', 'Blocked'] },
              },
            ],
          },
          orderBy: { seq: 'asc' },
          select: ['seq', 'status', 'remoteContentType', 'remoteDocumentId', 'docLocale'],
        });
        const blocking = rows.find(
          (r) =>
            (r.status === 'Failed' || r.status === 'Blocked') &&
            r.remoteContentType === event.contentType &&
            r.remoteDocumentId === event.documentId &&
            (r.docLocale ?? null) === event.locale
        );
        return { processed: rows.some((r) => Number(r.seq) === event.seq), blocker: blocking ? Number(blocking.seq) : null };
      },
      apply: (event, prepared) => applier.apply(producer, event, prepared as Prepared),
      record: (event, outcome) => getService(strapi, 'sync-log').record(producer, event, outcome),
      saveCursor: async (seq) => {
        // Only while this instance holds the lease: if it expired and another instance took over,
        // the update matches nothing and the event's transaction rolls back (no double apply).
        const { count } = await producersRepo().updateMany({
          where: { id: producer.id, leaseOwner: instanceId, lastPulledSeq: { $lt: seq } },
          data: { lastPulledSeq: seq },
        });
        if (!count) {
          const row = await producersRepo().findOne({ where: { id: producer.id }, select: ['leaseOwner'] });
          if (row?.leaseOwner !== instanceId) throw new LeaseLostError(producer.id);
        }
      },
    };
  };

  const runPull = async (producerId: number): Promise<PullResult | null> => {
    const producer = await producersRepo().findOne({ where: { id: producerId } });
    if (!producer) return null;
    if (!(await acquireLease(producerId))) return null; // another instance is pulling it
    try {
      const cfg = settings().config();
      const result = await pullOnce(ports(producer), {
        maxPages: cfg.maxPagesPerPull,
        batchSize: cfg.applyBatchSize,
        batchMs: cfg.applyBatchMs,
      });
      await getService(strapi, 'producer-registry').recordHealth(producerId, { ok: true, cursor: result.cursor, headSeq: result.headSeq });
      return result;
    } catch (error) {
      const message = errorMessage(error);
      strapi.log.warn(`event-streaming: pulling from ${producer.producerUrl} failed: ${message}`);
      await getService(strapi, 'producer-registry').recordHealth(producerId, { ok: false, error: message });
      throw error;
    } finally {
      await releaseLease(producerId);
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
      const all = await producersRepo().findMany({ select: ['id'] });
      for (const p of all) {
        try {
          await service.pull(p.id);
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
