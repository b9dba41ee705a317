import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { ReferenceInput, ReferenceRow, RemoteDoc } from '../engine/apply';
import type { ProducerSubscription, RemoteReference } from '../shared/contracts';
import { ApplyError } from '../engine/errors';
import { chunks, getService, repo } from '../utils';
import type { ProducerRow } from './producer-registry';

/** The producer a reference belongs to. */
type Producer = Pick<ProducerRow, 'id' | 'producerUrl' | 'producerSiteId'>;

type Row = ReferenceRow & {
  producerId: number | null;
  producerUrl: string;
  producerSiteId: string;
  lastSyncedAt: string | Date | null;
};

/** A reference row as written: the producer's identity, the remote document, the local one, the time. */
const rowOf = (producer: Producer, input: ReferenceInput) => ({
  localContentType: input.localContentType,
  localDocumentId: input.localDocumentId,
  docLocale: input.remote.locale,
  producerId: producer.id,
  producerUrl: producer.producerUrl,
  producerSiteId: producer.producerSiteId,
  remoteContentType: input.remote.uid,
  remoteDocumentId: input.remote.documentId,
  lastSyncedAt: new Date(),
  lastAppliedSeq: input.lastAppliedSeq,
  deleted: input.deleted,
});

/**
 * The remote-reference table (consumer side), and the only module that reads or writes it: which
 * producer document (site, remote type, documentId, locale) each local document — or uploaded
 * file — mirrors, with the last applied seq. Lookups by remote identity use the
 * (site, type, document) index; the side-panel listing uses the (local type, document) index.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const refs = () => repo<Row>(strapi, UID.remoteReference);
  const remoteWhere = (producer: Producer, remoteUid: string) => ({
    producerSiteId: producer.producerSiteId,
    remoteContentType: remoteUid,
  });

  return {
    /** The reference of one remote document, deleted or not. */
    find(producer: Producer, remote: RemoteDoc): Promise<ReferenceRow | null> {
      return refs().findOne({
        where: { ...remoteWhere(producer, remote.uid), remoteDocumentId: remote.documentId, docLocale: remote.locale },
      });
    },

    /** References of many documents of one remote type, every locale (one query per 500 ids). */
    async findMany(producer: Producer, remoteUid: string, documentIds: string[]): Promise<ReferenceRow[]> {
      const rows: ReferenceRow[] = [];
      for (const ids of chunks(documentIds)) {
        rows.push(...(await refs().findMany({ where: { ...remoteWhere(producer, remoteUid), remoteDocumentId: { $in: ids } } })));
      }
      return rows;
    },

    /** A live reference of the remote document in any locale. */
    findSibling(producer: Producer, remoteUid: string, documentId: string): Promise<ReferenceRow | null> {
      return refs().findOne({ where: { ...remoteWhere(producer, remoteUid), remoteDocumentId: documentId, deleted: false } });
    },

    /** Live (not deleted) references of a remote type: the documents held as copies of it (re-copy deletes the unlisted). */
    live(producer: Producer, remoteUid: string): Promise<ReferenceRow[]> {
      return refs().findMany({ where: { ...remoteWhere(producer, remoteUid), deleted: false } });
    },

    /** One page of `live`, by id (a reconciling back-fill's sweep, resumable after `afterId`). */
    livePage(producer: Producer, remoteUid: string, afterId: number, limit: number, syncedBefore?: Date): Promise<ReferenceRow[]> {
      return refs().findMany({
        where: {
          ...remoteWhere(producer, remoteUid),
          deleted: false,
          id: { $gt: afterId },
          ...(syncedBefore ? { $or: [{ lastSyncedAt: { $lt: syncedBefore } }, { lastSyncedAt: null }] } : {}),
        },
        orderBy: { id: 'asc' },
        limit,
      });
    },

    /**
     * After the producer's log went back (restored): references applied above `seq` drop to 0,
     * since those seqs will name other changes (re-copy then brings each document to its current state).
     */
    async rebase(producer: Producer, seq: number): Promise<void> {
      await refs().updateMany({
        where: { producerSiteId: producer.producerSiteId, lastAppliedSeq: { $gt: seq } },
        data: { lastAppliedSeq: 0 },
      });
    },

    /**
     * Writes a reference: updates row `existingId`, or creates one when null (the unique key
     * (site, remote type, documentId, locale) refuses a second one). The update never lowers the
     * stored `lastAppliedSeq`: a write older than the row (a stale read of it) changes nothing and
     * throws, so the caller's transaction — with the document write it followed — rolls back.
     */
    async save(producer: Producer, input: ReferenceInput, existingId: number | null): Promise<void> {
      const data = rowOf(producer, input);
      if (existingId === null) {
        await refs().createMany({ data: [data] });
        return;
      }
      const { count } = await refs().updateMany({
        where: { id: existingId, $or: [{ lastAppliedSeq: null }, { lastAppliedSeq: { $lte: input.lastAppliedSeq } }] },
        data,
      });
      if (!count)
        throw new ApplyError(
          `The reference of ${input.remote.uid} ${input.remote.documentId} moved past #${input.lastAppliedSeq} (or vanished) while this was applied`
        );
    },

    /**
     * New references, each with its local copy's fingerprint, in one insert per 500 (a bulk copy,
     * bulk-copy.ts; the unique key refuses a reference that exists, and the caller's transaction
     * rolls back).
     */
    async insertMany(producer: Producer, inputs: Array<ReferenceInput & { fingerprint: string | null }>): Promise<void> {
      for (const chunk of chunks(inputs))
        await refs().createMany({ data: chunk.map((i) => ({ ...rowOf(producer, i), localFingerprint: i.fingerprint }) as Partial<Row>) });
    },

    /** Stores the local copy's fingerprint after an apply (engine/review.ts invariant 4). */
    async setFingerprint(producer: Producer, remote: RemoteDoc, fp: string): Promise<void> {
      await refs().updateMany({
        where: { ...remoteWhere(producer, remote.uid), remoteDocumentId: remote.documentId, docLocale: remote.locale },
        data: { localFingerprint: fp } as Partial<Row>,
      });
    },

    /**
     * The remote documents local documents of `localUid` mirror (live references, any producer):
     * per local documentId and locale, the sites and documentIds that are the same document (a
     * served event's aliases). One query per 500 ids, on the (local type, document) index.
     */
    async aliasesOf(
      localUid: string,
      documentIds: string[]
    ): Promise<Array<Pick<Row, 'localDocumentId' | 'docLocale' | 'producerSiteId' | 'remoteDocumentId'>>> {
      const rows: Row[] = [];
      for (const ids of chunks(documentIds)) {
        rows.push(...(await refs().findMany({ where: { localContentType: localUid, localDocumentId: { $in: ids }, deleted: false } })));
      }
      return rows;
    },

    /** Where a local document came from (the Content Manager side panel), most recently synced first. */
    async listForLocal(localContentType: string, localDocumentId: string): Promise<RemoteReference[]> {
      const rows = await refs().findMany({ where: { localContentType, localDocumentId }, orderBy: { lastSyncedAt: 'desc' } });
      // The subscription's kept-local fields, per producer (a document has a reference or two).
      const keepLocal = new Map<number, string[]>();
      for (const id of new Set(rows.map((r) => r.producerId).filter((id): id is number => typeof id === 'number'))) {
        const producer = await getService(strapi, 'producer-store').get(id);
        const sub = producer?.subscriptions?.find((s: ProducerSubscription) => s.contentType === localContentType && !s.unsubscribed);
        keepLocal.set(id, sub?.keepLocal ?? []);
      }
      return rows.map((r) => ({
        localContentType: r.localContentType,
        localDocumentId: r.localDocumentId,
        locale: r.docLocale ?? null,
        producerId: r.producerId ?? null,
        producerUrl: r.producerUrl,
        producerSiteId: r.producerSiteId,
        remoteContentType: r.remoteContentType,
        remoteDocumentId: r.remoteDocumentId,
        lastSyncedAt: (r.lastSyncedAt ?? null) as string | null,
        lastAppliedSeq: Number(r.lastAppliedSeq ?? 0),
        deleted: Boolean(r.deleted),
        keepLocal: (r.producerId != null && keepLocal.get(r.producerId)) || [],
      }));
    },
  };
};
