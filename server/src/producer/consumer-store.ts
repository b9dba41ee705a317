import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import type { ConsumerSubscription } from '../shared/contracts';
import { repo } from '../utils';

export type ConsumerRow = {
  id: number;
  documentId: string;
  consumerSiteId: string;
  consumerName: string;
  callbackUrl: string | null;
  callbackToken: string | null;
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

/**
 * The one module that reads and writes the Event Consumer table (producer side). Capture reads
 * the subscriptions column with a raw statement on the write's transaction (producer/capture.ts);
 * everything else goes through here.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => repo<ConsumerRow>(strapi, UID.consumer);
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
    /** Consumers that can be poked: a callback and at least one approved type (no call before an approval). */
    async pokeable(): Promise<ConsumerRow[]> {
      return (await rows().findMany({})).filter(
        (c) => c.callbackUrl && c.callbackToken && streamableTypes(servedSubscriptions(c)).length > 0
      );
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
    /** A pull from `after` acknowledges every event up to it. */
    acknowledge: (c: ConsumerRow, after: number) =>
      rows().update({ where: { id: c.id }, data: { ackSeq: Math.max(after, Number(c.ackSeq ?? 0)), lastSeenAt: new Date() } }),
    /** The lowest acknowledged seq over all consumers, or null when there is none. */
    async minAckSeq(): Promise<number | null> {
      const all = await rows().findMany({ select: ['ackSeq'] });
      return all.length ? Math.min(...all.map((c) => Number(c.ackSeq ?? 0))) : null;
    },
  };
};
