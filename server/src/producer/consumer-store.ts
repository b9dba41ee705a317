import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import type { ConsumerSubscription } from '../shared/contracts';
import { getService, repo, tableOf } from '../utils';
import { writeAcknowledgements } from '../site/raw-rows';
import { errorMessage } from '../engine/errors';

export type ConsumerRow = {
  id: number;
  documentId: string;
  consumerSiteId: string;
  consumerName: string;
  /** `push`: this site sends the consumer its pages (producer/push.ts); callbackUrl/Token are its URL and push token. */
  mode?: 'pull' | 'push' | null;
  callbackUrl: string | null;
  callbackToken: string | null;
  /** A callback URL change awaiting the producer admin's approval (with its token, encrypted). */
  pendingCallbackUrl: string | null;
  pendingCallbackToken: string | null;
  callbackChangeRequestedAt: string | null;
  apiTokenId: number;
  subscriptions: ConsumerSubscription[] | null;
  lastSeenAt: string | null;
  ackSeq: number | null;
  notifiedSeq: number | null;
  createdAt: string;
  updatedAt: string;
};

/** A consumer's subscriptions as the stream serves them. */
export const servedSubscriptions = (c: Pick<ConsumerRow, 'subscriptions'>): ServedSubscription[] =>
  (c.subscriptions ?? []).map((s) => ({
    contentType: s.contentType,
    status: s.status,
    unsubscribed: Boolean(s.unsubscribed),
    approvedAtSeq: s.approvedAtSeq ?? null,
  }));

/** Whether a consumer may be poked now (see pokeable). */
export const canPoke = (c: ConsumerRow): boolean =>
  Boolean(c.callbackUrl && c.callbackToken && !c.pendingCallbackUrl && streamableTypes(servedSubscriptions(c)).length > 0);

/** How long acknowledgements wait to be written together (see `acknowledge`). */
const ACK_FLUSH_MS = 200;
/** Most acknowledgements in one statement (13 bound values each, far under every dialect's limit). */
const ACK_CHUNK = 200;

/** How long an idle consumer's `lastSeenAt` may lag behind its polls (staleness counts in days). */
export const SEEN_REFRESH_MS = 30_000;

/** Must a pull write the consumer's row? When its acknowledgement moves, or `lastSeenAt` is older than SEEN_REFRESH_MS (or unset). */
export function needsAck(c: Pick<ConsumerRow, 'ackSeq' | 'lastSeenAt'>, ackSeq: number, now = Date.now()): boolean {
  if (ackSeq !== Number(c.ackSeq ?? 0)) return true;
  const seen = c.lastSeenAt ? Date.parse(String(c.lastSeenAt)) : NaN;
  return !(now - seen < SEEN_REFRESH_MS);
}

/**
 * A consumer that has not pulled (nor registered) for more than `maxLagDays` is stale: it no
 * longer holds back pruning of the update log, so one site that went away cannot pin the log
 * forever. When it returns, its cursor is below what was pruned and it must re-copy.
 */
export function isStale(c: Pick<ConsumerRow, 'lastSeenAt' | 'createdAt'>, maxLagDays: number, now = Date.now()): boolean {
  const seen = Date.parse(String(c.lastSeenAt ?? c.createdAt));
  return Number.isFinite(seen) && now - seen > maxLagDays * 86_400_000;
}

