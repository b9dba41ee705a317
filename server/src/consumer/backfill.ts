import type { Core } from '@strapi/strapi';
import type {
  BackfillProgress,
  BackfillResult,
  ListDocumentsResponse,
  ProducerSubscription,
  PullResponse,
  StreamEvent,
} from '../shared/contracts';
import { runInBatches } from '../engine/batches';
import type { Recopy } from '../engine/cursor';
import { errorMessage, InputError, isTransient, LeaseLostError, RemoteError } from '../engine/errors';
import { getService } from '../utils';
import { logSafe } from '../site/log-safe';
import { backfillProgress } from './backfill-progress';
import { bulkCopy } from './bulk-copy';
import { deleteUnlisted, keyOf, sweepPage } from './backfill-sweep';
import type { ProducerRow } from './producer-registry';

/** A listed document as the event that creates it (or deletes it: it vanished before it was read). */
const asEvent = (contentType: string, doc: ListDocumentsResponse['documents'][number], headSeq: number): StreamEvent => ({
  seq: headSeq,
  updateType: doc.data ? 'Create' : 'Delete',
  contentType,
  documentId: doc.documentId,
  locale: doc.locale ?? null,
  data: doc.data ?? null,
  originSiteId: null,
});

/** What copying one type did. */
interface TypeCopy {
  copied: number;
  /** Of `copied`, inserted by the bulk path (bulk-copy.ts). */
  bulk?: number;
  deleted: number;
  failures: string[];
}

