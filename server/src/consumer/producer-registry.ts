/**
 * The consumer side: Event Producers. Saving one registers this site on the producer over HTTP
 * (idempotently); deleting it deregisters. A failure at any step leaves nothing behind: a minted
 * callback token is revoked, a registration whose local save failed is undone. A push-mode
 * producer is never called: saving and updating one is in consumer/push-link.ts.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { EventProducer, ProducerInput, RegisterResponse } from '../shared/contracts';
import { errorMessage, InputError, RemoteError } from '../engine/errors';
import { conflict } from '../errors';
import { getService } from '../utils';
import { apiTokenIdOf } from '../site/api-tokens';
import { logSafe } from '../site/log-safe';
import { existingAdminUsers } from './subscriber';
import { mergeStatuses, producerDto } from './producer-dto';
import { mintCallbackToken, revokeCallbackToken } from './callback-tokens';
import { parseProducerInput, type ParsedInput } from './producer-input';
import { createPushProducer, updatePushProducer } from './push-link';
import type { ProducerRow } from './producer-store';

export type { ProducerRow };

/**
 * A 403 that keeps its message through Strapi's content-API authorize wrapper (see
 * controllers/stream.ts `forbidden`): a PolicyError named ForbiddenError.
 */
const refused = (message: string) => Object.assign(new errors.PolicyError(message), { name: 'ForbiddenError' });

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const producers = () => getService(strapi, 'producer-store');
  const settings = () => getService(strapi, 'settings');
  const client = () => getService(strapi, 'producer-client');

  const toDto = (p: ProducerRow, users: Set<number>) => producerDto(p, users, (secret) => settings().hint(secret));

  /**
   * Registers (or re-registers) this site on the producer. Unsubscribed types stay listed, marked,
   * so the producer keeps their approval. `previousToken`: the token registered with until now,
   * when `apiToken` replaces it (the producer keeps approvals and cursor on that proof).
   */
  const registerRemote = (
    producerUrl: string,
    apiToken: string,
    subs: ParsedInput['subscriptions'],
    callbackToken: string | null,
    previousToken?: string
  ) =>
    client()
      .at(producerUrl, apiToken)
      .register({
        siteId: settings().siteId(),
        name: settings().siteName(),
        callbackUrl: callbackToken ? settings().publicUrl() : null,
        callbackToken,
        subscriptions: subs.map((s) => ({
          contentType: s.remoteContentType,
          unsubscribed: s.unsubscribed,
          ...(s.condition ? { condition: s.condition } : {}),
          ...(s.onExit ? { onExit: s.onExit } : {}),
        })),
        ...(previousToken ? { previousToken } : {}),
      });

  /** The registration's answer must come from another site. */
  const checkRegisterResponse = (res: RegisterResponse): RegisterResponse => {
    if (res.siteId === settings().siteId()) throw new InputError('producerUrl points at this site itself');
    return res;
  };

  const service = {
    async list(): Promise<EventProducer[]> {
      const rows = await producers().list();
      const users = await existingAdminUsers(
        strapi,
        rows.map((p) => p.subscriberUserId)
      );
      return rows.map((p) => toDto(p, users));
    },

    async get(id: number): Promise<EventProducer | null> {
      const p = await producers().get(id);
      return p ? toDto(p, await existingAdminUsers(strapi, [p.subscriberUserId])) : null;
    },

    /** `creatorId`: the admin creating it, the Event Subscriber unless the body names one (or null). */
    async create(body: ProducerInput, creatorId: number | null = null): Promise<EventProducer> {
      const input = await parseProducerInput(strapi, body);
      if (await producers().byUrl(input.producerUrl)) {
        throw conflict(`An Event Producer for ${input.producerUrl} already exists; edit it instead`);
      }
      if (input.mode === 'push') return createPushProducer(strapi, input, creatorId, service.get);
      const push = !input.pullOnly;
      if (push && !input.callbackToken && !settings().publicUrl()) {
        throw new InputError(
          'This site has no publicUrl configured, so the producer cannot notify it: set the plugin config "publicUrl" or save with pullOnly: true'
        );
      }
      let minted: { id: number; accessKey: string } | null = null;
      let registered = false;
      try {
        if (push && !input.callbackToken) minted = await mintCallbackToken(strapi, input.producerUrl);
        const callbackToken = push ? (input.callbackToken ?? minted!.accessKey) : null;
        const res = checkRegisterResponse(await registerRemote(input.producerUrl, input.apiToken!, input.subscriptions, callbackToken));
        registered = true;
        const created = await producers().create({
          producerUrl: input.producerUrl,
          producerSiteId: res.siteId,
          apiToken: settings().encrypt(input.apiToken!),
          callbackToken: callbackToken ? settings().encrypt(callbackToken) : null,
          callbackTokenId: minted?.id ?? null,
          subscriptions: mergeStatuses(input.subscriptions, res.subscriptions),
          subscriberUserId: input.subscriberUser === undefined ? creatorId : input.subscriberUser,
          backfillOnApproval: input.backfillOnApproval ?? true,
          linkRule: input.linkRule ?? null,
          lastPulledSeq: res.headSeq,
          producerHeadSeq: res.headSeq,
          lag: 0,
        });
        // Types the producer approved already (a site registering again after a reset): back-filled by the first pull.
        await getService(strapi, 'backfill').noteApprovals(created, [], created.subscriptions ?? []);
        strapi.log.info(logSafe`event-streaming: registered with producer ${input.producerUrl}`);
        return service.get(created.id) as Promise<EventProducer>;
      } catch (error) {
        if (registered)
          await service
            .deregisterRemote(input.producerUrl, input.apiToken!)
            .catch((e: unknown) =>
              strapi.log.warn(logSafe`event-streaming: could not undo the registration on ${input.producerUrl}: ${errorMessage(e)}`)
            );
        if (minted) await revokeCallbackToken(strapi, minted.id);
        throw error;
      }
    },

    async update(id: number, body: ProducerInput): Promise<EventProducer | null> {
      const current = await producers().get(id);
      if (!current) return null;
      const input = await parseProducerInput(strapi, body);
      if (current.mode === 'push') {
        await updatePushProducer(strapi, current, input);
        return service.get(id);
      }
      if (input.producerUrl !== current.producerUrl) {
        throw new InputError('producerUrl cannot change; delete this Event Producer and create a new one');
      }
      const storedToken = settings().decrypt(current.apiToken);
      const apiToken = input.apiToken ?? storedToken;
      // A new token: present the stored one as proof that this is the site the producer approved.
      const previousToken = apiToken !== storedToken ? storedToken : undefined;
      let callbackToken = current.callbackToken ? settings().decrypt(current.callbackToken) : null;
      if (input.callbackToken) callbackToken = input.callbackToken;
      if (input.pullOnly) callbackToken = null;
      const res = checkRegisterResponse(
        await registerRemote(current.producerUrl, apiToken, input.subscriptions, callbackToken, previousToken)
      );
      if (current.producerSiteId && res.siteId !== current.producerSiteId) {
        throw new InputError(
          `${current.producerUrl} is now a different site (${res.siteId}, was ${current.producerSiteId}); delete this Event Producer and create a new one`
        );
      }
      const subscriptions = mergeStatuses(input.subscriptions, res.subscriptions, current.subscriptions ?? []);
      const updated = await producers().update(id, {
        apiToken: settings().encrypt(apiToken),
        callbackToken: callbackToken ? settings().encrypt(callbackToken) : null,
        subscriptions,
        ...(input.subscriberUser !== undefined ? { subscriberUserId: input.subscriberUser } : {}),
        ...(input.backfillOnApproval !== undefined ? { backfillOnApproval: input.backfillOnApproval } : {}),
        ...(input.linkRule !== undefined ? { linkRule: input.linkRule } : {}),
      });
      // The registration's answer may carry an approval no pull has seen yet.
      await getService(strapi, 'backfill').noteApprovals(updated!, current.subscriptions, subscriptions);
      // The minted callback token goes when the producer no longer holds it (pull-only, or an
      // admin-supplied token replaced it): notify accepts only the token the producer holds.
      const replaced = input.callbackToken && (await apiTokenIdOf(strapi, input.callbackToken)) !== current.callbackTokenId;
      if (current.callbackTokenId && (input.pullOnly || replaced)) {
        await revokeCallbackToken(strapi, current.callbackTokenId);
        await producers().update(id, { callbackTokenId: null });
      }
      return service.get(id);
    },

    /**
     * A producer pokes this site (POST /notify). Accepted only with the callback token this site
     * gave that producer: a minted one by its id, an admin-supplied one by its secret (its id
     * looked up by hash). A pull-only producer is never poked. Returns the producer's id.
     * @throws NotFoundError for an unknown site id, a 403 for any other token.
     */
    async acceptNotification(siteId: string, callerTokenId: number): Promise<number> {
      const producer = await producers().bySiteId(siteId);
      if (!producer) throw new errors.NotFoundError('No Event Producer with this site id');
      if (!producer.callbackToken) throw refused('That producer is pull-only here; it is not notified');
      const expected = producer.callbackTokenId ?? (await apiTokenIdOf(strapi, settings().decrypt(producer.callbackToken)));
      if (expected !== callerTokenId) throw refused('This token is not the callback token of that producer');
      return Number(producer.id);
    },

    async deregisterRemote(producerUrl: string, apiToken: string): Promise<void> {
      await client().at(producerUrl, apiToken).deregister();
    },

    /**
     * Deletes an Event Producer and its registration on the producer. If the producer cannot be
     * reached the delete is refused (4xx) unless `force`, so no registration is silently orphaned.
     */
    async remove(id: number, force: boolean): Promise<boolean> {
      const p = await producers().get(id);
      if (!p) return false;
      if (p.mode === 'push')
        await getService(strapi, 'push-receiver').forget(p.id); // never called: nothing to deregister
      else
        try {
          await service.deregisterRemote(p.producerUrl, settings().decrypt(p.apiToken));
        } catch (error) {
          const gone = error instanceof RemoteError && error.status === 404;
          if (!force && !gone) throw error;
          strapi.log.warn(logSafe`event-streaming: deleting producer ${p.producerUrl} without deregistering: ${errorMessage(error)}`);
        }
      if (p.callbackTokenId) {
        try {
          await revokeCallbackToken(strapi, p.callbackTokenId);
        } catch (error) {
          strapi.log.warn(logSafe`event-streaming: the callback token of ${p.producerUrl} could not be revoked: ${errorMessage(error)}`);
        }
      }
      await producers().remove(id);
      await getService(strapi, 'backfill').forget(p);
      return true;
    },
  };
  return service;
};