/**
 * The one module that reads and writes the Event Consumer table (producer side). Capture reads
 * the subscriptions column with a raw statement on the write's transaction (producer/capture.ts);
 * everything else goes through here.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => repo<ConsumerRow>(strapi, UID.consumer);
  const maxLagDays = () => getService(strapi, 'settings').config().retention.maxConsumerLagDays;

  /**
   * ACKNOWLEDGEMENTS are written together, at most every ACK_FLUSH_MS, in one transaction: with
   * a hundred consumers each pulling every change, one commit (an fsync) per pull was the
   * producer's load (bench fan-out), and it was on the way of every page's response. An
   * acknowledgement only holds back pruning and dates the consumer's last visit, so writing it a
   * moment late (or losing the last moment's on a crash) only keeps log rows a little longer.
   * Each write only moves the acknowledgement forward, so one written late by another instance
   * cannot undo a newer one.
   */
  const pendingAcks = new Map<number, { ackSeq: number; seenAt: number }>();
  let ackTimer: NodeJS.Timeout | null = null;
  let ackFlush: Promise<void> | null = null;
  const flushAcks = async (): Promise<void> => {
    const batch = [...pendingAcks.entries()].map(([id, a]) => ({ id, ackSeq: a.ackSeq, seenAt: new Date(a.seenAt) }));
    pendingAcks.clear();
    if (!batch.length) return;
    // One statement per ACK_CHUNK consumers (site/raw-rows.ts), not one per consumer.
    const { table, col } = tableOf(strapi, UID.consumer);
    const cols = { id: col('id'), ackSeq: col('ackSeq'), lastSeenAt: col('lastSeenAt') };
    await strapi.db.transaction(async ({ trx }) => {
      for (let i = 0; i < batch.length; i += ACK_CHUNK) await writeAcknowledgements(trx, table, cols, batch.slice(i, i + ACK_CHUNK));
    });
  };
  const scheduleAckFlush = () => {
    if (ackTimer) return;
    ackTimer = setTimeout(() => {
      ackTimer = null;
      ackFlush = (async () => {
        await ackFlush; // one flush at a time
        await flushAcks();
      })().catch((error: unknown) => {
        strapi.log.warn(`event-streaming: writing acknowledgements failed: ${errorMessage(error)}`);
      });
    }, ACK_FLUSH_MS);
  };

  return {
    list: () => rows().findMany({ orderBy: { id: 'asc' } }),
    get: (id: number) => rows().findOne({ where: { id } }),
    /** The consumer an API token registered, or null. */
    byToken: (apiTokenId: number) => rows().findOne({ where: { apiTokenId } }),
    bySiteId: (consumerSiteId: string) => rows().findOne({ where: { consumerSiteId } }),
    create: (data: Record<string, unknown>) => rows().create({ data }),
    update: (id: number, data: Record<string, unknown>) => rows().update({ where: { id }, data }),
    remove: (id: number) => rows().delete({ where: { id } }),

    /** Consumers that receive `contentType` (Approved, subscribed). */
    async receiversOf(contentType: string): Promise<ConsumerRow[]> {
      return (await rows().findMany({})).filter((c) => streamableTypes(servedSubscriptions(c)).includes(contentType));
    },
    /**
     * Consumers that can be poked: a callback and at least one approved type (no call before an
     * approval), and no callback change awaiting approval (no call to either address meanwhile).
     */
    async pokeable(): Promise<ConsumerRow[]> {
      return (await rows().findMany({})).filter(canPoke);
    },
    /**
     * Claims the notification of `head` for one consumer (compare-and-set on `notifiedSeq`), so
     * that across instances sharing the database only one sends the poke. True when claimed here.
     */
    async claimNotification(id: number, head: number): Promise<boolean> {
      const { count } = await rows().updateMany({
        where: { id, $or: [{ notifiedSeq: { $lt: head } }, { notifiedSeq: null }] },
        data: { notifiedSeq: head },
      });
      return count > 0;
    },
    /**
     * A pull from `after` acknowledges every event up to it. A pull that acknowledges nothing new
     * (an idle consumer polling at the head) writes nothing while `lastSeenAt` is younger than
     * SEEN_REFRESH_MS: with many consumers the polls stay reads (fan-out, bench/README.md).
     */
    acknowledge: (c: ConsumerRow, after: number, now = Date.now()): void => {
      const ackSeq = Math.max(after, Number(c.ackSeq ?? 0));
      if (!needsAck(c, ackSeq, now)) return;
      const known = pendingAcks.get(c.id);
      pendingAcks.set(c.id, { ackSeq: Math.max(known?.ackSeq ?? 0, ackSeq), seenAt: now });
      scheduleAckFlush();
    },
    /** Writes the acknowledgements not written yet (shutdown, tests). */
    async flushAcknowledgements(): Promise<void> {
      if (ackTimer) clearTimeout(ackTimer);
      ackTimer = null;
      await ackFlush;
      await flushAcks();
    },
    /** Whether a consumer no longer holds back pruning (see isStale). */
    isStale: (c: Pick<ConsumerRow, 'lastSeenAt' | 'createdAt'>) => isStale(c, maxLagDays()),
    /**
     * The lowest acknowledged seq over the consumers that hold back pruning (all but the stale
     * ones), or null when there is none.
     */
    async minAckSeq(): Promise<number | null> {
      const all = await rows().findMany({ select: ['ackSeq', 'lastSeenAt', 'createdAt'] });
      const holding = all.filter((c) => !isStale(c, maxLagDays()));
      return holding.length ? Math.min(...holding.map((c) => Number(c.ackSeq ?? 0))) : null;
    },
  };
};