/**
 * Back-fill: copy the documents that already exist on the producer, page by page, through the
 * same apply path as events. Each listed page carries the documents' data (as of its `headSeq`),
 * applied in batches (engine/batches.ts: several documents per transaction); a document that
 * needs the network (missing dependencies, files) or fails is re-fetched and applied alone
 * (reconcile = fetch current state + upsert), failures are reported. Resumable: the listing
 * cursor, counts and the total the producer announced are saved per (producer, type) after every
 * page (backfill-progress.ts; the admin polls them), and an interrupted back-fill resumes there.
 * Started by the admin (`run`) or by approval: a pull that sees a type become Approved marks it
 * pending (`noteApprovals`, unless the producer's `backfillOnApproval` is off) and runs it after
 * its pages, nested in its exclusion (`runPending`) — so does every later pull until it is done. At most
 * `maxBackfillPages` pages per type: a producer that keeps answering with a next cursor cannot
 * keep it running forever.
 *
 * Re-copy (`recopy`, called by a pull that found the producer's log moved under its cursor,
 * engine/cursor.ts): the same copy of every subscribed type from the start, plus deletes — a
 * document held here as a copy of the producer's (a live remote reference) that the producer no
 * longer lists is deleted — then the cursor moves to the head seen before the copy, in one
 * transaction with a sync-log row per type saying why. Events after that head are pulled next;
 * those already reflected by the copy are skipped by the reference's lastAppliedSeq.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const progress = () => backfillProgress(strapi);
  const transaction = <X>(fn: () => Promise<X>) => strapi.db.transaction(() => fn()) as unknown as Promise<X>;

  /**
   * Copies one type from `after`, page by page. `listed` (re-copy) collects the keys the
   * producer listed; `position` saves the position after each page (resumable back-fill).
   * `strict`: a transient failure of a document throws (re-copy starts over) instead of being counted.
   */
  const copyType = async (
    producer: ProducerRow,
    sub: ProducerSubscription,
    opts: {
      after: number;
      /** After each page: the cursor to resume after (null: the type is complete) and the page. */
      position?: (after: number | null, page: ListDocumentsResponse, done: TypeCopy) => Promise<void>;
      listed?: Set<string>;
      strict?: boolean;
      between?: () => Promise<void>;
    }
  ): Promise<TypeCopy> => {
    const applier = getService(strapi, 'applier');
    const cfg = getService(strapi, 'settings').config();
    const client = getService(strapi, 'producer-client').of(producer);
    const out: TypeCopy = { copied: 0, deleted: 0, failures: [] };
    const list = (after: number) => {
      const listing = client.listDocuments(sub.remoteContentType, after, cfg.pageSize);
      listing.catch(() => undefined); // awaited below; a read-ahead abandoned by an error must not reject unhandled
      return listing;
    };
    // Read-ahead: the next page is asked for as soon as this one arrives, so the producer lists it
    // while this site applies this one (two processes, two cores); each page stays a snapshot at its headSeq.
    let next = list(opts.after);
    for (let pages = 0; ; pages += 1) {
      if (pages >= cfg.maxBackfillPages) {
        throw new RemoteError(
          `Back-fill of ${sub.remoteContentType} stopped after ${cfg.maxBackfillPages} pages (config maxBackfillPages): the producer keeps answering with a next page`,
          200
        );
      }
      await opts.between?.();
      const page = await next;
      if (page.nextCursor !== null && pages + 1 < cfg.maxBackfillPages) next = list(page.nextCursor);
      for (const doc of page.documents) if (doc.data) opts.listed?.add(keyOf(doc.documentId, doc.locale));
      // Config bulkBackfill: the page's plain documents in one insert (bulk-copy.ts); the rest one by one.
      const bulk = await bulkCopy(strapi, producer, sub.remoteContentType, page).catch((error: unknown) => {
        // Rolled back whole: the per-document path copies the page (and records any failure).
        strapi.log.warn(
          logSafe`event-streaming: bulk back-fill of ${sub.remoteContentType} fell back to one document at a time: ${errorMessage(error)}`
        );
        return new Set<string>();
      });
      out.copied += bulk.size;
      out.bulk = (out.bulk ?? 0) + bulk.size;
      await runInBatches(
        page.documents.filter((d) => !(d.data && (d.locale ?? null) === null && bulk.has(d.documentId))),
        {
          transaction,
          between: opts.between,
          // The page carries each document's data: applied in the batch's transaction unless it
          // needs the network (missing dependencies, files).
          batched: async (doc) => {
            const event = asEvent(sub.remoteContentType, doc, page.headSeq);
            await applier.apply(producer, event, await applier.prepare(producer, producer.subscriptions ?? [], event, { offline: true }));
            return null;
          },
          alone: async (doc) => {
            try {
              const { event, prepared } = await applier.reconcile(producer, sub.remoteContentType, doc.documentId, doc.locale ?? null);
              await transaction(() => applier.apply(producer, event, prepared));
              return null;
            } catch (error) {
              if (opts.strict && isTransient(error)) throw error;
              return `${sub.remoteContentType} ${doc.documentId}: ${errorMessage(error)}`;
            }
          },
        },
        { size: cfg.applyBatchSize, ms: cfg.applyBatchMs },
        (failure) => {
          if (failure) out.failures.push(failure);
          else out.copied += 1;
        }
      );
      await opts.position?.(page.nextCursor, page, out);
      if (page.nextCursor === null) break;
    }
    return out;
  };

  const approved = (producer: ProducerRow) => (producer.subscriptions ?? []).filter((s) => s.status === 'Approved' && !s.unsubscribed);

  /**
   * Runs (or resumes) the back-fill of `sub` as recorded in the progress store, saving the
   * position and counts after every page. A transient failure leaves it `running` with the error
   * (the next pull resumes it); any other ends it `failed`. Returns what this run copied (a
   * resumed one: since it resumed; the stored progress counts the whole back-fill).
   */
  const backfillType = async (producer: ProducerRow, sub: ProducerSubscription, trigger: BackfillProgress['trigger']) => {
    let state = await progress().start(producer.id, sub.remoteContentType, trigger);
    // The sweep checks only copies synced before this back-fill began (backfill-sweep.ts).
    const startedAt = state.startedAt ? new Date(state.startedAt) : undefined;
    const base = { copied: state.copied, failed: state.failed, failures: state.failures };
    let run: TypeCopy = { copied: 0, deleted: 0, failures: [] };
    try {
      if (state.phase !== 'sweep')
        await copyType(producer, sub, {
          after: state.after,
          position: async (next, page, done) => {
            run = done;
            const total = state.total ?? (Number.isInteger(page.total) && page.total! >= 0 ? page.total! : null);
            state = await progress().save(producer.id, {
              ...state,
              total,
              pages: state.pages + 1,
              after: next ?? state.after,
              copied: base.copied + done.copied,
              failed: base.failed + done.failures.length,
              failures: [...base.failures, ...done.failures],
            });
          },
        });
      // Reconcile (issue 14): copies the producer no longer serves leave, page by page, resumable.
      state = await progress().save(producer.id, { ...state, phase: 'sweep' });
      for (let pages = 0; pages < getService(strapi, 'settings').config().maxBackfillPages; pages += 1) {
        const swept = await sweepPage(strapi, producer, sub, state.sweepAfter ?? 0, transaction, startedAt);
        run = { ...run, deleted: run.deleted + swept.deleted, failures: [...run.failures, ...swept.failures] };
        state = await progress().save(producer.id, {
          ...state,
          sweepAfter: swept.next ?? state.sweepAfter ?? 0,
          deleted: (state.deleted ?? 0) + swept.deleted,
          failed: state.failed + swept.failures.length,
          failures: [...state.failures, ...swept.failures],
        });
        if (swept.next === null) break;
      }
      state = await progress().save(producer.id, { ...state, state: 'done', finishedAt: new Date().toISOString() });
    } catch (error) {
      const stop = !isTransient(error);
      state = await progress().save(producer.id, {
        ...state,
        state: stop ? 'failed' : 'running',
        error: errorMessage(error),
        finishedAt: stop ? new Date().toISOString() : null,
      });
      throw error;
    }
    return run;
  };

  return {
    /** The manual Back-fill (as the producer's writer): every approved type, or one. Null: no such producer. */
    async run(producerId: number, contentType?: unknown): Promise<BackfillResult | null> {
      const producer = await getService(strapi, 'producer-store').get(producerId);
      if (!producer) return null;
      const subs = approved(producer);
      if (contentType !== undefined && typeof contentType !== 'string') throw new InputError('contentType must be a content type UID');
      const chosen = contentType ? subs.filter((s) => s.remoteContentType === contentType || s.contentType === contentType) : subs;
      if (contentType && !chosen.length) throw new InputError(`${String(contentType)} is not an approved subscription of this producer`);
      let copied = 0;
      let bulk = 0;
      const failures: string[] = [];
      for (const sub of chosen) {
        const done = await backfillType(producer, sub, 'manual');
        copied += done.copied;
        bulk += done.bulk ?? 0;
        failures.push(...done.failures);
      }
      return { copied, bulk, failed: failures.length, failures: failures.slice(0, 50) };
    },

    /**
     * Back-fill on approval, run by the pull (nested in its exclusion) after its pages: every
     * approved type with a pending or interrupted back-fill, resumed where it stopped. Never
     * throws but for a lost lease: a failure is on the type's progress (a transient one is retried
     * by the next pull).
     */
    async runPending(producer: ProducerRow): Promise<void> {
      const subs = approved(producer);
      for (const entry of await progress().unfinished(producer.id, subs)) {
        const sub = subs.find((s) => s.remoteContentType === entry.contentType)!;
        try {
          await backfillType(producer, sub, entry.trigger);
        } catch (error) {
          if (error instanceof LeaseLostError) throw error;
          strapi.log.warn(
            logSafe`event-streaming: back-fill of ${sub.remoteContentType} from ${producer.producerUrl}: ${errorMessage(error)}`
          );
          if (isTransient(error)) return;
        }
      }
    },

    /** Subscriptions that became Approved get a pending back-fill, if the producer asks for it. */
    async noteApprovals(producer: ProducerRow, before: ProducerSubscription[] | null, after: ProducerSubscription[]): Promise<void> {
      // A changed condition always reconciles (what this site holds no longer is what it should).
      await progress().markConditionChanged(producer.id, before, after);
      if (producer.backfillOnApproval === false) return;
      await progress().markApproved(producer.id, before, after);
    },

    /** Each subscribed type's back-fill (GET /producers/:id/backfill). */
    async progress(producer: ProducerRow): Promise<BackfillProgress[]> {
      return progress().list(producer.id, producer.subscriptions ?? []);
    },

    /** Forgets a deleted producer's back-fills. */
    forget: (producer: ProducerRow) => progress().forget(producer.id, producer.subscriptions ?? []),

    /**
     * Re-copies every approved type of `producer` from its current state (deletes included), then
     * sets cursor = `page.headSeq` and epoch = `page.epoch` with a sync-log row per type saying
     * why, while `owner` holds the pull lease (`between` renews it). A transient failure throws
     * with the cursor untouched (the next pull starts the re-copy over).
     */
    async recopy(producer: ProducerRow, owner: string, reason: Recopy, page: PullResponse, between: () => Promise<void>): Promise<void> {
      const head = page.headSeq;
      strapi.log.warn(`event-streaming: re-copying from ${producer.producerUrl}: ${reason.message}`);
      if (reason.kind !== 'pruned') {
        // The producer went back: the seqs above its head will name other changes.
        await getService(strapi, 'references').rebase(producer, head);
      }
      const notes: Array<[string, string]> = [];
      for (const sub of approved(producer)) {
        const listed = new Set<string>();
        const done = await copyType(producer, sub, { after: 0, listed, strict: true, between });
        const refs = await getService(strapi, 'references').live(producer, sub.remoteContentType);
        const removed = await deleteUnlisted(strapi, producer, sub, refs, listed, head, transaction, { reconcile: false });
        done.deleted += removed.deleted;
        done.failures.push(...removed.failures);
        const failed = done.failures.length ? `; ${done.failures.length} failed: ${done.failures.slice(0, 5).join('; ')}` : '';
        notes.push([
          sub.remoteContentType,
          `Re-copied from the producer because ${reason.message}: ${done.copied} copied, ${done.deleted} deleted${failed}`,
        ]);
      }
      await transaction(async () => {
        if (reason.kind !== 'pruned') await getService(strapi, 'sync-log').forgetAfter(producer.id, head);
        for (const [type, note] of notes) await getService(strapi, 'sync-log').recordRecopy(producer, head, type, note);
        await getService(strapi, 'producer-store').resetCursor(producer.id, owner, head, page.epoch);
      });
    },
  };
};
