import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';
import { getService } from '../utils';
import type { ConsumerRow } from './consumer-store';

/**
 * How long a change waits before the run that notifies it (ms). Leading edge: the first change
 * after a quiet window (no run for `window` ms) runs at once, saving the window on an isolated
 * edit's latency. A change soon after a run waits only for the rest of that window (not a whole
 * one more: an edit made 20 ms after the last run waited 25 ms more where 5 were enough). Changes
 * during a run make one more run (`again`). Still at most about one run per window under a stream
 * of writes.
 */
export const notifyDelay = (now: number, lastRunEnd: number, window: number): number =>
  Math.max(0, Math.min(window, lastRunEnd + window - now));

/**
 * After-commit work on the producer: sequence the new log rows, then poke each consumer that has
 * an approved subscription and a callback URL. Notifications are coalesced (one run per debounce
 * window, one more if changes arrived during a run; the first change after a quiet window runs
 * at once) and carry no data: the consumer pulls. A lost
 * notification is harmless (the consumer's cron pull catches up); a duplicate one coalesces there.
 *
 * Across instances sharing a database, `notifiedSeq` is advanced with a compare-and-set, so for a
 * given head only one instance sends the poke.
 *
 * INDEPENDENCE: one slow or dead callback must not delay the others. A run claims and starts the
 * pokes without waiting for them; each runs alone with its own deadline (`requestTimeoutMs`, in
 * site/http.ts), at most `notifyConcurrency` at once (the rest wait for a free slot). A consumer
 * whose previous poke is still in flight is not poked twice at once: it is poked again for the
 * newer head when that one ends.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  /** When the last run ended (ms): a change after a quiet window is notified at once (leading edge). */
  let lastRunEnd = 0;
  /** Pokes in flight by consumer id, and the consumers that missed a head meanwhile. */
  const inFlight = new Map<number, Promise<void>>();
  const missed = new Set<number>();
  /** Concurrency slots: `active` pokes running, the others wait in `waiting` (FIFO). */
  let active = 0;
  const waiting: Array<() => void> = [];
  const acquire = async (): Promise<void> => {
    if (active < getService(strapi, 'settings').config().notifyConcurrency) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over as is
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  const poke = (c: ConsumerRow, head: number): void => {
    const done = (async () => {
      await acquire();
      try {
        await getService(strapi, 'consumer-registry').notify(c, head);
      } finally {
        release();
      }
    })()
      .catch((error: unknown) => {
        strapi.log.warn(`event-streaming: notifying ${c.consumerName} failed: ${errorMessage(error)}`);
      })
      .finally(() => {
        inFlight.delete(c.id);
        if (missed.delete(c.id)) service.changed(); // a newer head arrived while this poke was out
      });
    inFlight.set(c.id, done);
  };

  const run = async (): Promise<void> => {
    // Only consumers that can be poked need a head now. With none (pull-only consumers), skip the
    // sequencer: its write transaction (a commit, i.e. an fsync on SQLite) per debounce window was
    // most of the capture overhead; the consumers' pulls sequence the rows (producer/serve.ts).
    const store = getService(strapi, 'consumer-store');
    const consumers = await store.pokeable();
    if (!consumers.length) return;
    const claimed: ConsumerRow[] = [];
    const claim = async (head: number) => {
      for (const c of consumers) {
        if (Number(c.notifiedSeq ?? 0) >= head) continue;
        if (inFlight.has(c.id)) {
          missed.add(c.id);
          continue;
        }
        if (await store.claimNotification(c.id, head)) claimed.push(c); // else: another instance notified for this head
      }
    };
    // The claims commit with the sequencer's run when it moved entries (one commit, not two,
    // before the pokes); else (nothing new to sequence) on their own.
    let claimedWith = 0;
    const { head } = await getService(strapi, 'update-log').advance({
      moved: async (h) => {
        claimedWith = h;
        await claim(h);
      },
    });
    if (claimedWith !== head) await claim(head);
    for (const c of claimed) poke(c, head);
  };

  const loop = async () => {
    do {
      again = false;
      try {
        await run();
      } catch (error) {
        strapi.log.warn(`event-streaming: notifying consumers failed: ${errorMessage(error)}`);
      }
    } while (again && !stopped);
    running = null;
    lastRunEnd = Date.now();
  };

  const service = {
    /** Called after a commit that wrote update-log rows. */
    changed(): void {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = null;
          running = loop();
        },
        notifyDelay(Date.now(), lastRunEnd, getService(strapi, 'settings').config().notifyDebounceMs)
      );
    },

    /** Waits for the notifications in flight (tests, shutdown). */
    async idle(): Promise<void> {
      while (timer || running || inFlight.size) {
        if (running) await running;
        else if (inFlight.size) await Promise.all(inFlight.values());
        else await new Promise((r) => setTimeout(r, 5));
      }
    },

    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
  return service;
};
