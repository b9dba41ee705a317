import type { ProducerSubscription, StreamEvent } from '../../shared/contracts';
import { ApplyError } from '../errors';
import type { AttributeDef } from '../schema';
import type { Route } from './ports';

/** A subscription's route; `keepLocal` only when it lists fields. */
const subRoute = (sub: ProducerSubscription): Route => ({
  localUid: sub.contentType,
  useSameName: sub.useSameName,
  mapping: sub.mapping,
  ...(sub.keepLocal?.length ? { keepLocal: sub.keepLocal } : {}),
});

/**
 * The local route of a remote type met as a dependency: its subscription when there is one (not
 * unsubscribed), else the same type here if it can stream (Use Same Name inherited from `parent`,
 * on when there is none), else null.
 */
export function routeFor(
  subs: ProducerSubscription[],
  remoteUid: string,
  isStreamable: (uid: string) => boolean,
  parent?: Route
): Route | null {
  const sub = subs.find((s) => s.remoteContentType === remoteUid && !s.unsubscribed);
  if (sub) return subRoute(sub);
  if (isStreamable(remoteUid)) return { localUid: remoteUid, useSameName: parent?.useSameName ?? true, mapping: null };
  return null;
}

/**
 * The route of an event's own document: its subscription. An event of a type this site does not
 * subscribe to is refused (the producer is not trusted); an unsubscribed type is ignored.
 */
export function eventRoute(
  subs: ProducerSubscription[],
  event: StreamEvent,
  isStreamable: (uid: string) => boolean
): Route | { ignore: string } {
  const sub = subs.find((s) => s.remoteContentType === event.contentType);
  if (!sub)
    throw new ApplyError(`The producer sent an event of ${event.contentType}, which this site does not subscribe to; it was not applied`);
  if (sub.unsubscribed) return { ignore: `${event.contentType} is unsubscribed` };
  if (!isStreamable(sub.contentType)) throw new ApplyError(`Content type ${sub.contentType} does not exist on this site`);
  return subRoute(sub);
}

export const isMorph = (attr: AttributeDef): boolean => attr.relation?.startsWith('morph') === true;

/**
 * Whether relation `attr` may point at a local document of type `localUid`: a plain relation only
 * at its target, a polymorphic one at any streamable type. A reference anywhere else is dropped
 * before it is fetched or linked (the producer does not choose what a field of this site holds).
 */
export const acceptsTarget = (attr: AttributeDef, localUid: string, isStreamable: (uid: string) => boolean): boolean =>
  isMorph(attr) ? isStreamable(localUid) : localUid === attr.target;
