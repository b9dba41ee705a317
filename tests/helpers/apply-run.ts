import { applyEvent, prepareEvent } from '../../server/src/engine/apply';
import type { ProducerSubscription, StreamEvent } from '../../server/src/shared/contracts';
import type { fakeSite } from './apply-fake';

/** Prepares (outside the transaction) then applies (inside it) one event, as the puller does. */
export async function run(
  fake: ReturnType<typeof fakeSite>,
  subs: ProducerSubscription[],
  ev: StreamEvent,
  opts: { offline?: boolean } = {}
) {
  const prepared = await prepareEvent(fake.ports, subs, ev, opts);
  return fake.transaction(() => applyEvent(fake.ports, subs, ev, prepared));
}
