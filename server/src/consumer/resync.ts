/**
 * Resync and retry, the Strapi side (the steps and their invariants are in engine/resync.ts): the
 * Sync Log page's "Resync" of one entry and "Resync all failed", and the automatic retry of the
 * Failed entries whose backoff expired (`retryDue`: the cron for a pulled producer, each push for a
 * push-mode one). A resync reconciles the document with the producer's current state, which also
 * resolves the Blocked entries behind it; every one runs as the producer's writer (consumer/exclusion.ts).
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { SyncLogEntry } from '../shared/contracts';
import { errorMessage, isTransient } from '../engine/errors';
import { resyncDocument } from '../engine/resync';
import { isPushNeed } from '../engine/push-bundle';
import type { RunOptions } from '../engine/exclusion';
import { WAIT, WriterBusyError } from './exclusion';
import { getService, repo } from '../utils';
import { conflict } from '../errors';
import type { Prepared } from './applier';
import { documentRows, sameDocument, type SyncRow } from './sync-log';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => repo<SyncRow>(strapi, UID.syncLog);
  const syncLog = () => getService(strapi, 'sync-log');

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
            const ids = (await documentRows(strapi, row, ['Failed', 'Blocked'])).filter((r) => r.seq <= seq).map((r) => r.id);
            if (ids.length)
              await logs().updateMany({
                where: { id: { $in: ids } },
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
    return syncLog().get(id);
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
        return syncLog().get(id);
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
        const before = (await documentRows(strapi, b, ['Failed'])).some((r) => r.seq < b.seq);
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
  };
  return service;
};
