/**
 * When a stream alert is sent, Strapi-free. The caller evaluates every stream on each cron tick
 * and persists the returned state; the messages are what to send now.
 *
 * INVARIANTS
 * - A stream that stays down sends exactly ONE alert: after it has been down for `forMinutes`
 *   (measured from the first tick that saw it down), and never again while it stays down.
 * - A stream that was alerted and is up again sends exactly ONE recovery, then its state is gone.
 * - A stream that recovers before `forMinutes` sends nothing.
 * - Same state + same input = no message (so a restart that reloads the persisted state does not resend).
 * - A stream that disappears (deleted) is forgotten without a message.
 */

export interface StreamStatus {
  /** Stable key, e.g. `producer:3` (an Event Producer) or `consumer:5` (an Event Consumer). */
  key: string;
  /** Human name in messages (URL or site name). */
  label: string;
  failing: boolean;
  lagEvents: number;
  lagSeconds: number;
}

export interface AlertThresholds {
  lagEvents: number | null;
  lagSeconds: number | null;
  forMinutes: number;
}

/** Per stream: since when it is down (ms) and whether its alert went out. */
export type AlertState = Record<string, { downSince: number; alerted: boolean }>;

export interface AlertMessage {
  type: 'alert' | 'recovery';
  key: string;
  label: string;
  /** Why it is down (alert) or was (recovery). */
  reason: string;
  downSince: string;
  lagEvents: number;
  lagSeconds: number;
}

/** Why `s` is down under `t`, or null when it is up. */
export function downReason(s: StreamStatus, t: AlertThresholds): string | null {
  if (s.failing) return 'failing';
  if (t.lagEvents !== null && s.lagEvents >= t.lagEvents) return `lagging ${s.lagEvents} events (threshold ${t.lagEvents})`;
  if (t.lagSeconds !== null && s.lagSeconds >= t.lagSeconds) return `lagging ${s.lagSeconds} s (threshold ${t.lagSeconds} s)`;
  return null;
}

/** The next state and the messages to send now (see the invariants above). `prev` is not modified. */
export function evaluateAlerts(
  prev: AlertState,
  streams: StreamStatus[],
  t: AlertThresholds,
  now: number
): { state: AlertState; messages: AlertMessage[] } {
  const state: AlertState = {};
  const messages: AlertMessage[] = [];
  for (const s of streams) {
    const before = prev[s.key];
    const reason = downReason(s, t);
    const base = { key: s.key, label: s.label, lagEvents: s.lagEvents, lagSeconds: s.lagSeconds };
    if (reason === null) {
      if (before?.alerted)
        messages.push({ ...base, type: 'recovery', reason: 'up again', downSince: new Date(before.downSince).toISOString() });
      continue;
    }
    const downSince = before?.downSince ?? now;
    const due = !before?.alerted && now - downSince >= t.forMinutes * 60_000;
    if (due) messages.push({ ...base, type: 'alert', reason, downSince: new Date(downSince).toISOString() });
    state[s.key] = { downSince, alerted: Boolean(before?.alerted) || due };
  }
  return { state, messages };
}
