/**
 * Adaptive page size of pulls (consumer side). A page that fails as too large (over
 * `maxResponseBytes`) or too slow (over the request deadline) is asked again at half the size,
 * down to one event. The shrunk size is remembered (one sizer per producer, in memory) and grows
 * back gradually: doubled after `growAfter` pages in a row that succeeded at it, up to the
 * configured size. Strapi-free.
 */
import { RemoteError } from './errors';

/** The producer's answer to a page was larger than the configured response limit (a RemoteError: the producer could not be read). */
export class PageTooLargeError extends RemoteError {
  constructor(message: string, code?: string) {
    super(message, 0, code);
    this.name = 'PageTooLargeError';
  }
}

/** The producer's answer to a page did not complete within the request deadline. */
export class PageTooSlowError extends RemoteError {
  constructor(message: string, code?: string) {
    super(message, 0, code);
    this.name = 'PageTooSlowError';
  }
}

export class PageSizer {
  private size: number;
  private streak = 0;

  constructor(
    private readonly max: number,
    private readonly growAfter = 10
  ) {
    this.size = Math.max(1, max);
  }

  /** Events to ask for now. */
  get limit(): number {
    return this.size;
  }

  /** Halves the size (not below 1). False when it was 1 already: nothing smaller to try. */
  shrink(): boolean {
    this.streak = 0;
    if (this.size <= 1) return false;
    this.size = Math.max(1, Math.floor(this.size / 2));
    return true;
  }

  /** A page at the current size succeeded: after `growAfter` of them, doubles it (up to max). */
  succeeded(): void {
    if (this.size >= this.max) return;
    this.streak += 1;
    if (this.streak >= this.growAfter) {
      this.size = Math.min(this.max, this.size * 2);
      this.streak = 0;
    }
  }
}

/**
 * A page bounded by bytes as well as by count (producer side): the longest prefix of `rows`
 * whose summed `sizeOf` stays within `maxBytes`, and always at least the first row (a single
 * event larger than the budget is still served alone; the consumer's own limit decides). The
 * events keep their order, so the page ends on a row and the cursor moves past exactly what was
 * served. Invariant: result is a prefix of rows, non-empty iff rows is, and either within
 * `maxBytes` or of length 1.
 */
export function boundByBytes<T>(rows: T[], maxBytes: number, sizeOf: (row: T) => number): T[] {
  let total = 0;
  for (let i = 0; i < rows.length; i += 1) {
    total += sizeOf(rows[i]);
    if (total > maxBytes && i > 0) return rows.slice(0, i);
  }
  return rows;
}
