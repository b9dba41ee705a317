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

import { apiTokenIdOf } from '../site/api-tokens';
import { conditionKey, effectiveCondition, validateCondition } from '../engine/condition';
import { canPoke, servedSubscriptions, type ConsumerRow } from './consumer-store';

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
    subscriptions: body.subscriptions.map(({ contentType, unsubscribed, condition, onExit }) => ({
      contentType,
      unsubscribed: unsubscribed === true,
      ...(condition ? { condition } : {}),
      ...(onExit ? { onExit } : {}),
    })),
    ...(body.previousToken ? { previousToken: body.previousToken } : {}),
  };
}

/**
 * The subscriptions after a (re-)registration: a listed type keeps its status and approval
 * (also while unsubscribed, and when it is subscribed again); a new type starts Pending; a type
 * no longer listed is dropped.
 */
export function mergeSubscriptions(previous: ConsumerSubscription[], requested: RegisterRequest['subscriptions']): ConsumerSubscription[] {
  const old = new Map(previous.map((s) => [s.contentType, s]));
  return requested.map(({ contentType, unsubscribed, condition, onExit }) => {
    const kept = old.get(contentType);
    // What the consumer asks for (conditions, issue 14) is replaced by each registration.
    const asked = {
      ...(condition || kept?.requestedCondition ? { requestedCondition: condition ?? null } : {}),
      ...(onExit || kept?.onExit ? { onExit: onExit ?? 'delete' } : {}),
    };
    return kept
      ? { ...kept, unsubscribed, ...asked }
      : { contentType, status: 'Pending', unsubscribed, approvedAtSeq: null, condition: null, ...asked };
  });
}

/**
 * The callback columns a registration writes. Before any type is approved the URL is simply
 * taken (approving a type approves the URL shown beside it). After, a different URL is held as
 * pending: notifications stop until an admin approves it — the old address is one the consumer
 * says it left (whoever holds it now would receive the callback token), the new one nobody
 * approved. Dropping the callback (pull-only) or sending the approved URL again needs no approval
 * and discards a pending change.
 */
