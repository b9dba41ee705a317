/**
 * The consumer's sync log: one row per event received (Synced, Failed, Blocked or AwaitingReview),
 * keyed by (producer, seq): recording the pull's outcomes, what the pull asks of the log, the
 * Sync Log page's list and entry, the health counts and the pruning. Retrying Failed rows with
 * backoff and the manual resyncs are in consumer/resync.ts.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { StreamEvent, SyncLogEntry, SyncStatus } from '../shared/contracts';
import type { Outcome } from '../engine/pull-loop';
import { getService, repo, tableOf } from '../utils';
import { logSafe } from '../site/log-safe';
import type { ProducerRow } from './producer-registry';

/** A row of the sync log (content type event-sync-log). */
export type SyncRow = {
  id: number;
  seq: number;
  producerId: number;
  updateType: StreamEvent['updateType'];
  status: SyncStatus;
  contentType: string;
  remoteContentType: string;
  localDocumentId: string | null;
  remoteDocumentId: string;
  docLocale: string | null;
  useSameName: boolean;
  mapping: string | null;
  data: Record<string, unknown> | null;
  error: string | null;
  attempts: number | null;
  nextRetryAt: string | number | null;
  createdAt: string;
  updatedAt: string;
};

/** The `where` of every row of the same document as `r` (producer, remote type, remote id, locale). */
export const sameDocument = (r: Pick<SyncRow, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>) => ({
  producerId: r.producerId,
  remoteContentType: r.remoteContentType,
  remoteDocumentId: r.remoteDocumentId,
  docLocale: r.docLocale,
});

/**
 * The rows (id, seq) of one document with one of `statuses`. RULE: a query of one document's rows
 * never bounds `seq` in SQL — compare the seqs here. With a bound, SQLite's planner takes the
 * (producer_id, seq) index and reads every earlier row of the producer: the review gate's count
 * took 4 ms per event at 6,200 rows and grew with the log (catch-up slowed as it went). Without
 * one, the document index (producer, remote type, remote id) finds the few rows of the document.
 */
