import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, UID } from '../constants';
import type {
  ConsumerSubscription,
  ConsumerSubscriptionsInput,
  EventConsumer,
  FetchDocumentResponse,
  ListDocumentsResponse,
  PullResponse,
  RegisterBody,
  RegisterRequest,
  RegisterResponse,
} from '../shared/contracts';
import { REGISTER_SUBSCRIPTIONS_MESSAGE } from '../shared/validation/stream';
import { cutPage, streamableTypes, type ServedSubscription } from '../engine/cursor';
import { errorMessage, InputError } from '../engine/errors';
import { collectRefs, type DocRef } from '../engine/snapshot';
import { normalizeSiteUrl } from '../engine/url';
import { conflict } from '../errors';
import { getService, repo } from '../utils';
import { consumerClient } from '../protocol/client';
import { MAX_VIA_HOPS } from '../protocol/wire';

export type ConsumerRow = {
  id: number;
  documentId: string;
  consumerSiteId: string;
  consumerName: string;
  callbackUrl: string | null;
  callbackToken: string | null;
  apiTokenId: number;
  subscriptions: ConsumerSubscription[] | null;
  lastSeenAt: string | null;
  ackSeq: number | null;
  notifiedSeq: number | null;
  createdAt: string;
  updatedAt: string;
};

const SUBSCRIPTIONS_RANGE = REGISTER_SUBSCRIPTIONS_MESSAGE;

/**
 * Normalises a registration body that passed the shared schema (shared/validation/stream.ts
 * registerSchema): the name trimmed, the callback URL checked and normalised, absent callback
 * fields null. @throws InputError naming the field.
 */
export function parseRegisterRequest(body: RegisterBody): RegisterRequest {
  const url = body.callbackUrl === null || body.callbackUrl === undefined ? null : normalizeSiteUrl(body.callbackUrl, 'callbackUrl');
  return {
    siteId: body.siteId,
    name: body.name.trim(),
    callbackUrl: url,
    callbackToken: body.callbackToken || null,
    subscriptions: body.subscriptions.map(({ contentType }) => ({ contentType })),
  };
}

