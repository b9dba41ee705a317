import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { FindReviews, ProducerSubscription, StreamEvent } from '../shared/contracts';

type Item = FindReviews.Response['data'][number];
import { errorMessage, InputError } from '../engine/errors';
import { diverged, fieldChanges, fingerprint, firstAwaiting, holdReason, locallyEdited, type HoldReason } from '../engine/review';
import type { ReferenceRow, Route } from '../engine/apply';
import { fieldKind } from '../engine/schema';
import { contentTypeUid, getService, repo } from '../utils';
import { conflict } from '../errors';
import type { ProducerRow } from './producer-registry';

/** What a held sync-log row keeps besides the event's data (column `review`). */
export interface HeldMeta {
  reason: HoldReason;
  originSiteId: string | null;
  /** Who made the change on the producer, and when (StreamEvent.changedBy / changedAt). */
  changedBy?: string | null;
  changedAt?: string | null;
  aliases?: StreamEvent['aliases'];
  key?: string | null;
  /** The local copy was edited here since the last applied event. */
  edited?: boolean;
  decision?: { by: string | null; at: string; accepted: boolean };
}

type Row = {
  id: number;
  seq: number;
  producerId: number;
  updateType: StreamEvent['updateType'];
  status: string;
  contentType: string;
  remoteContentType: string;
  localDocumentId: string | null;
  remoteDocumentId: string;
  docLocale: string | null;
  useSameName: boolean;
  data: Record<string, unknown> | null;
  error: string | null;
  review: HeldMeta | null;
  createdAt: string;
};

