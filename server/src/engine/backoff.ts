export interface RetryPolicy {
  /** Delay before the first retry, ms. */
  baseDelayMs: number;
  /** Upper bound of one delay, ms. */
  maxDelayMs: number;
  /** After this many failed attempts an event stays Failed until an admin resyncs it. */
  maxAttempts: number;
}

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so that many failed events do not retry in lock-step.
 * Returns null when no automatic retry is left.
 */
export function nextRetryDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