export const documentRows = async (
  strapi: Core.Strapi,
  doc: Pick<SyncRow, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>,
  statuses: SyncStatus[]
): Promise<Array<{ id: number; seq: number }>> =>
  (
    await repo<SyncRow>(strapi, UID.syncLog).findMany({
      where: { ...sameDocument(doc), status: statuses.length === 1 ? statuses[0] : { $in: statuses } },
      select: ['id', 'seq'],
    })
  ).map((r) => ({ id: Number(r.id), seq: Number(r.seq) }));

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => repo<SyncRow>(strapi, UID.syncLog);

  const toDto = (r: SyncRow, producers: Map<number, string>): SyncLogEntry => ({
    id: r.id,
    seq: Number(r.seq),
    updateType: r.updateType,
    status: r.status,
    contentType: r.contentType,
    remoteContentType: r.remoteContentType,
    eventProducer: producers.has(r.producerId) ? { id: r.producerId, producerUrl: producers.get(r.producerId)! } : null,
    documentId: r.localDocumentId,
    remoteDocumentId: r.remoteDocumentId,
    locale: r.docLocale,
    useSameName: Boolean(r.useSameName),
    mapping: r.mapping,
    data: r.data,
    error: r.error,
    attempts: Number(r.attempts ?? 0),
    nextRetryAt: r.nextRetryAt ? new Date(Number(r.nextRetryAt)).toISOString() : null,
    gaveUp: r.status === 'Failed' && !r.nextRetryAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  const producerUrls = () => getService(strapi, 'producer-store').urls();

  const service = {
    /**
     * What the log knows of an event, in one query: whether its seq was processed already, and the
     * seq of an unresolved Failed/Blocked event of the same document (or null).
     */
    async eventState(producerId: number, event: StreamEvent): Promise<{ processed: boolean; blocker: number | null }> {
      const rows = await logs().findMany({
        // producerId in both branches, so each is an index lookup (SQLite: OR by union; PG: BitmapOr).
        where: {
          $or: [
            { producerId, seq: event.seq },
            {
              producerId,
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

    /**
     * A re-copy of a type (backfill.ts `recopy`): one Synced row at the seq the cursor moves to,
     * for the whole type (document `*`), its `error` column saying why.
     */
    async recordRecopy(producer: ProducerRow, seq: number, remoteContentType: string, note: string): Promise<void> {
      const sub = (producer.subscriptions ?? []).find((s) => s.remoteContentType === remoteContentType);
      await logs().createMany({
        data: [
          {
            seq,
            producerId: producer.id,
            updateType: 'Update',
            status: 'Synced',
            contentType: sub?.contentType ?? remoteContentType,
            remoteContentType,
            remoteDocumentId: '*',
            localDocumentId: null,
            docLocale: null,
            useSameName: sub?.useSameName ?? true,
            mapping: sub?.mapping ?? null,
            data: null,
            error: note.slice(0, 4000),
            attempts: 1,
            nextRetryAt: null,
          },
        ],
      });
    },

    /** After the producer's log went back (restored): forgets the rows above `seq` (those seqs will name other events). */
    async forgetAfter(producerId: number, seq: number): Promise<number> {
      return (await logs().deleteMany({ where: { producerId, seq: { $gt: seq } } })).count;
    },

    async record(producer: ProducerRow, event: StreamEvent, outcome: Outcome): Promise<void> {
      if (outcome.status === 'Ignored') return;
      const sub = (producer.subscriptions ?? []).find((s) => s.remoteContentType === event.contentType);
      const failed = outcome.status !== 'Synced';
      const base = {
        seq: event.seq,
        producerId: producer.id,
        updateType: event.updateType,
        status: outcome.status,
        contentType: sub?.contentType ?? event.contentType,
        remoteContentType: event.contentType,
        remoteDocumentId: event.documentId,
        docLocale: event.locale,
        useSameName: sub?.useSameName ?? true,
        mapping: sub?.mapping ?? null,
      };
      if (failed) {
        const error = (outcome as { error: string }).error;
        await logs().createMany({
          data: [
            {
              ...base,
              localDocumentId: null,
              data: event.data,
              error: error.slice(0, 4000),
              attempts: 1,
              nextRetryAt: outcome.status === 'Failed' ? getService(strapi, 'puller').nextRetryAt(1) : null,
            },
          ],
        });
        if (outcome.status === 'Failed')
          strapi.log.warn(
            logSafe`event-streaming: event #${event.seq} (${event.updateType} ${event.contentType} ${event.documentId}) failed: ${error}`
          );
        return;
      }
      const ok = outcome as Extract<Outcome, { status: 'Synced' }>;
      if (ok.held) {
        // Review queue (consumer/review.ts): the incoming event, kept whole until Accept / Reject.
        const review = {
          reason: ok.held,
          originSiteId: event.originSiteId,
          ...(event.changedBy ? { changedBy: event.changedBy } : {}),
          ...(event.changedAt ? { changedAt: event.changedAt } : {}),
          key: event.key ?? null,
          ...(event.aliases ? { aliases: event.aliases } : {}),
        };
        await logs().createMany({
          data: [
            {
              ...base,
              status: 'AwaitingReview',
              localDocumentId: ok.localDocumentId,
              data: event.data,
              review,
              attempts: 0,
              nextRetryAt: null,
            },
          ],
        });
        return;
      }
      await getService(strapi, 'metrics').countApplied(producer.id); // counted when the transaction commits
      // createMany: an insert without the read-back `create` does (one statement less per event).
      await logs().createMany({
        data: [
          {
            ...base,
            localDocumentId: ok.localDocumentId,
            data: ok.data ?? event.data,
            error: ok.note ?? null,
            attempts: 1,
            nextRetryAt: null,
          },
        ],
      });
    },

    async list(filters: { status?: string; contentType?: string; producerId?: number }, page: number, pageSize: number) {
      const where: Record<string, unknown> = {};
      if (filters.status) where.status = filters.status;
      if (filters.contentType) where.contentType = filters.contentType;
      if (filters.producerId) where.producerId = filters.producerId;
      const res = await logs().findPage({ where, orderBy: [{ id: 'desc' }], page, pageSize });
      const urls = await producerUrls();
      return { data: res.results.map((r) => toDto(r, urls)), meta: { pagination: res.pagination } };
    },

    async get(id: number): Promise<SyncLogEntry | null> {
      const r = await logs().findOne({ where: { id } });
      return r ? toDto(r, await producerUrls()) : null;
    },

    /** Failed and Blocked entries per producer, in one grouped query (health endpoint). */
    async unresolvedCounts(): Promise<Map<number, { failed: number; blocked: number }>> {
      const { table, col } = tableOf(strapi, UID.syncLog);
      const rows = (await strapi.db
        .connection(table)
        .select({ producerId: col('producerId'), status: col('status') })
        .count({ n: '*' })
        .whereIn(col('status'), ['Failed', 'Blocked'])
        .groupBy(col('producerId'), col('status'))) as Array<{ producerId: number; status: string; n: number | string }>;
      const counts = new Map<number, { failed: number; blocked: number }>();
      for (const r of rows) {
        const c = counts.get(Number(r.producerId)) ?? { failed: 0, blocked: 0 };
        c[r.status === 'Failed' ? 'failed' : 'blocked'] = Number(r.n);
        counts.set(Number(r.producerId), c);
      }
      return counts;
    },

    /** Deletes Synced entries older than the retention; Failed/Blocked entries stay. */
    async prune(retentionDays: number): Promise<number> {
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      const { count } = await logs().deleteMany({ where: { status: 'Synced', createdAt: { $lte: cutoff } } });
      return count;
    },
  };
  return service;
};