/**
 * The review queue (consumer side, issue 15; rules in engine/review.ts): the hold gate the pull
 * calls before writing, the local-copy fingerprints that detect conflicts, and the Review page's
 * list / detail / Accept / Reject / bulk Accept. Held events are sync-log rows with status
 * AwaitingReview, so they survive restarts and commit with the cursor; Accept and Reject run as the
 * producer's writer (consumer/exclusion.ts), like a pull, a retry or a resync.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => repo<Row>(strapi, UID.syncLog);
  const schema = () => getService(strapi, 'schema');
  const docs = (uid: string) =>
    strapi.documents(contentTypeUid(uid)) as unknown as { findOne(p: object): Promise<Record<string, unknown> | null> };
  const remoteOf = (event: Pick<StreamEvent, 'contentType' | 'documentId' | 'locale'>) => ({
    uid: event.contentType,
    documentId: event.documentId,
    locale: event.locale,
  });
  const docWhere = (r: Pick<Row, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>) => ({
    producerId: r.producerId,
    remoteContentType: r.remoteContentType,
    remoteDocumentId: r.remoteDocumentId,
    docLocale: r.docLocale,
  });
  const subOf = (producer: ProducerRow, remoteUid: string): ProducerSubscription | undefined =>
    (producer.subscriptions ?? []).find((s) => s.remoteContentType === remoteUid && !s.unsubscribed);

  /**
   * The local copy read as the fingerprint and the Review page need it (the draft under D&P), or
   * null: what the stream writes, one level deep (as the Document Service's `populate: '*'`,
   * without the admin users it would add), in one Query Engine findOne — read twice per applied
   * event (the conflict check, then the fingerprint stored), so its cost is the consumer's.
   */
  const readLocal = async (uid: string, documentId: string, locale: string | null) => {
    const model = schema().model(uid);
    if (!model) return null;
    if (model.localized && !locale) return docs(uid).findOne({ documentId, populate: '*' }); // the default locale
    const populate = Object.fromEntries(
      Object.entries(model.attributes)
        .filter(([name, attr]) => !['scalar', 'skip'].includes(fieldKind(name, attr)))
        .map(([name]) => [name, true])
    );
    const where = { documentId, ...(model.localized ? { locale } : {}), ...(model.draftAndPublish ? { publishedAt: null } : {}) };
    return repo<Record<string, unknown>>(strapi, uid).findOne({ where, populate });
  };

  const currentFingerprint = async (route: Route, localId: string, locale: string | null): Promise<string | null> => {
    const localized = schema().model(route.localUid)?.localized === true;
    const doc = await readLocal(route.localUid, localId, localized ? locale : null);
    return doc ? fingerprint(schema(), route.localUid, doc, route.keepLocal ?? []) : null;
  };

  const awaitingBefore = async (producerId: number, event: StreamEvent): Promise<boolean> =>
    (await logs().count({
      where: {
        producerId,
        remoteContentType: event.contentType,
        remoteDocumentId: event.documentId,
        docLocale: event.locale,
        status: 'AwaitingReview',
        seq: { $lt: event.seq },
      },
    })) > 0;

  /** Whether the local copy of the event's document was edited here since its last applied event. */
  const edited = async (
    event: StreamEvent,
    route: Route,
    ref: (ReferenceRow & { localFingerprint?: string | null }) | null
  ): Promise<boolean> => {
    const localId = ref && !ref.deleted ? ref.localDocumentId : null;
    const stored = ref?.localFingerprint ?? null;
    if (!localId || !stored) return false;
    return locallyEdited(stored, await currentFingerprint(route, localId, event.locale));
  };

  /** One held (or decided) change: the document, local value beside incoming (and a conflict's base), who sent it and when. */
  const describe = async (r: Row, urls: Map<number, string>): Promise<Item> => {
    const meta: HeldMeta = r.review ?? { reason: 'review', originSiteId: null };
    const rows = await logs().findMany({ where: docWhere(r), orderBy: { seq: 'desc' }, select: ['id', 'seq', 'status', 'data'] });
    const states = rows.map((x) => ({ id: x.id, seq: Number(x.seq), status: x.status }));
    const localized = schema().model(r.contentType)?.localized === true;
    const localId = r.localDocumentId ?? (r.useSameName ? r.remoteDocumentId : null);
    const local = localId ? await readLocal(r.contentType, localId, localized ? r.docLocale : null) : null;
    const isConflict = meta.reason === 'conflict' || meta.edited === true;
    let base: Record<string, unknown> | undefined;
    if (isConflict) {
      // The base: what the applied changes before it gave each field (the newest one naming it).
      base = {};
      for (const row of rows) {
        if (row.status !== 'Synced' || Number(row.seq) >= Number(r.seq) || !row.data) continue;
        for (const [k, v] of Object.entries(row.data)) if (!Object.hasOwn(base, k)) base[k] = v;
      }
    }
    return {
      id: r.id,
      seq: Number(r.seq),
      updateType: r.updateType,
      contentType: r.contentType,
      remoteContentType: r.remoteContentType,
      documentId: local ? localId : r.localDocumentId,
      remoteDocumentId: r.remoteDocumentId,
      locale: r.docLocale,
      producer: urls.has(r.producerId) ? { id: r.producerId, producerUrl: urls.get(r.producerId)! } : null,
      reason: meta.reason,
      conflict: isConflict,
      reviewable: r.status === 'AwaitingReview' && firstAwaiting(states)?.id === r.id,
      diverged: diverged(states, Number(r.seq)),
      originSiteId: meta.originSiteId,
      changedBy: meta.changedBy ?? null,
      changedAt: meta.changedAt ?? null,
      receivedAt: r.createdAt,
      localExists: local !== null,
      fields: fieldChanges(schema(), r.contentType, local, r.updateType === 'Delete' ? null : r.data, base),
      error: r.error,
    };
  };

  const service = {
    /**
     * The hold gate of the pull (before any network or write): queued behind an earlier held event
     * of the document, a conflict under `onConflict: hold`, or the subscription's mode is `review`.
     */
    async preGate(producer: ProducerRow, event: StreamEvent): Promise<HoldReason | null> {
      const sub = subOf(producer, event.contentType);
      if (!sub) return null;
      const queuedBefore = await awaitingBefore(producer.id, event);
      // A conflict held here, before preparing, uploads nothing (the apply's own check covers a race).
      let isEdited = false;
      if (!queuedBefore && sub.onConflict === 'hold') {
        const ref = await getService(strapi, 'references').find(producer, remoteOf(event));
        const route: Route = { localUid: sub.contentType, useSameName: sub.useSameName, mapping: sub.mapping, keepLocal: sub.keepLocal };
        if (ref && Number(ref.lastAppliedSeq ?? 0) < event.seq) isEdited = await edited(event, route, ref);
      }
      return holdReason({ queuedBefore, review: sub.mode === 'review', edited: isEdited, onConflict: sub.onConflict ?? 'overwrite' });
    },

    /** The conflict check, inside the apply's transaction: whether to hold, and whether local edits are overwritten. */
    async applyGate(
      producer: ProducerRow,
      event: StreamEvent,
      route: Route,
      ref: ReferenceRow | null,
      force: boolean
    ): Promise<{ hold: HoldReason | null; edited: boolean }> {
      const sub = subOf(producer, event.contentType);
      const isEdited = await edited(event, route, ref);
      if (force || !sub) return { hold: null, edited: isEdited };
      return {
        hold: holdReason({ queuedBefore: false, review: false, edited: isEdited, onConflict: sub.onConflict ?? 'overwrite' }),
        edited: isEdited,
      };
    },

    /** After an apply: stores the local copy's fingerprint (engine/review.ts invariant 4). */
    async mark(producer: ProducerRow, event: StreamEvent, route: Route, localId: string): Promise<void> {
      const fp = await currentFingerprint(route, localId, event.locale);
      if (fp) await getService(strapi, 'references').setFingerprint(producer, remoteOf(event), fp);
    },

    /** AwaitingReview rows of the same document before `seq` (retries and resyncs wait for them). */
    async awaitingFor(r: Pick<Row, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>): Promise<number> {
      return logs().count({ where: { ...docWhere(r), status: 'AwaitingReview' } });
    },

    /** Incoming changes awaiting review of one local document (the Content Manager side panel). */
    async countForDocument(contentType: string, documentId: string): Promise<number> {
      return logs().count({
        where: {
          contentType,
          status: 'AwaitingReview',
          $or: [{ localDocumentId: documentId }, { remoteDocumentId: documentId, useSameName: true }],
        },
      });
    },

    /** Held changes, oldest first, each described field by field (`describe`). */
    async list(
      filters: { contentType?: string; producerId?: number; reason?: HoldReason; documentId?: string },
      page: number,
      pageSize: number
    ) {
      const where: Record<string, unknown> = { status: 'AwaitingReview' };
      if (filters.contentType) where.contentType = filters.contentType;
      if (filters.producerId) where.producerId = filters.producerId;
      if (filters.documentId) where.$or = [{ localDocumentId: filters.documentId }, { remoteDocumentId: filters.documentId }];
      const res = await logs().findPage({ where, orderBy: [{ seq: 'asc' }], page, pageSize });
      const urls = await getService(strapi, 'producer-store').urls();
      const data: Item[] = [];
      for (const r of res.results) {
        const item = await describe(r, urls);
        if (filters.reason && item.reason !== filters.reason && !(filters.reason === 'conflict' && item.conflict)) continue;
        data.push(item);
      }
      return { data, meta: { pagination: res.pagination } };
    },

    async detail(id: number): Promise<Item | null> {
      const r = await logs().findOne({ where: { id } });
      return r?.review ? describe(r, await getService(strapi, 'producer-store').urls()) : null;
    },

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
        const page = await service.list(filters, 1, 100);
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

  const reviewableRow = async (id: number): Promise<Row> => {
    const row = await logs().findOne({ where: { id } });
    if (!row || row.status !== 'AwaitingReview' || !row.review)
      throw conflict(`Change ${id} is not awaiting review (it was decided already)`);
    const first = await logs().findOne({
      where: { ...docWhere(row), status: 'AwaitingReview' },
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
    const all = await logs().findMany({ where: docWhere(row), select: ['id', 'seq', 'status'] });
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

  return service;
};
