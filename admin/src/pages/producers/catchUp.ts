import type { EventProducer, MetricPoint } from '../../api/contracts';

/** How far a consumer is behind its producer, and from how far it is catching up. */
export interface CatchUp {
  /** Events the producer has that this site has not pulled yet (producer head − cursor). */
  behind: number;
  /** The most it was behind in this episode (since the lag was last 0): the bar's 0 %. */
  peak: number;
  /** 0–100: share of the episode's events pulled since its peak. */
  percent: number;
}

/**
 * The catch-up after an outage: `behind` from the producer's head and this site's cursor, `peak`
 * from the per-minute lag samples (the newest run of minutes with a lag, walking back from now),
 * so that a page opened mid-way still starts its bar from the peak.
 * Null when there is nothing to catch up on.
 */
export function catchUpOf(producer: EventProducer, series: MetricPoint[] | undefined): CatchUp | null {
  const behind = Math.max(0, producer.producerHeadSeq - producer.lastPulledSeq);
  let episode = 0;
  for (const point of [...(series ?? [])].reverse()) {
    if (point.lagEvents <= 0) break;
    episode = Math.max(episode, point.lagEvents);
  }
  const peak = Math.max(behind, episode);
  if (peak === 0) return null;
  return { behind, peak, percent: Math.min(100, Math.round(((peak - behind) / peak) * 100)) };
}
