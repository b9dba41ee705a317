/**
 * Push mode's Event Producer, the admin side (README "Push mode"): this site never calls such a
 * producer. Saving one mints a push token for it (or takes the admin's `callbackToken`), allowed
 * only to push; updating one changes only its subscriptions and Event Subscriber, which the
 * producer learns from this site's next push answer. The pushes themselves are received by
 * consumer/push-receiver.ts; pull mode's registration is in consumer/producer-registry.ts.
 */
import type { Core } from '@strapi/strapi';
import { PUSH_TOKEN_PERMISSIONS } from '../constants';
import type { EventProducer } from '../shared/contracts';
import { InputError } from '../engine/errors';
import { getService } from '../utils';
import { apiTokenIdOf } from '../site/api-tokens';
import { logSafe } from '../site/log-safe';
import { mintCallbackToken, revokeCallbackToken } from './callback-tokens';
import { mergeStatuses } from './producer-dto';
import type { ParsedInput } from './producer-input';
import type { ProducerRow } from './producer-store';

/**
 * Saves a push-mode Event Producer: nothing is called. The answer (`get`: the registry's DTO of
 * the saved row) shows a minted token once, for the producer's admin, whose site then connects
 * here and pushes. A minted token is revoked when the save fails.
 */
export const createPushProducer = async (
  strapi: Core.Strapi,
  input: ParsedInput,
  creatorId: number | null,
  get: (id: number) => Promise<EventProducer | null>
): Promise<EventProducer> => {
  const settings = getService(strapi, 'settings');
  const minted = input.callbackToken ? null : await mintCallbackToken(strapi, input.producerUrl, PUSH_TOKEN_PERMISSIONS);
  const pushToken = input.callbackToken ?? minted!.accessKey;
  try {
    const created = await getService(strapi, 'producer-store').create({
      producerUrl: input.producerUrl,
      producerSiteId: null,
      mode: 'push',
      apiToken: settings.encrypt('push-mode: never called'),
      callbackToken: settings.encrypt(pushToken),
      callbackTokenId: minted?.id ?? (await apiTokenIdOf(strapi, pushToken)),
      subscriptions: mergeStatuses(input.subscriptions, []),
      subscriberUserId: input.subscriberUser === undefined ? creatorId : input.subscriberUser,
      // Back-fills list the producer's documents: not available in push mode.
      backfillOnApproval: false,
      lastPulledSeq: 0,
      producerHeadSeq: 0,
      lag: 0,
    });
    strapi.log.info(logSafe`event-streaming: push-mode producer ${input.producerUrl} created; awaiting its pushes`);
    const dto = (await get(created.id)) as EventProducer;
    return minted ? { ...dto, pushToken } : dto;
  } catch (error) {
    if (minted) await revokeCallbackToken(strapi, minted.id);
    throw error;
  }
};

/** Updates push-mode producer `current`. Never called: the producer learns the subscriptions from this site's next push answer. */
export const updatePushProducer = async (strapi: Core.Strapi, current: ProducerRow, input: ParsedInput): Promise<void> => {
  if (input.producerUrl !== current.producerUrl) throw new InputError('producerUrl cannot change');
  await getService(strapi, 'producer-store').update(current.id, {
    subscriptions: mergeStatuses(input.subscriptions, [], current.subscriptions ?? []),
    ...(input.subscriberUser !== undefined ? { subscriberUserId: input.subscriberUser } : {}),
  });
};
