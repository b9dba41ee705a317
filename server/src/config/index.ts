import { isIP } from 'node:net';
import { DEFAULT_EVENT_LIMITS } from '../engine/apply/budget';
import { MAX_URL_LENGTH } from '../engine/url';

/**
 * Plugin configuration (`config/plugins.ts` of the app, key `event-streaming`). Every key has a
 * default; `validator` runs at boot and refuses bad values with a message naming the key.
 */
export interface PluginConfig {
  /** Base URL under which other sites reach this one (callbacks). Null: pull-only consumer. */
  publicUrl: string | null;
  /** Human name of this site, shown on the producer's Consumers page. */
  siteName: string;
  /** Cron rule of the periodic pull (and retry) job. Six fields = with seconds. */
  pullCron: string;
  /** Cron rule of log pruning. */
  maintenanceCron: string;
  /** Events per pulled page (the producer caps it at `maxPageSize`). */
  pageSize: number;
  maxPageSize: number;
  /** Pages one pull may process before it yields (the next notification or cron continues). */
  maxPagesPerPull: number;
  /** Most listing pages one back-fill (or re-copy) reads per type before it stops with an error. */
  maxBackfillPages: number;
  /**
   * Back-fill inserts the plain documents of a listed page (no relations, media, components,
   * mapping; a type without Draft & Publish or locales) with one statement per page, as
   * `strapi transfer` does: no Document Service middleware, per-document lifecycle or webhook runs
   * for them. Off: every document is created through the Document Service.
   */
  bulkBackfill: boolean;
  /**
   * Most events applied in one database transaction (one commit and one cursor save per batch;
   * 1 = a transaction per event). An event that needs the network, or fails, is applied alone.
   */
  applyBatchSize: number;
  /** A batch stops taking events after this long, ms (bounds how long it holds SQLite's write lock). */
  applyBatchMs: number;
  /**
   * Wall-clock deadline of every outbound HTTP call (page, document, registration, notification),
   * ms: connect, send and the whole response must fit in it, however slowly the peer trickles bytes.
   */
  requestTimeoutMs: number;
  /** Wall-clock deadline of one file download (up to `maxFileBytes`), ms. */
  fileTimeoutMs: number;
  /** Largest response body accepted from another site, bytes (files: `maxFileBytes`). */
  maxResponseBytes: number;
  maxFileBytes: number;
  /**
   * Budgets of one event on the consumer (its dependency walk): most missing documents fetched,
   * most distinct files referenced, and most bytes of fetched documents held in memory. An event
   * over one is recorded Failed naming the key; the other events go on.
   */
  maxDependenciesPerEvent: number;
  maxFilesPerEvent: number;
  maxEventBytes: number;
  /**
   * Address policy of every outbound call, checked on the address a host name resolves to at
   * connect time (so DNS rebinding does not get through). By default only public unicast
   * addresses are reached: private, loopback, link-local, cloud metadata (169.254.169.254),
   * unique-local, multicast and reserved addresses are refused.
   */
  outbound: OutboundPolicy;
  /** How long a pull holds its database lease before another instance may take over, ms. */
  leaseMs: number;
  /** Pull every producer at once when the site boots (a restart resumes without waiting for the cron). */
  pullOnBoot: boolean;
  retry: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  retention: {
    /** Update-log rows every consumer has acknowledged are deleted after this many days (0 = at once). */
    updateLogDays: number;
    /** Synced sync-log rows are deleted after this many days; Failed/Blocked rows are kept. */
    syncLogDays: number;
    /**
     * For a consumer that is gone: one that has not pulled for this many days no longer holds
     * back pruning of the update log (it re-copies its types when it returns). Default 30.
     */
    maxConsumerLagDays: number;
    /**
     * A hard cap on the update log's age, for a consumer that still pulls but whose cursor is
     * stuck (the lag limit above never applies to it): rows are deleted after this many days even
     * if some consumer has not acknowledged them (it then re-copies). null (default): no cap.
     */
    unacknowledgedUpdateLogDays: number | null;
  };
  /**
   * Passphrase that encrypts stored tokens (stretched with scrypt and a per-install salt). The
   * first set of: this key, EVENT_STREAMING_ENCRYPTION_KEY, the admin's `secrets.encryptionKey`
   * (ENCRYPTION_KEY). Required unless NODE_ENV=development (boot fails without one).
   */
  encryptionKey: string | null;
  /** Coalescing window of change notifications, ms. */
  notifyDebounceMs: number;
  /** Most consumers poked at once (each poke has its own `requestTimeoutMs` deadline). */
  notifyConcurrency: number;
  /** Alerts on a failing or lagging stream (see README, Monitoring): off until a webhook or an email is set. */
  alerts: AlertsConfig;
}

/**
 * When a stream is "down" and where to say so. A stream is down while it fails (its last pull
 * failed, or it holds Failed events) or lags by at least `lagEvents` events or `lagSeconds`
 * seconds (null: that threshold is off); after `forMinutes` down, ONE alert is sent, and ONE
 * recovery message when it is up again.
 */
