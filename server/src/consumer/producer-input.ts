/**
 * An Event Producer's body read against this site (the body already passed the shared schema,
 * shared/validation/producers.ts): the URL normalised, each local type streamable here, each named
 * mapping existing and mapping the right pair of types, kept-local paths existing, defaults filled in.
 * Used by consumer/producer-registry.ts (pull mode) and consumer/push-link.ts (push mode).
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { ProducerInput, ProducerSubscription } from '../shared/contracts';
import { InputError } from '../engine/errors';
import { keepLocalProblems } from '../engine/apply/keep-local';
import { normalizeSiteUrl } from '../engine/url';
import { getService, repo } from '../utils';
import { checkSubscriberUser } from './subscriber';

export interface ParsedInput {
  producerUrl: string;
  apiToken: string | undefined;
  callbackToken: string | undefined;
  pullOnly: boolean;
  mode: 'pull' | 'push';
  subscriptions: Array<Omit<ProducerSubscription, 'status'>>;
  /** undefined: not given (create: the creating admin; update: keep). */
  subscriberUser: number | null | undefined;
  backfillOnApproval: boolean | undefined;
  /** undefined: not given (create: none; update: keep). */
  linkRule: { from: string; to: string } | null | undefined;
}

/**
 * The rules of a producer body that need this site (its body already passed the shared schema,
 * shared/validation/producers.ts): the URL normalised, each local type streamable here, each
 * named mapping existing and mapping the right pair of types. Defaults filled in.
 * @throws InputError naming the subscription.
 */
export const parseProducerInput = async (strapi: Core.Strapi, body: ProducerInput): Promise<ParsedInput> => {
  const producerUrl = normalizeSiteUrl(body.producerUrl);
  const schema = getService(strapi, 'schema');
  const subscriptions = [];
  for (const [i, s] of body.subscriptions.entries()) {
    const { contentType, mapping } = s;
    if (!schema.isStreamable(contentType)) {
      throw new InputError(`subscriptions[${i}].contentType ${JSON.stringify(contentType)} is not a collection type of this site`);
    }
    const remote = s.remoteContentType || contentType;
    let mappingName: string | null = null;
    if (mapping) {
      const m = await repo(strapi, UID.mapping).findOne({ where: { mappingName: mapping } });
      if (!m) throw new InputError(`subscriptions[${i}].mapping: no Document Type Mapping named "${mapping}"`);
      if (m.localContentType !== contentType || m.remoteContentType !== remote) {
        throw new InputError(
          `subscriptions[${i}].mapping "${mapping}" maps ${m.remoteContentType} to ${m.localContentType}, not ${remote} to ${contentType}`
        );
      }
      mappingName = mapping;
    }
    // Kept-local paths name LOCAL fields (after mapping): each must exist in this site's schema.
    const keepLocal = s.keepLocal ?? [];
    const problems = keepLocalProblems(schema, contentType, keepLocal);
    if (problems.length) throw new InputError(`subscriptions[${i}].keepLocal: ${problems.join('; ')}`);
    subscriptions.push({
      contentType,
      remoteContentType: remote,
      useSameName: s.useSameName ?? true,
      unsubscribed: s.unsubscribed ?? false,
      mapping: mappingName,
      ...(keepLocal.length ? { keepLocal } : {}),
      // Conditions (issue 14): checked against the remote type's schema by the producer on registration.
      ...(s.condition && Object.keys(s.condition).length ? { condition: s.condition } : {}),
      ...(s.onExit === 'keep' ? { onExit: 'keep' as const } : {}),
      ...(s.mode === 'review' ? { mode: 'review' as const } : {}),
      ...(s.onConflict === 'hold' ? { onConflict: 'hold' as const } : {}),
    });
  }
  await checkSubscriberUser(strapi, body.subscriberUser);
  return {
    producerUrl,
    subscriberUser: body.subscriberUser,
    backfillOnApproval: body.backfillOnApproval,
    linkRule: body.linkRule,
    apiToken: body.apiToken,
    callbackToken: body.callbackToken ?? undefined,
    pullOnly: body.pullOnly === true,
    mode: body.mode === 'push' ? 'push' : 'pull',
    subscriptions,
  };
};
