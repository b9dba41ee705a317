import { LeaseLostError, NeedsNetworkError } from './errors';

/**
 * Processing a list of items (events, back-filled documents) in batches: several items per
 * database transaction, so one commit serves many writes. Strapi-free.
 *
 * RULES
 * - Items are processed in list order, each exactly once (unless a batch rolls back, see below).
 * - `batched(item)` runs inside the batch's transaction and must not use the network: when the
 *   item needs it (a missing dependency, a file), it throws NeedsNetworkError; the batch so far
 *   commits (after `finish`) and that item is processed `alone` (its own transaction(s), network
 *   allowed outside them), then batching resumes.
 * - When `batched` (or `finish`) throws anything else, the whole batch rolls back and every item
 *   of it up to the failing one is processed `alone`: the outcome is the same as if no item had
 *   ever been batched.
 * - LeaseLostError is never absorbed: it ends the run at once (another instance took over).
 * - A batch holds at most `size` items and takes no new item after `ms` milliseconds, so it
 *   never holds a database write lock (SQLite) for long. `size` 1 or `ms` 0: every item alone.
 */
export interface BatchPorts<T, R> {
  transaction<X>(fn: () => Promise<X>): Promise<X>;
  /** Before each batch and each item processed alone, outside any transaction (lease upkeep). */
  between?(): Promise<void>;
  batched(item: T): Promise<R>;
  /** Inside the batch's transaction, after its items (e.g. the cursor save); index of the last item. */
  finish?(lastIndex: number): Promise<void>;
  alone(item: T): Promise<R>;
}

export interface BatchLimits {
  size: number;
  ms: number;
}

export async function runInBatches<T, R>(
  items: T[],
  ports: BatchPorts<T, R>,
  limits: BatchLimits,
  onResult: (result: R, index: number) => void
): Promise<void> {
  let next = 0;
  let alone = limits.size <= 1 || limits.ms <= 0 ? items.length - 1 : -1; // items up to this index: processed alone
  while (next < items.length) {
    await ports.between?.();
    if (next <= alone) {
      onResult(await ports.alone(items[next]), next);
      next += 1;
      continue;
    }
    const from = next;
    const results: R[] = [];
    let current = from;
    let needsNetwork = false;
    try {
      await ports.transaction(async () => {
        const started = Date.now();
        for (current = from; current < items.length && current - from < limits.size && Date.now() - started < limits.ms; current += 1) {
          try {
            results.push(await ports.batched(items[current]));
          } catch (error) {
            if (!(error instanceof NeedsNetworkError)) throw error;
            needsNetwork = true;
            break;
          }
        }
        current = from + results.length - 1; // a failing `finish` belongs to the batch's last item
        if (results.length) await ports.finish?.(current);
      });
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      alone = Math.max(current, from); // rolled back: up to the failing item, each alone
      continue;
    }
    results.forEach((r, i) => onResult(r, from + i));
    next += results.length;
    // Stopped at an item that needs the network (or took none, time being up): that one alone.
    if (needsNetwork || !results.length) alone = next;
  }
}
