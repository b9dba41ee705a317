import type { Core } from '@strapi/strapi';
import type {
  ConsumerSubscription,
  ConsumerSubscriptionsInput,
  EventConsumer,
  RegisterBody,
  RegisterRequest,
  RegisterResponse,
} from '../shared/contracts';
import { REGISTER_SUBSCRIPTIONS_MESSAGE } from '../shared/validation/stream';
import { streamableTypes } from '../engine/cursor';
import { errorMessage, InputError } from '../engine/errors';
import { normalizeSiteUrl } from '../engine/url';
import { conflict } from '../errors';
import { getService } from '../utils';
import { logSafe } from '../site/log-safe';
import { consumerClient } from '../protocol/client';

import { servedSubscriptions, type ConsumerRow } from './consumer-store';

export type { ConsumerRow };

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
  const consumers = () => getService(strapi, 'consumer-store');
  const settings = () => getService(strapi, 'settings');
  const schema = () => getService(strapi, 'schema');

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
      return consumers().byToken(apiTokenId);
    },

    async register(apiTokenId: number, body: RegisterBody): Promise<RegisterResponse> {
      const req = parseRegisterRequest(body);
      const unknown = req.subscriptions.map((s) => s.contentType).filter((uid) => !schema().isStreamable(uid));
      if (unknown.length) {
        throw new InputError(`Unknown or non-streamable content type(s) on this site: ${unknown.join(', ')}`, { contentTypes: unknown });
      }
      const head = await getService(strapi, 'update-log').sequence();
      const bySite = await consumers().bySiteId(req.siteId);
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
        await consumers().update(bySite.id, data);
      } else {
        await consumers().create({ ...data, consumerSiteId: req.siteId, ackSeq: head, notifiedSeq: head });
      }
      strapi.log.info(logSafe`event-streaming: consumer "${req.name}" (${req.siteId}) ${bySite ? 're-registered' : 'registered'}`);
      return {
        siteId: settings().siteId(),
        headSeq: head,
        subscriptions: subscriptions.map((s) => ({ contentType: s.contentType, status: s.status })),
      };
    },

    async deregister(consumer: ConsumerRow): Promise<void> {
      await consumers().remove(consumer.id);
      strapi.log.info(logSafe`event-streaming: consumer "${consumer.consumerName}" (${consumer.consumerSiteId}) deregistered`);
    },

    async list(): Promise<EventConsumer[]> {
      const head = await getService(strapi, 'update-log').head();
      const rows = await consumers().list();
      return rows.map((c) => toDto(c, head));
    },

    async get(id: number): Promise<EventConsumer | null> {
      const c = await consumers().get(id);
      return c ? toDto(c, await getService(strapi, 'update-log').head()) : null;
    },

    async remove(id: number): Promise<boolean> {
      const c = await consumers().get(id);
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
      const c = await consumers().get(id);
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
      await consumers().update(id, { subscriptions });
      const updated = { ...c, subscriptions };
      if (streamableTypes(servedSubscriptions(updated)).length) await service.notify(updated, head);
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
        strapi.log.debug(logSafe`event-streaming: notifying ${c.consumerName} failed: ${errorMessage(error)}`);
      }
    },
  };
  return service;
};
