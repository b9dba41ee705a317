import type { PluginConfig } from './index';

/** A value the configuration reference shows as is (objects other than lists are flattened). */
type Leaf = string | number | boolean | null | undefined | readonly unknown[];

/** The keys of a config object, nested objects flattened: `retention.updateLogDays`. */
export type FlatKey<T, Prefix extends string = ''> = {
  [K in keyof T & string]-?: T[K] extends Leaf ? `${Prefix}${K}` : FlatKey<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type ConfigKey = FlatKey<PluginConfig>;

/**
 * What each config key does, one line of Markdown each: the README's configuration table
 * (between the `config-table` markers) is generated from this list and `defaultConfig` by
 * `node scripts/config-table.js`; tests/unit/config-docs.test.ts checks the README is up to date.
 * A key added to `PluginConfig` without a line here fails the typecheck.
 */
export const CONFIG_REFERENCE: Record<ConfigKey, string> & { [key: string]: string } = {
  publicUrl: 'base URL other sites use to notify this one; `null` = pull-only',
  siteName: "shown on the producer's Consumers page",
  pullCron: 'periodic pull + retry of failed events (6 fields = with seconds)',
  maintenanceCron: 'log pruning',
  pageSize: 'events per pulled page (the consumer asks, the producer caps it at `maxPageSize`)',
  maxPageSize: 'most events per page a producer serves',
  maxPagesPerPull: 'pages one pull processes before yielding (the next notification or cron continues)',
  maxBackfillPages: 'listing pages one back-fill (or re-copy) reads per type before it stops with an error',
  bulkBackfill:
    "back-fill inserts a page's plain documents (no relations, media, components or mapping; a type without Draft & Publish or locales) with one statement, as `strapi transfer` does: no Document Service middleware, per-document lifecycle or webhook runs for them. Off: each is created through the Document Service",
  applyBatchSize:
    'events (and back-filled documents) applied per database transaction; an event that needs the network or fails is applied alone. `1`: a transaction per event',
  applyBatchMs: "how long one batch may keep taking new events, ms (bounds how long it holds SQLite's write lock)",
  requestTimeoutMs: 'wall-clock deadline of every outbound call (page, document, registration, notification), whole response included, ms',
  fileTimeoutMs: 'wall-clock deadline of one file download, ms',
  maxResponseBytes: 'largest response body accepted from another site (files: `maxFileBytes`)',
  maxFileBytes: 'largest file accepted from a producer',
  maxDependenciesPerEvent: 'most missing documents one event may fetch (its dependency walk); over it the event is Failed naming the key',
  maxFilesPerEvent: 'most distinct files one event may reference',
  maxEventBytes: 'most bytes of fetched documents one event may hold in memory',
  'outbound.allowPrivateAddresses':
    'reach any address (private, loopback, link-local…) except `0.0.0.0` / `::`. Outbound calls are checked on the address a host name resolves to at connect time; by default only public addresses are reached (metadata `169.254.169.254` included in the refused ones)',
  'outbound.allowedAddresses': 'IP addresses or CIDR ranges reachable although private, e.g. `["127.0.0.1", "10.0.0.0/8", "::1"]`',
  'outbound.allowedHosts': 'host names (as written in a site URL) that may resolve to a private address, e.g. `["strapi-b.internal"]`',
  leaseMs:
    'pull lease across instances, ms (renewed while a pull runs; a crashed instance blocks pulls of its producers at most this long)',
  pullOnBoot: 'pull every producer when the site boots (a restart resumes without waiting for the cron)',
  'retry.baseDelayMs': 'first retry delay of a failed event, ms (exponential backoff with jitter)',
  'retry.maxDelayMs': 'longest retry delay, ms',
  'retry.maxAttempts': 'attempts before an event is given up (*Gave up* in the Sync Log; Resync tries again)',
  'retention.updateLogDays': 'update-log rows every consumer acknowledged are deleted after this many days (`0`: at once)',
  'retention.syncLogDays': 'Synced sync-log rows are deleted after this many days; Failed and Blocked rows are kept',
  'retention.maxConsumerLagDays':
    'for a consumer that is **gone**: one that has not pulled for this many days no longer holds the update log back (Consumers page: *Not pulling since …*); it re-copies its types by itself when it returns. Set it to when you consider a site decommissioned',
  'retention.unacknowledgedUpdateLogDays':
    "a hard cap on the log's age, for a consumer that still pulls but whose cursor is **stuck** (a pull that stops at the same transient failure acknowledges nothing new, so `maxConsumerLagDays` never applies): rows older than this go whoever has not acknowledged them (it re-copies); `null`: off. Set it only if the log's size must be bounded whatever the consumers do",
  encryptionKey:
    "passphrase of stored tokens (scrypt, per-install salt); `null`: env `EVENT_STREAMING_ENCRYPTION_KEY`, then the admin's `ENCRYPTION_KEY`. Required outside development",
  notifyDebounceMs: 'coalescing window of change notifications, ms',
  notifyConcurrency: 'most consumers notified at once (each with its own `requestTimeoutMs` deadline)',
  'alerts.lagEvents':
    'a stream lagging by at least this many events counts as down (`null`: off). A stream whose last pull failed is down too',
  'alerts.lagSeconds': 'a stream lagging by at least this many seconds counts as down (`null`: off)',
  'alerts.forMinutes': 'how long a stream must stay down before its one alert is sent (one recovery follows when it is up again)',
  'alerts.webhookUrl': 'POST a JSON alert and a JSON recovery here (the `outbound` rules apply); `null`: no webhook',
  'alerts.webhookToken': 'sent as `Authorization: Bearer <token>` with the webhook; `null`: none',
  'alerts.email':
    "`{ to: 'ops@example.com' | [...], from?: '...' }`: the same messages through Strapi's email plugin (its configured provider); `null`: no email",
};