/**
 * The producer side: Event Consumers (created by registration, approved by an admin), and what
 * a consumer's token may read — its own stream, the documents of its approved types and the
 * dependencies reachable from them.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const consumers = () => repo<ConsumerRow>(strapi, UID.consumer);
  const settings = () => getService(strapi, 'settings');
  const schema = () => getService(strapi, 'schema');

  const subsOf = (c: ConsumerRow): ServedSubscription[] =>
    (c.subscriptions ?? []).map((s) => ({
      contentType: s.contentType,
      status: s.status,
      unsubscribed: Boolean(s.unsubscribed),
      approvedAtSeq: s.approvedAtSeq ?? null,
    }));

  const toDto = (c: ConsumerRow, headSeq: number): EventConsumer => ({
    id: c.id,
    documentId: c.documentId,
    consumerSiteId: c.consumerSiteId,
    consumerName: c.consumerName,
    callbackUrl: c.callbackUrl,
    callbackTokenHint: settings().hint(c.callbackToken),
    apiTokenId: c.apiTokenId,
    subscriptions: (c.subscriptions ?? []).map((s) => ({
      contentType: s.contentType,
      status: s.status,
      unsubscribed: Boolean(s.unsubscribed),
      approvedAtSeq: s.approvedAtSeq ?? null,
      condition: s.condition ?? null,
    })),
    lastSeenAt: c.lastSeenAt,
    ackSeq: Number(c.ackSeq ?? 0),
    headSeq,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });

  const service = {
    /** The consumer the calling API token registered, or null. */
    async byToken(apiTokenId: number): Promise<ConsumerRow | null> {
      return consumers().findOne({ where: { apiTokenId } });
    },

    async register(apiTokenId: number, body: RegisterBody): Promise<RegisterResponse> {
      const req = parseRegisterRequest(body);
      const unknown = req.subscriptions.map((s) => s.contentType).filter((uid) => !schema().isStreamable(uid));
      if (unknown.length) {
        throw new InputError(`Unknown or non-streamable content type(s) on this site: ${unknown.join(', ')}`, { contentTypes: unknown });
      }
      const head = await getService(strapi, 'update-log').sequence();
      const bySite = await consumers().findOne({ where: { consumerSiteId: req.siteId } });
      const byToken = await service.byToken(apiTokenId);
      if (bySite && bySite.apiTokenId !== apiTokenId) {
        throw conflict(
          `Site ${req.siteId} is already registered with another API token; an admin of this site must delete that Event Consumer first`
        );
      }
      if (byToken && byToken.consumerSiteId !== req.siteId) {
        throw conflict(`This API token is already used by consumer "${byToken.consumerName}"; create one API token per consumer site`);
      }
      if (!bySite && req.subscriptions.length === 0) throw new InputError(SUBSCRIPTIONS_RANGE);
      const previous = new Map((bySite?.subscriptions ?? []).map((s) => [s.contentType, s]));
      const subscriptions: ConsumerSubscription[] = req.subscriptions.map(({ contentType }) => {
        const old = previous.get(contentType);
        return old
          ? { ...old, unsubscribed: false }
          : { contentType, status: 'Pending', unsubscribed: false, approvedAtSeq: null, condition: null };
      });
      const data = {
        consumerName: req.name,
        callbackUrl: req.callbackUrl,
        callbackToken: req.callbackToken ? settings().encrypt(req.callbackToken) : null,
        apiTokenId,
        subscriptions,
        lastSeenAt: new Date(),
      };
      if (bySite) {
        await consumers().update({ where: { id: bySite.id }, data });
      } else {
        await consumers().create({ data: { ...data, consumerSiteId: req.siteId, ackSeq: head, notifiedSeq: head } });
      }
      strapi.log.info(`event-streaming: consumer "${req.name}" (${req.siteId}) ${bySite ? 're-registered' : 'registered'}`);
      return {
        siteId: settings().siteId(),
        headSeq: head,
        subscriptions: subscriptions.map((s) => ({ contentType: s.contentType, status: s.status })),
      };
    },

    async deregister(consumer: ConsumerRow): Promise<void> {
      await consumers().delete({ where: { id: consumer.id } });
      strapi.log.info(`event-streaming: consumer "${consumer.consumerName}" (${consumer.consumerSiteId}) deregistered`);
    },

    async list(): Promise<EventConsumer[]> {
      const head = await getService(strapi, 'update-log').head();
      const rows = await consumers().findMany({ orderBy: { id: 'asc' } });
      return rows.map((c) => toDto(c, head));
    },

    async get(id: number): Promise<EventConsumer | null> {
      const c = await consumers().findOne({ where: { id } });
      return c ? toDto(c, await getService(strapi, 'update-log').head()) : null;
    },

    async remove(id: number): Promise<boolean> {
      const c = await consumers().findOne({ where: { id } });
      if (!c) return false;
      await service.deregister(c);
      return true;
    },

    /**
     * Approve / reject types of a consumer. A newly Approved type streams events after the
     * current head (earlier documents come by back-fill). Pokes the consumer afterwards so it
     * sees its statuses at once (only when at least one type is Approved).
     */
    async setStatuses(id: number, input: ConsumerSubscriptionsInput): Promise<EventConsumer | null> {
      const c = await consumers().findOne({ where: { id } });
      if (!c) return null;
      // The body passed the shared schema (setConsumerSubscriptionsSchema); what remains needs the row.
      const current = new Map((c.subscriptions ?? []).map((s) => [s.contentType, { ...s }]));
      const head = await getService(strapi, 'update-log').sequence();
      for (const s of input.subscriptions) {
        const sub = current.get(s.contentType);
        if (!sub) throw new InputError(`Consumer "${c.consumerName}" has not subscribed to ${s.contentType}`);
        if (sub.status !== 'Approved' && s.status === 'Approved') sub.approvedAtSeq = head;
        sub.status = s.status;
      }
      const subscriptions = [...current.values()];
      await consumers().update({ where: { id }, data: { subscriptions } });
      const updated = { ...c, subscriptions };
      if (streamableTypes(subsOf(updated)).length) await service.notify(updated, head);
      return toDto(updated, head);
    },

    /** Pokes a consumer (best effort: a lost poke is caught up by its cron pull). */
    async notify(c: ConsumerRow, head: number): Promise<void> {
      if (!c.callbackUrl || !c.callbackToken) return;
      try {
        await consumerClient(getService(strapi, 'http'), { baseUrl: c.callbackUrl, token: settings().decrypt(c.callbackToken) }).notify({
          siteId: settings().siteId(),
          headSeq: head,
        });
      } catch (error) {
        strapi.log.debug(`event-streaming: notifying ${c.consumerName} failed: ${errorMessage(error)}`);
      }
    },

    /** One page of a consumer's stream after `after`. The `after` it sends acknowledges everything up to it. */
    async pull(c: ConsumerRow, after: number, limit: number): Promise<PullResponse> {
      const log = getService(strapi, 'update-log');
      const head = await log.sequence();
      if (after > head) {
        throw new InputError(
          `Cursor ${after} is ahead of this producer's log (head ${head}); was the producer's database restored? Reset the Event Producer's cursor.`
        );
      }
      const prunedThrough = Number((await strapi.store({ type: 'plugin', name: PLUGIN_ID }).get({ key: 'prunedThrough' })) ?? 0);
      // Rows are pruned only below every consumer's acknowledged cursor, so only a cursor moved
      // back (a restored consumer database) can fall below what is gone.
      if (after < prunedThrough) {
        throw new InputError(`Cursor ${after} is older than the retained update log (pruned through ${prunedThrough}); run a back-fill.`);
      }
      const subscriptions = subsOf(c);
      const rows = await log.page(after, head, streamableTypes(subscriptions), limit);
      const page = cutPage({ after, head, rows, limit, subscriptions, consumerSiteId: c.consumerSiteId });
      await consumers().update({
        where: { id: c.id },
        data: { ackSeq: Math.max(after, Number(c.ackSeq ?? 0)), lastSeenAt: new Date() },
      });
      return {
        siteId: settings().siteId(),
        headSeq: head,
        ...page,
        subscriptions: subscriptions.map((s) => ({ contentType: s.contentType, status: s.status, unsubscribed: s.unsubscribed })),
      };
    },

    /**
     * May this consumer read document (uid, documentId)? Yes if uid is one of its Approved types;
     * or if `via` is a chain of documents starting at a document of an Approved type in which
     * each document references the next and the last references the requested one.
     */
    async canRead(c: ConsumerRow, uid: string, documentId: string, via: DocRef[]): Promise<boolean> {
      const approved = new Set(streamableTypes(subsOf(c)));
      if (approved.has(uid)) return true;
      if (!via.length || via.length > MAX_VIA_HOPS || !approved.has(via[0].__ref)) return false;
      const chain = [...via, { __ref: uid, documentId } as DocRef];
      for (let i = 0; i < chain.length - 1; i += 1) {
        const hop = chain[i];
        if (!schema().isStreamable(hop.__ref)) return false;
        const snap = await getService(strapi, 'documents').read(hop.__ref, hop.documentId, hop.locale ?? null);
        const next = chain[i + 1];
        if (!collectRefs(hop.__ref, snap, schema().lookup).some((r) => r.__ref === next.__ref && r.documentId === next.documentId)) {
          return false;
        }
      }
      return true;
    },

    async fetchDocument(uid: string, documentId: string, locale: string | null): Promise<FetchDocumentResponse> {
      const head = await getService(strapi, 'update-log').sequence();
      const data = await getService(strapi, 'documents').read(uid, documentId, locale);
      return { headSeq: head, contentType: uid, documentId, locale, data };
    },

    /** Keyset listing of a type's streamed documents (back-fill). `after` is a database id. */
    async listDocuments(uid: string, after: number, limit: number): Promise<ListDocumentsResponse> {
      const head = await getService(strapi, 'update-log').sequence();
      const model = schema().model(uid);
      const rows = await repo(strapi, uid).findMany({
        where: { id: { $gt: after }, ...(model?.draftAndPublish ? { publishedAt: { $notNull: true } } : {}) },
        select: ['id', 'documentId', ...(model?.localized ? ['locale'] : [])],
        orderBy: { id: 'asc' },
        limit,
      });
      const keys = rows.map((r) => ({ documentId: String(r.documentId), locale: (r.locale as string | undefined) ?? null }));
      const data = await getService(strapi, 'documents').readMany(uid, keys);
      return {
        headSeq: head,
        contentType: uid,
        documents: keys.map((k, i) => ({ ...k, data: data[i] })),
        nextCursor: rows.length === limit ? Number(rows[rows.length - 1].id) : null,
      };
    },
  };
  return service;
};
