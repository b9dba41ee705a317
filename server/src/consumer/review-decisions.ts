/**
 * The editor's decisions on the review queue (consumer side, issue 15; rules in engine/review.ts):
 * Accept (applies the held change, or the producer's current state when the document diverged),
 * Reject (skips it; the document is diverged until a later change is accepted) and bulk Accept.
 * A document's changes are decided in order, each as the producer's writer (consumer/exclusion.ts),
 * like a pull, a retry or a resync. The queue itself (hold gate, list, detail) is consumer/review.ts.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { StreamEvent } from '../shared/contracts';
import { errorMessage, InputError } from '../engine/errors';
import { diverged, type HoldReason } from '../engine/review';
import { getService, repo } from '../utils';
import { conflict } from '../errors';
import type { HeldRow } from './review';
import { sameDocument } from './sync-log';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => repo<HeldRow>(strapi, UID.syncLog);

  const reviewableRow = async (id: number): Promise<HeldRow> => {
    const row = await logs().findOne({ where: { id } });
    if (!row || row.status !== 'AwaitingReview' || !row.review)
      throw conflict(`Change ${id} is not awaiting review (it was decided already)`);
    const first = await logs().findOne({
      where: { ...sameDocument(row), status: 'AwaitingReview' },
      orderBy: { seq: 'asc' },
      select: ['id', 'seq'],
    });
    if (first && first.id !== row.id)
      throw conflict(`An earlier change of this document (#${first.seq}) awaits review first; changes of a document are decided in order`);
    return row;
  };

  const acceptHeld = async (id: number, by: string | null): Promise<void> => {
    const row = await reviewableRow(id);
    const producer = await getService(strapi, 'producer-store').get(Number(row.producerId));
    if (!producer) throw conflict('Its Event Producer was deleted; this change can only be rejected');
    const applier = getService(strapi, 'applier');
    const all = await logs().findMany({ where: sameDocument(row), select: ['id', 'seq', 'status'] });
    const isDiverged = diverged(
      all.map((x) => ({ id: x.id, seq: Number(x.seq), status: x.status })),
      Number(row.seq)
    );
    const meta = row.review!;
    // Diverged (a rejected change before it): the producer's whole current state, applied at this event's seq.
    let event: StreamEvent = {
      seq: Number(row.seq),
      updateType: row.updateType,
      contentType: row.remoteContentType,
      documentId: row.remoteDocumentId,
      locale: row.docLocale ?? null,
      data: row.data,
      originSiteId: meta.originSiteId,
      ...(meta.aliases ? { aliases: meta.aliases } : {}),
    };
    let prepared;
    if (isDiverged) {
      const reconciled = await applier.reconcile(producer, row.remoteContentType, row.remoteDocumentId, row.docLocale ?? null);
      event = { ...reconciled.event, seq: Math.max(Number(row.seq), reconciled.event.seq), originSiteId: meta.originSiteId };
      prepared = reconciled.prepared;
    } else prepared = await applier.prepare(producer, producer.subscriptions ?? [], event);
    let applied = false;
    try {
      await strapi.db.transaction(async () => {
        const outcome = await applier.apply(producer, event, prepared, { force: true });
        const note = [
          `Accepted${by ? ` by ${by}` : ''}`,
          isDiverged ? "brought the producer's current state (the document had diverged)" : null,
          outcome.note,
        ]
          .filter(Boolean)
          .join('; ');
        await logs().update({
          where: { id },
          data: {
            status: 'Synced',
            localDocumentId: outcome.localDocumentId,
            data: outcome.data ?? row.data,
            error: note.slice(0, 4000),
            review: { ...meta, decision: { by, at: new Date().toISOString(), accepted: true } },
          },
        });
      });
      applied = true;
    } catch (error) {
      await logs().update({ where: { id }, data: { error: `Accept failed: ${errorMessage(error)}`.slice(0, 4000) } });
      throw new InputError(`The change could not be applied: ${errorMessage(error)}`);
    } finally {
      if (!applied) await applier.discard(producer, prepared).catch(() => undefined);
    }
  };

  const service = {
    /** Accepts held row `id` (the first held event of its document), as the producer's writer. */
    async accept(id: number, by: string | null): Promise<boolean> {
      const r = await logs().findOne({ where: { id }, select: ['producerId'] });
      if (!r) return false;
      await getService(strapi, 'exclusion').withProducer(Number(r.producerId), 'an accept', () => acceptHeld(id, by));
      return true;
    },

    /** Rejects held row `id`: skipped; its document is diverged until a later event is accepted. */
    async reject(id: number, by: string | null): Promise<boolean> {
      const r = await logs().findOne({ where: { id }, select: ['producerId'] });
      if (!r) return false;
      await getService(strapi, 'exclusion').withProducer(Number(r.producerId), 'a reject', async () => {
        const row = await reviewableRow(id);
        await logs().update({
          where: { id },
          data: {
            status: 'Rejected',
            error: `Rejected${by ? ` by ${by}` : ''}; the local copy keeps its own values (diverged until a later change is accepted)`,
            review: { ...row.review!, decision: { by, at: new Date().toISOString(), accepted: false } },
          },
        });
      });
      return true;
    },

    /** Accepts every held change matching the filters, document by document in order. */
    async bulkAccept(filters: { contentType?: string; producerId?: number; reason?: HoldReason }, by: string | null) {
      let accepted = 0;
      const failed: Array<{ id: number; error: string }> = [];
      const tried = new Set<number>();
      for (let round = 0; round < 1000; round += 1) {
        const page = await getService(strapi, 'review').list(filters, 1, 100);
        const next = page.data.filter((e) => e.reviewable && !tried.has(e.id));
        if (!next.length) break;
        for (const e of next) {
          tried.add(e.id);
          try {
            await service.accept(e.id, by);
            accepted += 1;
          } catch (error) {
            failed.push({ id: e.id, error: errorMessage(error) });
          }
        }
      }
      return { accepted, failed };
    },
  };

  return service;
};
