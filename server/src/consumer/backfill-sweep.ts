import type { Core } from '@strapi/strapi';
import type { ProducerSubscription, StreamEvent } from '../shared/contracts';
import { errorMessage, isTransient } from '../engine/errors';
import { getService } from '../utils';
import type { ProducerRow } from './producer-registry';

/** A listed document's key: documentId and locale. */
export const keyOf = (documentId: string, locale: string | null | undefined) => `${documentId}\u0000${locale ?? ''}`;

/**
 * Deletes, through the apply path (a Delete event at `seq`), the local copies among `refs` whose
 * producer document is not in `listed` (keys by keyOf) — the re-copy's and the sweep's last step.
 * `reconcile`: the Delete applies even when the copy's stored seq is already at `seq` (a back-fill
 * sweep; a re-copy keeps the engine's ordering check). A transient failure stops it (retried as a
 * whole); any other is counted in `failures`.
 */
export async function deleteUnlisted(
  strapi: Core.Strapi,
  producer: ProducerRow,
  sub: ProducerSubscription,
  refs: Array<{ remoteDocumentId: string; docLocale?: string | null }>,
  listed: Set<string>,
  seq: number,
  transaction: <X>(fn: () => Promise<X>) => Promise<X>,
  opts: { reconcile: boolean }
): Promise<{ deleted: number; failures: string[] }> {
  const out = { deleted: 0, failures: [] as string[] };
  const applier = getService(strapi, 'applier');
  for (const ref of refs) {
    if (listed.has(keyOf(ref.remoteDocumentId, ref.docLocale))) continue;
    const event: StreamEvent = {
      seq,
      updateType: 'Delete',
      contentType: sub.remoteContentType,
      documentId: ref.remoteDocumentId,
      locale: ref.docLocale ?? null,
      data: null,
      originSiteId: null,
    };
    try {
      const found = await applier.prepare(producer, producer.subscriptions ?? [], event);
      const prepared = opts.reconcile && found.kind === 'delete' ? { ...found, reconcile: true } : found;
      await transaction(() => applier.apply(producer, event, prepared));
      out.deleted += 1;
    } catch (error) {
      if (isTransient(error)) throw error;
      out.failures.push(`${sub.remoteContentType} ${ref.remoteDocumentId}: ${errorMessage(error)}`);
    }
  }
  return out;
}

/** What one sweep page did. */
export interface SweepPage {
  /** The last reference id checked (resume after it); null: the sweep is complete. */
  next: number | null;
  deleted: number;
  failures: string[];
}

/**
 * The reconciling half of a back-fill (issue 14 point 7): after the copy, the copies this site
 * holds of the producer's type (its live remote references) are checked page by page against
 * what the producer serves now (`GET /documents/:uid?documentIds=…`, which lists only existing,
 * published documents matching this consumer's condition); a copy it no longer serves is
 * deleted through the apply path (a Delete event at the listing's head). Resumable: the caller
 * saves `next` after every page.
 *
 * Only copies last synced before the back-fill began (`startedAt`) are checked: one written or
 * refreshed since was served by the producer since (this back-fill's listing, or its stream), so
 * asking for it again would list it twice (30,000 documents: 300 more listing requests).
 *
 * A subscription with a condition and `onExit: "keep"` keeps what left the condition: its
 * copies are not swept (the producer does not say whether an unlisted document is gone or only
 * no longer matching).
 */
export async function sweepPage(
  strapi: Core.Strapi,
  producer: ProducerRow,
  sub: ProducerSubscription,
  afterId: number,
  transaction: <X>(fn: () => Promise<X>) => Promise<X>,
  startedAt?: Date
): Promise<SweepPage> {
  const out: SweepPage = { next: null, deleted: 0, failures: [] };
  if (sub.onExit === 'keep' && sub.conditionKey) return out;
  const cfg = getService(strapi, 'settings').config();
  const refs = await getService(strapi, 'references').livePage(producer, sub.remoteContentType, afterId, cfg.pageSize, startedAt);
  if (!refs.length) return out;
  const ids = [...new Set(refs.map((r) => r.remoteDocumentId))];
  const client = getService(strapi, 'producer-client').of(producer);
  const listed = new Set<string>();
  let head = 0;
  for (let after = 0, pages = 0; pages < cfg.maxBackfillPages; pages += 1) {
    const page = await client.listDocuments(sub.remoteContentType, after, cfg.pageSize, ids);
    head = Math.max(head, page.headSeq);
    for (const d of page.documents) if (d.data && ids.includes(d.documentId)) listed.add(keyOf(d.documentId, d.locale));
    if (page.nextCursor === null) break;
    after = page.nextCursor;
  }
  const removed = await deleteUnlisted(strapi, producer, sub, refs, listed, head, transaction, { reconcile: true });
  out.deleted += removed.deleted;
  out.failures.push(...removed.failures);
  out.next = refs.length < cfg.pageSize ? null : refs[refs.length - 1].id;
  return out;
}
