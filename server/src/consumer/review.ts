/**
 * The review queue (consumer side, issue 15; rules in engine/review.ts): the hold gate the pull
 * calls before writing, the local-copy fingerprints that detect conflicts, and the Review page's
 * list and detail of the held changes. Held events are sync-log rows with status AwaitingReview,
 * so they survive restarts and commit with the cursor. The editor's decisions (Accept, Reject,
 * bulk Accept) are in consumer/review-decisions.ts.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { FindReviews, ProducerSubscription, StreamEvent } from '../shared/contracts';
import { diverged, fieldChanges, fingerprint, firstAwaiting, holdReason, locallyEdited, type HoldReason } from '../engine/review';
import type { ReferenceRow, Route } from '../engine/apply';
import { fieldKind, type ModelDef } from '../engine/schema';
import { contentTypeUid, getService, repo } from '../utils';
import type { ProducerRow } from './producer-registry';
import { documentRows, sameDocument } from './sync-log';

/** One held change as the Review page shows it. */
export type ReviewItem = FindReviews.Response['data'][number];

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

/** A held (or decided) sync-log row. */
export type HeldRow = {
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

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => repo<HeldRow>(strapi, UID.syncLog);
  const schema = () => getService(strapi, 'schema');
  const docs = (uid: string) =>
    strapi.documents(contentTypeUid(uid)) as unknown as { findOne(p: object): Promise<Record<string, unknown> | null> };
  const remoteOf = (event: Pick<StreamEvent, 'contentType' | 'documentId' | 'locale'>) => ({
    uid: event.contentType,
    documentId: event.documentId,
    locale: event.locale,
  });
  const subOf = (producer: ProducerRow, remoteUid: string): ProducerSubscription | undefined =>
    (producer.subscriptions ?? []).find((s) => s.remoteContentType === remoteUid && !s.unsubscribed);

  /**
   * The local copy read as the fingerprint and the Review page need it (the draft under D&P), or
   * null: what the stream writes, one level deep (as the Document Service's `populate: '*'`,
   * without the admin users it would add), in one Query Engine findOne — read twice per applied
   * event (the conflict check, then the fingerprint stored), so its cost is the consumer's.
   */
  const localPopulate = (model: ModelDef) =>
    Object.fromEntries(
      Object.entries(model.attributes)
        .filter(([name, attr]) => !['scalar', 'skip'].includes(fieldKind(name, attr)))
        .map(([name]) => [name, true])
    );
  const readLocal = async (uid: string, documentId: string, locale: string | null) => {
    const model = schema().model(uid);
    if (!model) return null;
    if (model.localized && !locale) return docs(uid).findOne({ documentId, populate: '*' }); // the default locale
    const where = { documentId, ...(model.localized ? { locale } : {}), ...(model.draftAndPublish ? { publishedAt: null } : {}) };
    return repo<Record<string, unknown>>(strapi, uid).findOne({ where, populate: localPopulate(model) });
  };

  const currentFingerprint = async (route: Route, localId: string, locale: string | null): Promise<string | null> => {
    const localized = schema().model(route.localUid)?.localized === true;
    const doc = await readLocal(route.localUid, localId, localized ? locale : null);
    return doc ? fingerprint(schema(), route.localUid, doc, route.keepLocal ?? []) : null;
  };

  const awaitingBefore = async (producerId: number, event: StreamEvent): Promise<boolean> =>
    (
      await documentRows(
        strapi,
        { producerId, remoteContentType: event.contentType, remoteDocumentId: event.documentId, docLocale: event.locale },
        ['AwaitingReview']
      )
    ).some((r) => r.seq < event.seq);

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
  const describe = async (r: HeldRow, urls: Map<number, string>): Promise<ReviewItem> => {
    const meta: HeldMeta = r.review ?? { reason: 'review', originSiteId: null };
    const rows = await logs().findMany({ where: sameDocument(r), orderBy: { seq: 'desc' }, select: ['id', 'seq', 'status', 'data'] });
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

    /**
     * The fingerprints of many local documents of a type without Draft & Publish or locales (a
     * bulk copy, bulk-copy.ts): read as `readLocal` reads one, in one query. By local documentId.
     */
    async fingerprintsOf(route: Route, documentIds: string[]): Promise<Map<string, string>> {
      const model = schema().model(route.localUid);
      const out = new Map<string, string>();
      if (!model || model.localized || model.draftAndPublish || !documentIds.length) return out;
      const rows = await repo<Record<string, unknown>>(strapi, route.localUid).findMany({
        where: { documentId: { $in: documentIds } },
        populate: localPopulate(model),
      });
      for (const doc of rows) out.set(String(doc.documentId), fingerprint(schema(), route.localUid, doc, route.keepLocal ?? []));
      return out;
    },

    /** After an apply: stores the local copy's fingerprint (engine/review.ts invariant 4). */
    async mark(producer: ProducerRow, event: StreamEvent, route: Route, localId: string): Promise<void> {
      const fp = await currentFingerprint(route, localId, event.locale);
      if (fp) await getService(strapi, 'references').setFingerprint(producer, remoteOf(event), fp);
    },

    /** AwaitingReview rows of the same document before `seq` (retries and resyncs wait for them). */
    async awaitingFor(r: Pick<HeldRow, 'producerId' | 'remoteContentType' | 'remoteDocumentId' | 'docLocale'>): Promise<number> {
      return logs().count({ where: { ...sameDocument(r), status: 'AwaitingReview' } });
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
      const data: ReviewItem[] = [];
      for (const r of res.results) {
        const item = await describe(r, urls);
        if (filters.reason && item.reason !== filters.reason && !(filters.reason === 'conflict' && item.conflict)) continue;
        data.push(item);
      }
      return { data, meta: { pagination: res.pagination } };
    },

    async detail(id: number): Promise<ReviewItem | null> {
      const r = await logs().findOne({ where: { id } });
      return r?.review ? describe(r, await getService(strapi, 'producer-store').urls()) : null;
    },
  };

  return service;
};
