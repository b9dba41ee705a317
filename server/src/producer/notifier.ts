import type { Core } from '@strapi/strapi';
import { errorMessage } from '../engine/errors';
import { getService } from '../utils';

/**
 * After-commit work on the producer: sequence the new log rows, then poke each consumer that has
 * an approved subscription and a callback URL. Notifications are coalesced (one run per debounce
 * window, one more if changes arrived during a run) and carry no data: the consumer pulls. A lost
 * notification is harmless (the consumer's cron pull catches up); a duplicate one coalesces there.
 *
 * Across instances sharing a database, `notifiedSeq` is advanced with a compare-and-set, so for a
 * given head only one instance sends the poke.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const run = async (): Promise<void> => {
    // Only consumers that can be poked need a head now. With none (pull-only consumers), skip the
    // sequencer: its write transaction (a commit, i.e. an fsync on SQLite) per debounce window was
    // most of the capture overhead; the consumers' pulls sequence the rows (producer/serve.ts).
    const store = getService(strapi, 'consumer-store');
    const consumers = await store.pokeable();
    if (!consumers.length) return;
    const head = await getService(strapi, 'update-log').sequence();
    await Promise.all(
      consumers.map(async (c) => {
        if (Number(c.notifiedSeq ?? 0) >= head) return;
        if (!(await store.claimNotification(c.id, head))) return; // another instance notified for this head
        await getService(strapi, 'consumer-registry').notify(c, head);
      })
    );
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
  };

  return {
    /** Called after a commit that wrote update-log rows. */
    changed(): void {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        running = loop();
      }, getService(strapi, 'settings').config().notifyDebounceMs);
    },

    /** Waits for the notification in flight (tests, shutdown). */
    async idle(): Promise<void> {
      while (timer || running) {
        if (running) await running;
        else await new Promise((r) => setTimeout(r, 5));
      }
    },

    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
};