export function callbackChange(
  current: ConsumerRow | null,
  req: Pick<RegisterRequest, 'callbackUrl' | 'callbackToken'>,
  encrypt: (plain: string) => string = (plain) => plain
): Record<string, unknown> {
  const token = req.callbackToken ? encrypt(req.callbackToken) : null;
  const approved = (current?.subscriptions ?? []).some((s) => s.status === 'Approved');
  const clearPending = { pendingCallbackUrl: null, pendingCallbackToken: null, callbackChangeRequestedAt: null };
  if (!current || !approved || req.callbackUrl === null || req.callbackUrl === current.callbackUrl) {
    return { callbackUrl: req.callbackUrl, callbackToken: token, ...clearPending };
  }
  if (req.callbackUrl === current.pendingCallbackUrl) return { pendingCallbackToken: token };
  return { pendingCallbackUrl: req.callbackUrl, pendingCallbackToken: token, callbackChangeRequestedAt: new Date() };
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

  /**
   * A registered site moves to a new API token only by presenting the one it registered with:
   * whoever holds that token is the site the producer's admin approved.
   * @throws a 409 naming what is missing.
   */
  const checkRotation = async (current: ConsumerRow, previousToken: string | undefined): Promise<void> => {
    if (!previousToken) {
      throw conflict(
        `Site ${current.consumerSiteId} is already registered with another API token; to move it to this token, register again presenting the old one as previousToken (the consumer admin's "new API token" field does this), or an admin of this site deletes that Event Consumer`
      );
    }
    if ((await apiTokenIdOf(strapi, previousToken)) !== current.apiTokenId) {
      throw conflict(
        `previousToken is not the API token site ${current.consumerSiteId} registered with (or that token was deleted); an admin of this site must delete that Event Consumer first`
      );
    }
  };

  const toDto = (c: ConsumerRow, headSeq: number): EventConsumer => ({
    id: c.id,
    documentId: c.documentId,
    consumerSiteId: c.consumerSiteId,
    consumerName: c.consumerName,
    mode: c.mode === 'push' ? 'push' : 'pull',
    callbackUrl: c.callbackUrl,
    callbackTokenHint: settings().hint(c.callbackToken),
    pendingCallbackUrl: c.pendingCallbackUrl ?? null,
    callbackChangeRequestedAt: c.callbackChangeRequestedAt ?? null,
    apiTokenId: c.apiTokenId,
    subscriptions: (c.subscriptions ?? []).map((s) => ({
      contentType: s.contentType,
      status: s.status,
      unsubscribed: Boolean(s.unsubscribed),
      approvedAtSeq: s.approvedAtSeq ?? null,
      condition: s.condition ?? null,
      requestedCondition: s.requestedCondition ?? null,
      onExit: s.onExit ?? 'delete',
      conditionKey: conditionKey(effectiveCondition(s.condition, s.requestedCondition)),
    })),
    lastSeenAt: c.lastSeenAt,
    stale: consumers().isStale(c),
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

    /**
     * Registers a consumer site, or re-registers it (idempotent). What a re-registration may
     * change on its own: its name, the types it lists (a type it stops listing is dropped; one
     * listed `unsubscribed` keeps its row and approval), and its callback token. What it may not:
     * - the callback URL, once an admin approved a type: a new URL waits as pending for the
     *   admin's approval (approveCallback) and meanwhile the consumer is poked at neither address;
     * - the API token: moving to a new token needs `previousToken`, the token it registered with
     *   (proof that it is the same site); approvals and the cursor are kept.
     */
    async register(apiTokenId: number, body: RegisterBody): Promise<RegisterResponse> {
      const req = parseRegisterRequest(body);
      const unknown = req.subscriptions.map((s) => s.contentType).filter((uid) => !schema().isStreamable(uid));
      if (unknown.length) {
        throw new InputError(`Unknown or non-streamable content type(s) on this site: ${unknown.join(', ')}`, { contentTypes: unknown });
      }
      for (const s of req.subscriptions) validateCondition(s.contentType, s.condition, schema().lookup);
      const head = await getService(strapi, 'update-log').sequence();
      const bySite = await consumers().bySiteId(req.siteId);
      const byToken = await service.byToken(apiTokenId);
      if (byToken && byToken.consumerSiteId !== req.siteId) {
        throw conflict(`This API token is already used by consumer "${byToken.consumerName}"; create one API token per consumer site`);
      }
      const rotated = bySite !== null && bySite.apiTokenId !== apiTokenId;
      if (rotated) await checkRotation(bySite, req.previousToken);
      if (!bySite && req.subscriptions.length === 0) throw new InputError(SUBSCRIPTIONS_RANGE);
      const subscriptions = mergeSubscriptions(bySite?.subscriptions ?? [], req.subscriptions);
      const data: Record<string, unknown> = {
        consumerName: req.name,
        apiTokenId,
        subscriptions,
        lastSeenAt: new Date(),
        ...callbackChange(bySite, req, (plain) => settings().encrypt(plain)),
      };
      if (bySite) {
        await consumers().update(bySite.id, data);
      } else {
        await consumers().create({ ...data, consumerSiteId: req.siteId, ackSeq: head, notifiedSeq: head });
      }
      const what = !bySite ? 'registered' : rotated ? 're-registered with a new API token' : 're-registered';
      strapi.log.info(logSafe`event-streaming: consumer "${req.name}" (${req.siteId}) ${what}`);
      if (data.pendingCallbackUrl)
        strapi.log.info(
          logSafe`event-streaming: consumer "${req.name}" asks to move its callback URL to ${data.pendingCallbackUrl}; awaiting an admin's approval`
        );
      return {
        siteId: settings().siteId(),
        headSeq: head,
        subscriptions: subscriptions.map((s) => ({ contentType: s.contentType, status: s.status, unsubscribed: s.unsubscribed })),
        callbackUrlPending: Boolean(data.pendingCallbackUrl),
      };
    },

    /** Admin: the pending callback URL becomes the one notifications go to. */
    async approveCallback(id: number): Promise<EventConsumer | null> {
      const c = await consumers().get(id);
      if (!c) return null;
      if (!c.pendingCallbackUrl) throw conflict(`Consumer "${c.consumerName}" has no callback URL change awaiting approval`);
      const data = {
        callbackUrl: c.pendingCallbackUrl,
        callbackToken: c.pendingCallbackToken,
        pendingCallbackUrl: null,
        pendingCallbackToken: null,
        callbackChangeRequestedAt: null,
      };
      await consumers().update(id, data);
      const updated = { ...c, ...data };
      strapi.log.info(logSafe`event-streaming: callback URL of consumer "${c.consumerName}" changed to ${data.callbackUrl}`);
      const head = await getService(strapi, 'update-log').head();
      // Not awaited: the admin's answer never waits for a slow callback (notify never throws).
      if (canPoke(updated)) void service.notify(updated, head);
      return toDto(updated, head);
    },

    async deregister(consumer: ConsumerRow): Promise<void> {
      await consumers().remove(consumer.id);
      await getService(strapi, 'conditions').forget(consumer.id);
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
        if (s.condition !== undefined) sub.condition = validateCondition(s.contentType, s.condition, schema().lookup);
        // No condition left: nothing to remember of what the consumer holds (producer/conditions.ts).
        if (!effectiveCondition(sub.condition, sub.requestedCondition)) await getService(strapi, 'conditions').forget(c.id, s.contentType);
      }
      const subscriptions = [...current.values()];
      await consumers().update(id, { subscriptions });
      const updated = { ...c, subscriptions };
      // Not awaited: the admin's answer never waits for a slow callback (notify never throws).
      if (streamableTypes(servedSubscriptions(updated)).length) void service.notify(updated, head);
      return toDto(updated, head);
    },

    /** How many streamed documents of `uid` a condition matches (validated as saving would). */
    async countMatching(uid: string, condition: Record<string, unknown> | null) {
      if (!schema().isStreamable(uid)) throw new InputError(`Unknown or non-streamable content type ${uid.slice(0, 100)}`);
      const checked = validateCondition(uid, condition, schema().lookup);
      const cond = getService(strapi, 'conditions');
      return { contentType: uid, count: await cond.count(uid, checked), total: await cond.count(uid, null) };
    },

    /** Pokes a consumer (best effort: a lost poke is caught up by its cron pull). */
    async notify(c: ConsumerRow, head: number): Promise<void> {
      // Push mode: the poke is a push session (producer/push.ts); a failed one waits for the next change or tick.
      if (c.mode === 'push') return getService(strapi, 'pusher').request(c.id);
      if (!c.callbackUrl || !c.callbackToken || c.pendingCallbackUrl) return;
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
