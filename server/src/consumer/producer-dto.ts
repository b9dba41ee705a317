import type { EventProducer, ProducerSubscription, SubscriptionStatus } from '../shared/contracts';
import { linkRuleOf } from './link-rule';
import type { ProducerRow } from './producer-store';

/**
 * An Event Producer as the admin API returns it: secrets as hints only. `users`: which admin users
 * exist (subscriber.ts existingAdminUsers), so a deleted Event Subscriber shows as missing.
 */
export const producerDto = (p: ProducerRow, users: Set<number>, hint: (secret: string | null) => string | null): EventProducer => ({
  id: p.id,
  documentId: p.documentId,
  producerUrl: p.producerUrl,
  producerSiteId: p.producerSiteId,
  apiTokenHint: hint(p.apiToken) ?? '',
  callbackTokenHint: hint(p.callbackToken),
  pushEnabled: Boolean(p.callbackToken),
  subscriptions: p.subscriptions ?? [],
  subscriberUser: p.subscriberUserId ?? null,
  subscriberUserMissing: p.subscriberUserId !== null && p.subscriberUserId !== undefined && !users.has(Number(p.subscriberUserId)),
  backfillOnApproval: p.backfillOnApproval !== false,
  linkRule: linkRuleOf(p),
  mode: p.mode === 'push' ? 'push' : 'pull',
  lastPulledSeq: Number(p.lastPulledSeq ?? 0),
  producerHeadSeq: Number(p.producerHeadSeq ?? 0),
  lag: Number(p.lag ?? 0),
  lastPullAt: p.lastPullAt,
  lastSuccessAt: p.lastSuccessAt,
  lastError: p.lastError,
  lastErrorAt: p.lastErrorAt,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/**
 * The subscriptions to store after a registration: each with the status the producer answered,
 * else the one stored before, else Pending.
 */
export const mergeStatuses = (
  subs: Array<Omit<ProducerSubscription, 'status'>>,
  remote: Array<{ contentType: string; status: SubscriptionStatus }>,
  old: ProducerSubscription[] = []
): ProducerSubscription[] =>
  subs.map((s) => ({
    ...s,
    // The effective condition's fingerprint last seen in a pull (a change reconciles): kept across edits.
    ...(old.find((o) => o.remoteContentType === s.remoteContentType)?.conditionKey
      ? { conditionKey: old.find((o) => o.remoteContentType === s.remoteContentType)!.conditionKey }
      : {}),
    status: (remote.find((r) => r.contentType === s.remoteContentType)?.status ??
      old.find((o) => o.remoteContentType === s.remoteContentType)?.status ??
      'Pending') as SubscriptionStatus,
  }));
