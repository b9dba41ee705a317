import { ApplyError } from '../errors';

/**
 * Per-event budgets of the consumer's apply path. A producer — buggy or hostile — decides how many
 * documents and files one event drags along; these bound the work and memory one event may cost
 * this site, so that a single event cannot stall the pull or exhaust the process.
 *
 * INVARIANTS
 * 1. Checked before the work: a dependency is counted before it is fetched, a file before it is
 *    looked up or downloaded; bytes are counted as each fetched document arrives (the transport
 *    bounds one response by `maxResponseBytes`, so the overshoot is at most one response).
 * 2. Deterministic: the counts depend only on the event's data and the producer's documents, not
 *    on what this site already has (a file already here still counts), so a retry of the same
 *    event meets the same verdict — it is recorded Failed (BudgetExceededError is an ApplyError),
 *    never retried as transient, and the pull goes on with the next event.
 *    Files referenced inline (rich text, Blocks, JSON: inline.ts) count like media files, under
 *    the same key (a file both in a media field and inline counts once).
 * 3. Files are counted, not their bytes: a file is streamed to disk (never held in memory) and
 *    bounded alone by `maxFileBytes`.
 */
export interface EventLimits {
  /** Most missing documents fetched for one event (config `maxDependenciesPerEvent`). */
  maxDependencies: number;
  /** Most distinct files one event references, its dependencies' included (config `maxFilesPerEvent`). */
  maxFiles: number;
  /** Most bytes (JSON) of the documents fetched for one event, held until it is applied (config `maxEventBytes`). */
  maxBytes: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxDependencies: 500,
  maxFiles: 100,
  maxBytes: 64 * 1024 * 1024,
};

/** An event went over one of its budgets; the message names the limit and its config key. */
export class BudgetExceededError extends ApplyError {
  constructor(
    message: string,
    readonly configKey: string
  ) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

/** Size in bytes of data as it travelled (JSON, UTF-8). */
export const jsonBytes = (data: unknown): number => Buffer.byteLength(JSON.stringify(data) ?? '', 'utf8');

/** The running counts of one event against its limits; `what` names the event in messages. */
export class EventBudget {
  private dependencies = 0;
  private bytes = 0;
  private readonly files = new Set<string>();

  constructor(
    private readonly what: string,
    private readonly limits: EventLimits
  ) {}

  /** One more missing dependency is about to be fetched. */
  dependency(): void {
    if (this.dependencies >= this.limits.maxDependencies) {
      throw new BudgetExceededError(
        `${this.what} has more than ${this.limits.maxDependencies} missing dependencies (config maxDependenciesPerEvent)`,
        'maxDependenciesPerEvent'
      );
    }
    this.dependencies += 1;
  }

  /** A file (remote key) is referenced; a key met before is not counted again. */
  file(key: string): void {
    if (this.files.has(key)) return;
    if (this.files.size >= this.limits.maxFiles) {
      throw new BudgetExceededError(
        `${this.what} references more than ${this.limits.maxFiles} files (config maxFilesPerEvent)`,
        'maxFilesPerEvent'
      );
    }
    this.files.add(key);
  }

  /** Data of `size` bytes is now held for this event. */
  hold(size: number): void {
    this.bytes += size;
    if (this.bytes > this.limits.maxBytes) {
      throw new BudgetExceededError(
        `${this.what} needs more than ${this.limits.maxBytes} bytes of documents in memory (config maxEventBytes)`,
        'maxEventBytes'
      );
    }
  }
}
