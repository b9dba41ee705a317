import type { Core } from '@strapi/strapi';
import type { ConsumerSubscription, EventConsumer, RegisterRequest, RegisterResponse, SubscriptionStatus } from '../shared/contracts';
import { streamableTypes } from '../engine/cursor';
import { errorMessage, InputError } from '../engine/errors';
import { normalizeSiteUrl } from '../engine/url';
import { conflict } from '../errors';
import { getService } from '../utils';
import { consumerClient } from '../protocol/client';

import { servedSubscriptions, type ConsumerRow } from './consumer-store';

export type { ConsumerRow };

const STATUSES: SubscriptionStatus[] = ['Pending', 'Approved', 'Rejected'];
const SITE_ID = /^[A-Za-z0-9-]{8,64}$/;
const SUBSCRIPTIONS_RANGE =
  'subscriptions must be a list of 1 to 200 entries (an empty list only for a registered consumer that unsubscribes from everything)';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a registration body field by field. @throws InputError naming the field. */
export function parseRegisterRequest(body: unknown): RegisterRequest {
  if (!isObject(body)) throw new InputError('The body must be a JSON object');
  const allowed = new Set(['siteId', 'name', 'callbackUrl', 'callbackToken', 'subscriptions']);
  const unknown = Object.keys(body).filter((k) => !allowed.has(k));
  if (unknown.length) throw new InputError(`Unknown field(s): ${unknown.join(', ')}`);
  const { siteId, name, callbackUrl, callbackToken, subscriptions } = body;
  if (typeof siteId !== 'string' || !SITE_ID.test(siteId)) throw new InputError('siteId must be 8-64 letters, digits or dashes');
  if (typeof name !== 'string' || !name.trim() || name.length > 200)
    throw new InputError('name must be a non-empty string of at most 200 characters');
  const url = callbackUrl === null || callbackUrl === undefined ? null : normalizeSiteUrl(callbackUrl, 'callbackUrl');
  if (
    callbackToken !== null &&
    callbackToken !== undefined &&
    (typeof callbackToken !== 'string' || !callbackToken || callbackToken.length > 1024)
  ) {
    throw new InputError('callbackToken must be a string of at most 1024 characters');
  }
  if (url && !callbackToken) throw new InputError('callbackToken is required with a callbackUrl');
  // Empty only re-registers a consumer that unsubscribed from everything (checked in register()).
  if (!Array.isArray(subscriptions) || subscriptions.length > 200) {
    throw new InputError(SUBSCRIPTIONS_RANGE);
  }
  const types = subscriptions.map((s, i) => {
    if (!isObject(s) || typeof s.contentType !== 'string' || s.contentType.length > 200) {
      throw new InputError(`subscriptions[${i}].contentType must be a content type UID`);
    }
    return s.contentType;
  });
  if (new Set(types).size !== types.length) throw new InputError('subscriptions list a content type twice');
  return {
    siteId,
    name: name.trim(),
    callbackUrl: url,
    callbackToken: (callbackToken as string | undefined) ?? null,
    subscriptions: types.map((contentType) => ({ contentType })),
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

    async register(apiTokenId: number, body: unknown): Promise<RegisterResponse> {
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
      strapi.log.info(`event-streaming: consumer "${req.name}" (${req.siteId}) ${bySite ? 're-registered' : 'registered'}`);
      return {
        siteId: settings().siteId(),
        headSeq: head,
        subscriptions: subscriptions.map((s) => ({ contentType: s.contentType, status: s.status })),
      };
    },

    async deregister(consumer: ConsumerRow): Promise<void> {
      await consumers().remove(consumer.id);
      strapi.log.info(`event-streaming: consumer "${consumer.consumerName}" (${consumer.consumerSiteId}) deregistered`);
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
    async setStatuses(id: number, input: unknown): Promise<EventConsumer | null> {
      const c = await consumers().get(id);
      if (!c) return null;
      if (!isObject(input) || !Array.isArray(input.subscriptions) || input.subscriptions.length === 0) {
        throw new InputError('subscriptions must be a non-empty list of {contentType, status}');
      }
      const current = new Map((c.subscriptions ?? []).map((s) => [s.contentType, { ...s }]));
      const head = await getService(strapi, 'update-log').sequence();
      input.subscriptions.forEach((s: unknown, i: number) => {
        if (!isObject(s) || typeof s.contentType !== 'string') throw new InputError(`subscriptions[${i}].contentType is required`);
        if (!STATUSES.includes(s.status as SubscriptionStatus)) {
          throw new InputError(`subscriptions[${i}].status must be one of ${STATUSES.join(', ')}`);
        }
        const sub = current.get(s.contentType);
        if (!sub) throw new InputError(`Consumer "${c.consumerName}" has not subscribed to ${s.contentType}`);
        if (sub.status !== 'Approved' && s.status === 'Approved') sub.approvedAtSeq = head;
        sub.status = s.status as SubscriptionStatus;
      });
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
        strapi.log.debug(`event-streaming: notifying ${c.consumerName} failed: ${errorMessage(error)}`);
      }
    },
  };
  return service;
};
