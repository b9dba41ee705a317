import type { MetricPoint } from '../../api/contracts';

const MINUTE = 60_000;
/** The chart never shows less than this, so one minute stays a visible bar. */
const MIN_WINDOW_MINUTES = 60;

/** One point per minute (minutes without counters: 0 events, no lag sample). */
export interface ChartPoint {
  t: number;
  events: number;
  lagEvents: number | null;
}

/**
 * The series as a continuous minute axis ending now: the last `hours`, or less when the counters
 * start later (a new stream), but at least MIN_WINDOW_MINUTES. At most `hours` × 60 points.
 */
export function fillMinutes(points: MetricPoint[], hours: number, now = Date.now()): ChartPoint[] {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const byMinute = new Map(points.map((p) => [Date.parse(p.minute), p]));
  const first = Math.min(end, ...byMinute.keys());
  const start = Math.max(end - (hours * 60 - 1) * MINUTE, Math.min(first - 5 * MINUTE, end - (MIN_WINDOW_MINUTES - 1) * MINUTE));
  const out: ChartPoint[] = [];
  for (let t = start; t <= end; t += MINUTE) {
    const p = byMinute.get(t);
    out.push({ t, events: p?.events ?? 0, lagEvents: p ? p.lagEvents : null });
  }
  return out;
}
