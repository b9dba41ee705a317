import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { StreamEvent, SyncLogEntry, SyncStatus } from '../shared/contracts';
import { errorMessage, isTransient } from '../engine/errors';
import type { Outcome } from '../engine/pull-loop';
import { getService, repo } from '../utils';
import type { Prepared } from './applier';
import type { ProducerRow } from './producer-registry';

type SyncRow = {
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

/**
 * The consumer's sync log: one row per event received (Synced, Failed or Blocked), keyed by
 * (producer, seq). Failed rows retry with backoff; a retry (or a manual resync) reconciles the
 * document with the producer's current state, which also resolves the Blocked rows behind it.
 */
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
            `event-streaming: event #${event.seq} (${event.updateType} ${event.contentType} ${event.documentId}) failed: ${error}`
          );
        return;
      }
      const ok = outcome as Extract<Outcome, { status: 'Synced' }>;
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

    /**
     * Resyncs the document of a Failed/Blocked entry from the producer's current state, and marks
     * every Failed/Blocked entry of that document Synced when it worked (attempts+1 and the new
     * error otherwise). Synced entries resync too (an admin may want to re-pull a document).
     */
    async resync(id: number): Promise<SyncLogEntry | null> {
      const row = await logs().findOne({ where: { id } });
      if (!row) return null;
      const producer = await getService(strapi, 'producer-store').get(row.producerId);
      if (!producer) {
        await logs().update({
          where: { id },
          data: { error: 'Its Event Producer was deleted; this entry cannot be resynced', nextRetryAt: null },
        });
        return service.get(id);
      }
      const applier = getService(strapi, 'applier');
      const sameDoc = {
        producerId: row.producerId,
        remoteContentType: row.remoteContentType,
        remoteDocumentId: row.remoteDocumentId,
        docLocale: row.docLocale,
        status: { $in: ['Failed', 'Blocked'] },
      };
      let prepared: Prepared | undefined;
      try {
        const reconciled = await applier.reconcile(producer, row.remoteContentType, row.remoteDocumentId, row.docLocale);
        const { event } = reconciled;
        prepared = reconciled.prepared;
        await strapi.db.transaction(async () => {
          const outcome = await applier.apply(producer, { ...event, seq: Math.max(event.seq, row.seq) }, reconciled.prepared);
          const note = `resynced from the producer's state at #${event.seq}`;
          await logs().updateMany({
            where: { ...sameDoc, seq: { $lte: Math.max(event.seq, row.seq) } },
            data: { status: 'Synced', error: note, nextRetryAt: null, localDocumentId: outcome.localDocumentId },
          });
          if (row.status === 'Synced')
            await logs().update({ where: { id }, data: { error: note, localDocumentId: outcome.localDocumentId } });
        });
      } catch (error) {
        // No orphan uploads (engine/apply invariant 8); a removal that fails is logged, the entry keeps its own error.
        if (prepared) {
          await applier
            .discard(producer, prepared)
            .catch((e: unknown) => strapi.log.warn(`event-streaming: resync of sync-log entry ${id}: ${errorMessage(e)}`));
        }
        // A transient failure (producer down, slow, overloaded) does not use up an attempt.
        const attempts = Number(row.attempts ?? 0) + (isTransient(error) ? 0 : 1);
        await logs().update({
          where: { id },
          data: {
            error: errorMessage(error).slice(0, 4000),
            attempts,
            nextRetryAt: getService(strapi, 'puller').nextRetryAt(attempts),
            status: row.status === 'Synced' ? 'Synced' : 'Failed',
          },
        });
      }
      return service.get(id);
    },

    /** Resyncs every Failed entry (one per document: the earliest). */
    async resyncFailed(producerId?: number): Promise<{ resynced: number; failed: number }> {
      const rows = await logs().findMany({
        where: { status: 'Failed', ...(producerId ? { producerId } : {}) },
        orderBy: { seq: 'asc' },
        limit: 1000,
      });
      return service.resyncRows(rows);
    },

    /** The automatic retry (cron): Failed entries whose backoff expired. */
    async retryDue(): Promise<{ resynced: number; failed: number }> {
      const rows = await logs().findMany({
        where: { status: 'Failed', nextRetryAt: { $notNull: true, $lte: Date.now() } },
        orderBy: { seq: 'asc' },
        limit: 100,
      });
      return service.resyncRows(rows);
    },

    async resyncRows(rows: SyncRow[]): Promise<{ resynced: number; failed: number }> {
      const seen = new Set<string>();
      let resynced = 0;
      let failed = 0;
      for (const r of rows) {
        const key = `${r.producerId}|${r.remoteContentType}|${r.remoteDocumentId}|${r.docLocale ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const after = await service.resync(r.id);
        if (after?.status === 'Synced') resynced += 1;
        else failed += 1;
      }
      return { resynced, failed };
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