export interface AlertsConfig {
  lagEvents: number | null;
  lagSeconds: number | null;
  forMinutes: number;
  /** POSTed a JSON body (through the outbound transport: address policy, deadline). */
  webhookUrl: string | null;
  /** Sent as `Authorization: Bearer <webhookToken>` when set. */
  webhookToken: string | null;
  /** Through Strapi's email plugin (its configured provider). */
  email: { to: string | string[]; from?: string } | null;
}

export interface OutboundPolicy {
  /** Reach any address (private, loopback, link-local...) except 0.0.0.0 / ::. Default false. */
  allowPrivateAddresses: boolean;
  /** Addresses or CIDR ranges reachable although private, e.g. ["127.0.0.1", "10.0.0.0/8", "::1"]. */
  allowedAddresses: string[];
  /** Host names (as written in a site URL) that may resolve to a private address, e.g. ["strapi-b.internal"]. */
  allowedHosts: string[];
}

export const defaultConfig: PluginConfig = {
  publicUrl: null,
  siteName: 'Strapi site',
  pullCron: '*/1 * * * *',
  maintenanceCron: '17 * * * *',
  pageSize: 100,
  maxPageSize: 500,
  maxPagesPerPull: 50,
  maxBackfillPages: 10_000,
  bulkBackfill: false,
  applyBatchSize: 50,
  applyBatchMs: 250,
  requestTimeoutMs: 10_000,
  fileTimeoutMs: 120_000,
  maxResponseBytes: 20 * 1024 * 1024,
  maxFileBytes: 200 * 1024 * 1024,
  maxDependenciesPerEvent: DEFAULT_EVENT_LIMITS.maxDependencies,
  maxFilesPerEvent: DEFAULT_EVENT_LIMITS.maxFiles,
  maxEventBytes: DEFAULT_EVENT_LIMITS.maxBytes,
  leaseMs: 30_000,
  outbound: { allowPrivateAddresses: false, allowedAddresses: [], allowedHosts: [] },
  pullOnBoot: true,
  retry: { baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAttempts: 40 },
  retention: { updateLogDays: 7, syncLogDays: 30, maxConsumerLagDays: 30, unacknowledgedUpdateLogDays: null },
  encryptionKey: null,
  notifyDebounceMs: 25,
  notifyConcurrency: 8,
  alerts: { lagEvents: null, lagSeconds: null, forMinutes: 5, webhookUrl: null, webhookToken: null, email: null },
};

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const nonNegativeNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** An IP address, or an IP address and a prefix length (CIDR), as `request-filtering-agent` takes them. */
export function isAddressOrCidr(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false;
  const [address, prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const HOST_NAME = /^[a-z0-9.:[\]-]{1,253}$/;

function validateOutbound(raw: unknown, fail: (key: string, what: string) => never): void {
  if (raw === undefined) return;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail('outbound', 'must be an object { allowPrivateAddresses, allowedAddresses, allowedHosts }');
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['allowPrivateAddresses', 'allowedAddresses', 'allowedHosts'].includes(key)) {
      fail(`outbound.${key}`, 'is not a known key (allowPrivateAddresses, allowedAddresses, allowedHosts)');
    }
  }
  if (o.allowPrivateAddresses !== undefined && typeof o.allowPrivateAddresses !== 'boolean') {
    fail('outbound.allowPrivateAddresses', 'must be true or false');
  }
  if (o.allowedAddresses !== undefined) {
    if (!Array.isArray(o.allowedAddresses)) fail('outbound.allowedAddresses', 'must be a list of IP addresses or CIDR ranges');
    for (const entry of o.allowedAddresses as unknown[]) {
      if (!isAddressOrCidr(entry)) {
        fail(
          'outbound.allowedAddresses',
          `has ${JSON.stringify(entry)}, which is not an IP address or CIDR range (e.g. "127.0.0.1", "10.0.0.0/8", "::1")`
        );
      }
    }
  }
  if (o.allowedHosts !== undefined) {
    if (!Array.isArray(o.allowedHosts)) fail('outbound.allowedHosts', 'must be a list of host names');
    for (const entry of o.allowedHosts as unknown[]) {
      if (typeof entry !== 'string' || !HOST_NAME.test(entry.toLowerCase())) {
        fail('outbound.allowedHosts', `has ${JSON.stringify(entry)}, which is not a host name (e.g. "localhost", "strapi-b.internal")`);
      }
    }
  }
}

const ALERT_KEYS = ['lagEvents', 'lagSeconds', 'forMinutes', 'webhookUrl', 'webhookToken', 'email'];

