/**
 * The Prometheus text exposition format (version 0.0.4), Strapi-free: `# HELP` and `# TYPE` once
 * per metric family, then one sample per line; label values escape `\`, `"` and newlines, HELP
 * text escapes `\` and newlines (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */

import type { HealthReport } from '../shared/contracts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A float as Prometheus writes it (NaN, +Inf, -Inf spelled out). */
const number = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

/** The exposition text of `families`, ending with a newline. Throws on an invalid metric or label name (a bug). */
export function formatPrometheus(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => {
        if (!LABEL.test(k)) throw new Error(`invalid label name ${k}`);
        return `${k}="${escapeLabelValue(v)}"`;
      });
      lines.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${number(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

type ProducerHealth = HealthReport['producers'][number];
type ConsumerHealth = HealthReport['consumers'][number];
/** One gauge per row of a side of the report: name suffix, HELP text, value. */
type GaugeSpec<T> = [suffix: string, help: string, value: (row: T) => number];

const seconds = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : 0);

/** `event_streaming_producer_*`: one sample per Event Producer (this site's view as a consumer). */
const PRODUCER_GAUGES: Array<GaugeSpec<ProducerHealth>> = [
  ['lag_events', 'Events this site has not pulled from the producer (as of the last successful pull).', (h) => h.lagEvents],
  ['lag_seconds', 'Seconds since the last successful pull while behind or failing (0 when caught up).', (h) => h.lagSeconds],
  ['last_success_timestamp_seconds', 'Unix time of the last successful pull (0: never).', (h) => seconds(h.lastSuccessAt)],
  ['up', '1 when the last pull succeeded, 0 when it failed.', (h) => (h.lastError ? 0 : 1)],
  ['failed_events', 'Events recorded Failed in the sync log.', (h) => h.failedEvents],
  ['blocked_events', 'Events recorded Blocked in the sync log.', (h) => h.blockedEvents],
];

/** `event_streaming_consumer_*`: one sample per Event Consumer (this site's view as a producer). */
const CONSUMER_GAUGES: Array<GaugeSpec<ConsumerHealth>> = [
  ['lag_events', 'Events logged here that the consumer has not acknowledged.', (h) => h.lagEvents],
  ['lag_seconds', 'Age of the oldest event the consumer has not acknowledged, seconds.', (h) => h.lagSeconds],
  ['last_seen_timestamp_seconds', "Unix time of the consumer's last pull (0: never).", (h) => seconds(h.lastSeenAt)],
];

const gauges = <T>(prefix: string, specs: Array<GaugeSpec<T>>, rows: T[], labels: (row: T) => Record<string, string>): Family[] =>
  specs.map(([suffix, help, value]) => ({
    name: `${prefix}_${suffix}`,
    help,
    type: 'gauge',
    samples: rows.map((row) => ({ labels: labels(row), value: value(row) })),
  }));

/** The health report as metric families: `event_streaming_producer_*` per Event Producer (consumer side), `event_streaming_consumer_*` per Event Consumer (producer side). */
export function healthFamilies(r: HealthReport): Family[] {
  return [
    ...gauges('event_streaming_producer', PRODUCER_GAUGES, r.producers, (h) => ({
      producer: h.producerUrl,
      producer_site_id: h.producerSiteId ?? '',
    })),
    ...gauges('event_streaming_consumer', CONSUMER_GAUGES, r.consumers, (h) => ({
      consumer: h.consumerName,
      consumer_site_id: h.consumerSiteId,
    })),
  ];
}
