import type { MetricPoint } from '../../api/contracts';

const MINUTE = 60_000;

/** One point per minute of the window ending now (minutes without counters: 0 events, no lag sample). */
export interface ChartPoint {
  t: number;
  events: number;
  lagEvents: number | null;
}

/** The series as a continuous minute axis over the last `hours` (at most 24 × 60 points). */
export function fillMinutes(points: MetricPoint[], hours: number, now = Date.now()): ChartPoint[] {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const start = end - hours * 60 * MINUTE + MINUTE;
  const byMinute = new Map(points.map((p) => [Date.parse(p.minute), p]));
  const out: ChartPoint[] = [];
  for (let t = start; t <= end; t += MINUTE) {
    const p = byMinute.get(t);
    out.push({ t, events: p?.events ?? 0, lagEvents: p ? p.lagEvents : null });
  }
  return out;
}
