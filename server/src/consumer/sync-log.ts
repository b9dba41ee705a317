import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { StreamEvent, SyncLogEntry, SyncStatus } from '../shared/contracts';
import { errorMessage, isTransient } from '../engine/errors';
import type { Outcome } from '../engine/pull-loop';
import { resyncDocument } from '../engine/resync';
import { isPushNeed } from '../engine/push-bundle';
import type { RunOptions } from '../engine/exclusion';
import { WAIT, WriterBusyError } from './exclusion';
import { getService, repo, tableOf } from '../utils';
import { logSafe } from '../site/log-safe';
import { conflict } from '../errors';
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
    gaveUp: r.status === 'Failed' && !r.nextRetryAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  const producerUrls = () => getService(strapi, 'producer-store').urls();

  const sameDocument = (r: Pick<SyncRow, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>) => ({
    producerId: r.producerId,
    remoteContentType: r.remoteContentType,
    remoteDocumentId: r.remoteDocumentId,
    docLocale: r.docLocale,
  });

  /** The resync of entry `id`, inside its producer's exclusion: the entry and the producer are read here, fresh. */
  const resyncHeld = async (id: number): Promise<SyncLogEntry | null> => {
    const row = await logs().findOne({ where: { id } });
    const producer = row && (await getService(strapi, 'producer-store').get(row.producerId));
    if (!row || !producer) return row ? service.resync(id) : null;
    const applier = getService(strapi, 'applier');
    const unresolved = { ...sameDocument(row), status: { $in: ['Failed', 'Blocked'] } };
    let prepared: Prepared | undefined;
    try {
      await resyncDocument(
        {
          reconcile: async () => {
            const reconciled = await applier.reconcile(producer, row.remoteContentType, row.remoteDocumentId, row.docLocale);
            prepared = reconciled.prepared;
            const { event } = reconciled;
            return { headSeq: event.seq, apply: (seq) => applier.apply(producer, { ...event, seq }, reconciled.prepared) };
          },
          transaction: <T>(fn: () => Promise<T>) => strapi.db.transaction(() => fn()) as unknown as Promise<T>,
          markSynced: async (seq, localDocumentId, note) => {
            await logs().updateMany({
              where: { ...unresolved, seq: { $lte: seq } },
              data: { status: 'Synced', error: note, nextRetryAt: null, localDocumentId },
            });
            if (row.status === 'Synced') await logs().update({ where: { id }, data: { error: note, localDocumentId } });
          },
          unresolved: async () =>
            (await logs().findMany({ where: unresolved, select: ['id', 'seq', 'status'] })).map((r) => ({
              id: r.id,
              seq: Number(r.seq),
              status: r.status as 'Failed' | 'Blocked',
            })),
          release: async (ids, note) => {
            await logs().updateMany({ where: { id: { $in: ids } }, data: { status: 'Failed', error: note, nextRetryAt: Date.now() } });
          },
        },
        Number(row.seq)
      );
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
          // Push mode: what the producer must push is asked in the push answer; retried as soon as a push brings it.
          nextRetryAt: isPushNeed(error) ? Date.now() : getService(strapi, 'puller').nextRetryAt(attempts),
          status: row.status === 'Synced' ? 'Synced' : 'Failed',
        },
      });
    }
    return service.get(id);
  };

  /**
   * Resyncs `rows` (one per document: the first), each producer's as its writer. Every producer is
   * tried; @throws the first WriterBusyError after the others are done.
   */
  const byProducer = async (rows: SyncRow[], what: string, wait: RunOptions): Promise<{ resynced: number; failed: number }> => {
    const groups = new Map<number, SyncRow[]>();
    for (const r of rows) groups.set(Number(r.producerId), [...(groups.get(Number(r.producerId)) ?? []), r]);
    const total = { resynced: 0, failed: 0 };
    let busy: unknown = null;
    for (const [producerId, group] of groups) {
      try {
        const done = await getService(strapi, 'exclusion').withProducer(producerId, what, () => resyncRows(group, wait), wait);
        total.resynced += done.resynced;
        total.failed += done.failed;
      } catch (error) {
        if (!(error instanceof WriterBusyError)) throw error;
        busy ??= error;
      }
    }
    if (busy) throw busy;
    return total;
  };

  const resyncRows = async (rows: SyncRow[], wait: RunOptions): Promise<{ resynced: number; failed: number }> => {
    const seen = new Set<string>();
    let resynced = 0;
    let failed = 0;
    for (const r of rows) {
      const key = `${r.producerId}|${r.remoteContentType}|${r.remoteDocumentId}|${r.docLocale ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Read again under the exclusion: another writer may have resolved it since it was listed.
      const now = await logs().findOne({ where: { id: r.id }, select: ['status'] });
      if (now?.status === 'Synced') resynced += 1;
      if (!now || now.status === 'Synced') continue;
      // Review queue: a document with a change awaiting review is not retried past it.
      if (await getService(strapi, 'review').awaitingFor(r)) continue;
      const after = await service.resync(r.id, wait);
      if (after?.status === 'Synced') resynced += 1;
      else failed += 1;
    }
    return { resynced, failed };
  };

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

    /**
     * Resyncs the document of an entry from the producer's current state (engine/resync.ts), as
     * the producer's writer (consumer/exclusion.ts; `wait`: how long to wait for another writer):
     * marks every Failed/Blocked entry of that document up to the applied head Synced, or records
     * attempts+1 and the new error. Synced entries resync too (an admin may want to re-pull one).
     * @throws WriterBusyError when another writer kept the producer past `wait` (409).
     */
    async resync(id: number, wait: RunOptions = WAIT.manual): Promise<SyncLogEntry | null> {
      const first = await logs().findOne({ where: { id }, select: ['producerId'] });
      if (!first) return null;
      const producerId = Number(first.producerId);
      if (!(await getService(strapi, 'producer-store').get(producerId))) {
        await logs().update({
          where: { id },
          data: { error: 'Its Event Producer was deleted; this entry cannot be resynced', nextRetryAt: null },
        });
        return service.get(id);
      }
      return getService(strapi, 'exclusion').withProducer(
        producerId,
        'a resync',
        async () => {
          // Review queue: a resync never brings a change past one awaiting an editor's decision.
          const row = await logs().findOne({ where: { id } });
          if (row && (await getService(strapi, 'review').awaitingFor(row)))
            throw conflict('Changes of this document await review; accept or reject them on the Review page first');
          return resyncHeld(id);
        },
        wait
      );
    },

    /** Resyncs every Failed entry (one per document: the earliest), producer by producer, each as its writer. */
    async resyncFailed(producerId?: number): Promise<{ resynced: number; failed: number }> {
      const rows = await logs().findMany({
        where: { status: 'Failed', ...(producerId ? { producerId } : {}) },
        orderBy: { seq: 'asc' },
        limit: 1000,
      });
      return byProducer(rows, 'a resync of all failed events', WAIT.manual);
    },

    /**
     * The automatic retry (cron), per producer as its writer; skipped while another instance
     * holds the producer (it retries them, or the next tick does): Failed entries whose backoff
     * expired, and Blocked entries whose earlier failure is resolved (they would wait forever).
     */
    async retryDue(producerId?: number): Promise<{ resynced: number; failed: number }> {
      const only = producerId ? { producerId } : {};
      const due = await logs().findMany({
        where: { status: 'Failed', nextRetryAt: { $notNull: true, $lte: Date.now() }, ...only },
        orderBy: { seq: 'asc' },
        limit: 100,
      });
      const blocked = await logs().findMany({ where: { status: 'Blocked', ...only }, orderBy: { seq: 'asc' }, limit: 100 });
      for (const b of blocked) {
        const before = await logs().count({ where: { ...sameDocument(b), status: 'Failed', seq: { $lt: b.seq } } });
        if (!before) due.push(b);
      }
      try {
        return await byProducer(due, 'a retry of failed events', WAIT.background);
      } catch (error) {
        if (!(error instanceof WriterBusyError)) throw error;
        strapi.log.debug(`event-streaming: retry skipped: ${error.message}`);
        return { resynced: 0, failed: 0 };
      }
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