function validateAlerts(raw: unknown, fail: (key: string, what: string) => never): void {
  if (raw === undefined) return;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('alerts', `must be an object { ${ALERT_KEYS.join(', ')} }`);
  const a = raw as Record<string, unknown>;
  for (const key of Object.keys(a)) if (!ALERT_KEYS.includes(key)) fail(`alerts.${key}`, `is not a known key (${ALERT_KEYS.join(', ')})`);
  for (const key of ['lagEvents', 'lagSeconds'] as const) {
    if (a[key] !== undefined && a[key] !== null && !positiveInt(a[key])) fail(`alerts.${key}`, 'must be a positive integer or null');
  }
  if (a.forMinutes !== undefined && !nonNegativeNumber(a.forMinutes)) fail('alerts.forMinutes', 'must be a non-negative number of minutes');
  if (a.webhookUrl !== undefined && a.webhookUrl !== null) {
    if (typeof a.webhookUrl !== 'string' || a.webhookUrl.length > MAX_URL_LENGTH || !/^https?:\/\/[^\s/]+/.test(a.webhookUrl))
      fail('alerts.webhookUrl', 'must be an http(s) URL or null');
  }
  if (a.webhookToken !== undefined && a.webhookToken !== null && (typeof a.webhookToken !== 'string' || a.webhookToken.length < 8))
    fail('alerts.webhookToken', 'must be a token of at least 8 characters or null');
  if (a.email !== undefined && a.email !== null) {
    const e = a.email as Record<string, unknown>;
    const to = Array.isArray(e?.to) ? e.to : [e?.to];
    if (typeof e !== 'object' || !to.length || !to.every((t) => typeof t === 'string' && t.includes('@')))
      fail('alerts.email', 'must be { to: an address or a list of addresses, from?: an address } or null');
    if (e.from !== undefined && typeof e.from !== 'string') fail('alerts.email.from', 'must be an email address');
  }
}

export function validateConfig(raw: Partial<PluginConfig>): void {
  const fail = (key: string, what: string): never => {
    throw new Error(`event-streaming: config "${key}" ${what}`);
  };
  const cfg = { ...defaultConfig, ...raw };
  if (cfg.publicUrl !== null && cfg.publicUrl !== undefined) {
    if (typeof cfg.publicUrl === 'string' && cfg.publicUrl.length > MAX_URL_LENGTH)
      fail('publicUrl', `must be at most ${MAX_URL_LENGTH} characters`);
    if (typeof cfg.publicUrl !== 'string' || !/^https?:\/\/[^\s/]+/.test(cfg.publicUrl))
      fail('publicUrl', 'must be an http(s) URL or null');
  }
  if (typeof cfg.siteName !== 'string' || !cfg.siteName.trim()) fail('siteName', 'must be a non-empty string');
  if (typeof cfg.pullOnBoot !== 'boolean') fail('pullOnBoot', 'must be true or false');
  if (typeof cfg.bulkBackfill !== 'boolean') fail('bulkBackfill', 'must be true or false');
  for (const key of ['pullCron', 'maintenanceCron'] as const) {
    const fields = typeof cfg[key] === 'string' ? cfg[key].trim().split(/\s+/).length : 0;
    if (fields !== 5 && fields !== 6) fail(key, 'must be a cron rule of 5 or 6 fields');
  }
  for (const key of [
    'pageSize',
    'maxPageSize',
    'maxPagesPerPull',
    'maxBackfillPages',
    'applyBatchSize',
    'applyBatchMs',
    'requestTimeoutMs',
    'fileTimeoutMs',
    'maxResponseBytes',
    'maxFileBytes',
    'maxDependenciesPerEvent',
    'maxFilesPerEvent',
    'maxEventBytes',
    'leaseMs',
    'notifyDebounceMs',
    'notifyConcurrency',
  ] as const) {
    if (!positiveInt(cfg[key])) fail(key, 'must be a positive integer');
  }
  if (cfg.pageSize > cfg.maxPageSize) fail('pageSize', `must not exceed maxPageSize (${cfg.maxPageSize})`);
  const retry = { ...defaultConfig.retry, ...(raw.retry ?? {}) };
  if (!positiveInt(retry.baseDelayMs) || !positiveInt(retry.maxDelayMs) || !positiveInt(retry.maxAttempts)) {
    fail('retry', 'must have positive integers baseDelayMs, maxDelayMs and maxAttempts');
  }
  const retention = { ...defaultConfig.retention, ...(raw.retention ?? {}) };
  if (!nonNegativeNumber(retention.updateLogDays) || !nonNegativeNumber(retention.syncLogDays)) {
    fail('retention', 'must have non-negative numbers updateLogDays and syncLogDays');
  }
  if (!nonNegativeNumber(retention.maxConsumerLagDays) || retention.maxConsumerLagDays <= 0) {
    fail('retention.maxConsumerLagDays', 'must be a positive number of days');
  }
  if (retention.unacknowledgedUpdateLogDays !== null && !nonNegativeNumber(retention.unacknowledgedUpdateLogDays)) {
    fail('retention.unacknowledgedUpdateLogDays', 'must be a non-negative number of days or null');
  }
  validateOutbound(raw.outbound, fail);
  validateAlerts(raw.alerts, fail);
  if (
    cfg.encryptionKey !== null &&
    cfg.encryptionKey !== undefined &&
    (typeof cfg.encryptionKey !== 'string' || cfg.encryptionKey.length < 16)
  ) {
    fail('encryptionKey', 'must be a string of at least 16 characters');
  }
}

export default {
  default: defaultConfig,
  validator: validateConfig,
};
