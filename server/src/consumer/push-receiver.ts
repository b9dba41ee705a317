import crypto from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { errorMessage, InputError, RemoteError } from '../engine/errors';
import { PageTooLargeError } from '../engine/page-size';
import { pullOnce, type PullPorts } from '../engine/pull-loop';
import { isPushNeed, MissingFromPushError, PushBundle } from '../engine/push-bundle';
import type { DocRef } from '../engine/snapshot';
import type { PushRequest, PushResponse } from '../protocol/push';
import { PUSH_MAX_NEEDS } from '../protocol/wire';
import type { FetchDocumentResponse } from '../shared/contracts';
import { apiTokenIdOf } from '../site/api-tokens';
import { getService } from '../utils';
import type { ProducerRow } from './producer-store';

/** A 403 that keeps its message (see controllers/stream.ts `forbidden`). */
const refused = (message: string) => Object.assign(new errors.PolicyError(message), { name: 'ForbiddenError' });

/** A pushed page cut from another cursor than this site's: answered with the cursor, nothing applied. */
class StalePushError extends Error {
  constructor() {
    super('The pushed page starts at another cursor than this site holds');
    this.name = 'StalePushError';
  }
}

/**
 * PUSH MODE, consumer side (README "Push mode"; wire in protocol/push.ts, engine in
 * engine/push-bundle.ts). A push-mode Event Producer is never called: its producer sends pages
 * here, authenticated with the push token this site minted for it (`callbackToken`). A page is
 * applied by the SAME pull loop and apply engine as a pulled one, inside the producer's one
 * writer exclusion (exclusion.ts), from this site's durable cursor:
 * - a page cut from another cursor (a push retried after a timeout, a second instance of the
 *   producer) is stale: nothing is applied, the answer names the cursor to resume from;
 * - every event's (producer, seq) idempotency and the cursor saved with the outcomes hold as in
 *   a pull (engine/pull-loop.ts invariants);
 * - where the engine would call the producer (a dependency, a file) it reads the push; what the
 *   push lacks becomes a need in the answer, and the producer sends the page again with it.
 * Files the answer named are streamed to POST /push/files/:fileId and staged on disk (never in
 * memory; `maxFileBytes`) until the event that needs them takes them.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'producer-store');
  const settings = () => getService(strapi, 'settings');
  /** The push being applied, per producer id: its bundle (producer-client.ts reads it). */
  const active = new Map<number, PushBundle>();
  /** Files this site asked a producer for (by producer id), the only ones an upload may bring. */
  const wanted = new Map<number, Set<string>>();
  const stagingDir = (producerId: number) => path.join(os.tmpdir(), 'event-streaming-push', `${process.pid}-${producerId}`);
  const stagedPath = (producerId: number, fileId: string) =>
    path.join(stagingDir(producerId), crypto.createHash('sha256').update(fileId).digest('hex'));
  const staged = new Map<number, Set<string>>();

  /** The push-mode producer whose push token authenticated the call. @throws 403 */
  const producerOf = async (tokenId: number, siteId: string): Promise<ProducerRow> => {
    for (const p of await store().list()) {
      if (p.mode !== 'push' || !p.callbackToken) continue;
      const id = p.callbackTokenId ?? (await apiTokenIdOf(strapi, settings().decrypt(p.callbackToken)));
      if (id !== tokenId) continue;
      if (p.producerSiteId && p.producerSiteId !== siteId) throw refused('This push token belongs to another producer site');
      if (!p.producerSiteId) {
        const other = await store().bySiteId(siteId);
        if (other && other.id !== p.id) throw refused(`Site ${siteId} is already an Event Producer here (${other.producerUrl})`);
        await store().setSiteId(p.id, siteId);
        p.producerSiteId = siteId;
      }
      return p;
    }
    throw refused('This API token is not the push token of a push-mode Event Producer of this site');
  };

  const answer = async (p: ProducerRow, extra: Partial<PushResponse> = {}): Promise<PushResponse> => ({
    siteId: settings().siteId(),
    name: settings().siteName(),
    subscriptions: (p.subscriptions ?? []).map((s) => ({ contentType: s.remoteContentType, unsubscribed: Boolean(s.unsubscribed) })),
    cursor: await store().loadCursor(p.id),
    cursorKey: await store().loadCursorKey(p.id),
    needs: { documents: [], files: [] },
    ...extra,
  });

  /** The bundle's needs, its files now accepted by POST /push/files. */
  const asked = (producerId: number, bundle: PushBundle) => {
    const want = wanted.get(producerId) ?? new Set<string>();
    for (const f of bundle.needs.files) want.add(f.fileId);
    wanted.set(producerId, want);
    return bundle.needs;
  };

  /** Applies one pushed page as the producer's writer (`owner`: the lease). */
  const applyPage = async (producer: ProducerRow, owner: string, req: PushRequest): Promise<PushResponse> => {
    const page = req.page!;
    const bundle = new PushBundle(
      req.documents ?? [],
      req.refused ?? [],
      (fileId) => staged.get(producer.id)?.has(fileId) ?? false,
      PUSH_MAX_NEEDS
    );
    const cfg = settings().config();
    const base = getService(strapi, 'puller').ports(producer, owner);
    const ports: PullPorts = {
      ...base,
      fetchPage: async (after, _limit, opts) => {
        if (after !== page.after || (opts?.afterKey ?? null) !== (page.afterKey ?? null)) throw new StalePushError();
        // One event over the producer's body budget came without data (pull-loop.ts ADAPTIVE PAGES).
        if (page.oversized !== undefined && opts?.withData !== false) throw new PageTooLargeError(page.oversized);
        return page;
      },
      // A push carries subscription statuses; back-fills (which list the producer's documents) are not available.
      recordPull: async (p) => {
        const subscriptions = await store().recordPull(producer.id, p);
        if (subscriptions) producer.subscriptions = subscriptions;
      },
      recopy: async (reason) => {
        throw new RemoteError(
          `The producer's log cannot be followed on (${reason.message}); a push-mode producer cannot be re-copied from here: delete and re-create the Event Producer`,
          409
        );
      },
    };
    active.set(producer.id, bundle);
    try {
      // The first page of a new push producer starts where the producer registered this site
      // (its Event Consumer's acknowledged seq, as a pull registration starts at the head).
      if (page.after > 0 && (await store().loadCursor(producer.id)) === 0 && (await store().loadEpoch(producer.id)) === null)
        await base.transaction(() => base.saveCursor(page.after, page.afterKey));
      let extra: Partial<PushResponse>;
      try {
        const result = await pullOnce(ports, { maxPages: 1, batchSize: cfg.applyBatchSize, batchMs: cfg.applyBatchMs });
        await store().recordHealth(producer.id, { ok: true, cursor: result.cursor, headSeq: result.headSeq });
        extra = { result };
      } catch (error) {
        if (!(error instanceof StalePushError)) throw error;
        extra = { stale: true };
      }
      // The retries of failed events (as the cron does for a pulled producer), with this push's
      // documents and files: what they lack is asked like the page's own needs.
      await getService(strapi, 'resync').retryDue(producer.id);
      // Nothing more asked: files staged for events that no longer need them are dropped.
      if (!bundle.hasNeeds && !extra.stale) await service.forget(producer.id);
      return answer(producer, { ...extra, needs: asked(producer.id, bundle) });
    } catch (error) {
      if (!isPushNeed(error)) {
        await store().recordHealth(producer.id, { ok: false, error: errorMessage(error) });
        throw error;
      }
      // The events before the one that needs something are applied (their cursor committed).
      return answer(producer, { needs: asked(producer.id, bundle) });
    } finally {
      active.delete(producer.id);
    }
  };

  const service = {
    /** POST /push: a hello (no page) or a page to apply. */
    async receive(tokenId: number, req: PushRequest): Promise<PushResponse> {
      const producer = await producerOf(tokenId, req.siteId);
      if (!req.page) return answer(producer);
      // Another writer holding this producer past the wait (a resync, a push to another instance):
      // WriterBusyError, a 409; the producer pushes again later.
      return getService(strapi, 'exclusion').withProducer(
        producer.id,
        'a push',
        async (owner) => applyPage((await store().get(producer.id)) ?? producer, owner, req),
        { localWaitMs: 30_000, remoteWaitMs: 0 }
      );
    },

    /** POST /push/files/:fileId: a file this site asked for, streamed to its staging folder. */
    async receiveFile(tokenId: number, siteId: string, fileId: string, body: Readable): Promise<{ size: number }> {
      const producer = await producerOf(tokenId, siteId);
      if ((staged.get(producer.id)?.size ?? 0) >= PUSH_MAX_NEEDS) {
        body.resume();
        throw new InputError('Too many pushed files wait to be used; push the page first');
      }
      if (!wanted.get(producer.id)?.has(fileId)) {
        body.resume();
        throw new InputError(`File ${fileId.slice(0, 100)} was not asked for; push the page first`);
      }
      const max = settings().config().maxFileBytes;
      await fs.mkdir(stagingDir(producer.id), { recursive: true });
      const target = stagedPath(producer.id, fileId);
      let size = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, next) {
          size += chunk.length;
          next(size > max ? new InputError(`The file is larger than maxFileBytes (${max} bytes)`) : null, chunk);
        },
      });
      try {
        await pipeline(body, cap, createWriteStream(target));
      } catch (error) {
        await fs.rm(target, { force: true });
        throw error;
      }
      wanted.get(producer.id)?.delete(fileId);
      const set = staged.get(producer.id) ?? new Set<string>();
      set.add(fileId);
      staged.set(producer.id, set);
      return { size };
    },

    /** producer-client.ts, push mode: a document from the push being applied. */
    document(producerId: number, uid: string, documentId: string, locale: string | null, via: DocRef[]): FetchDocumentResponse {
      const bundle = active.get(producerId);
      // Outside a push (a Resync from the admin): a need, retried at the next push (consumer/resync.ts).
      if (!bundle) throw new MissingFromPushError(`${uid} ${documentId} (at its next push)`);
      return bundle.document(uid, documentId, locale, via);
    },

    /** producer-client.ts, push mode: a staged file moved to `filepath` (taken once). Returns its size. */
    async takeFile(producerId: number, fileId: string, via: DocRef[], filepath: string): Promise<number> {
      const bundle = active.get(producerId);
      if (!bundle) throw new MissingFromPushError(`file ${fileId} (at its next push)`);
      bundle.file(fileId, via);
      const from = stagedPath(producerId, fileId);
      await fs.rename(from, filepath).catch(async () => {
        await fs.copyFile(from, filepath);
        await fs.rm(from, { force: true });
      });
      staged.get(producerId)?.delete(fileId);
      return (await fs.stat(filepath)).size;
    },

    /** Removes the staged files of a producer (deleted). */
    async forget(producerId: number): Promise<void> {
      staged.delete(producerId);
      wanted.delete(producerId);
      await fs.rm(stagingDir(producerId), { recursive: true, force: true });
    },
  };
  return service;
};
