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
  /**
   * Most events applied in one database transaction (one commit and one cursor save per batch;
   * 1 = a transaction per event). An event that needs the network, or fails, is applied alone.
   */
  applyBatchSize: number;
  /** A batch stops taking events after this long, ms (bounds how long it holds SQLite's write lock). */
  applyBatchMs: number;
  /** Timeout of every outbound HTTP call, ms. */
  requestTimeoutMs: number;
  /** Largest response body accepted from another site, bytes (files: `maxFileBytes`). */
  maxResponseBytes: number;
  maxFileBytes: number;
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
  };
  /**
   * Key that encrypts stored tokens. Defaults to EVENT_STREAMING_ENCRYPTION_KEY, then to the
   * admin's `secrets.encryptionKey` (ENCRYPTION_KEY). Required in production.
   */
  encryptionKey: string | null;
  /** Coalescing window of change notifications, ms. */
  notifyDebounceMs: number;
}

export const defaultConfig: PluginConfig = {
  publicUrl: null,
  siteName: 'Strapi site',
  pullCron: '*/1 * * * *',
  maintenanceCron: '17 * * * *',
  pageSize: 100,
  maxPageSize: 500,
  maxPagesPerPull: 50,
  applyBatchSize: 50,
  applyBatchMs: 250,
  requestTimeoutMs: 10_000,
  maxResponseBytes: 20 * 1024 * 1024,
  maxFileBytes: 200 * 1024 * 1024,
  leaseMs: 30_000,
  pullOnBoot: true,
  retry: { baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAttempts: 40 },
  retention: { updateLogDays: 7, syncLogDays: 30 },
  encryptionKey: null,
  notifyDebounceMs: 25,
};

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const nonNegativeNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function validateConfig(raw: Partial<PluginConfig>): void {
  const fail = (key: string, what: string) => {
    throw new Error(`event-streaming: config "${key}" ${what}`);
  };
  const cfg = { ...defaultConfig, ...raw };
  if (cfg.publicUrl !== null && cfg.publicUrl !== undefined) {
    if (typeof cfg.publicUrl !== 'string' || !/^https?:\/\/[^\s/]+/.test(cfg.publicUrl))
      fail('publicUrl', 'must be an http(s) URL or null');
  }
  if (typeof cfg.siteName !== 'string' || !cfg.siteName.trim()) fail('siteName', 'must be a non-empty string');
  for (const key of ['pullCron', 'maintenanceCron'] as const) {
    const fields = typeof cfg[key] === 'string' ? cfg[key].trim().split(/\s+/).length : 0;
    if (fields !== 5 && fields !== 6) fail(key, 'must be a cron rule of 5 or 6 fields');
  }
  for (const key of [
    'pageSize',
    'maxPageSize',
    'maxPagesPerPull',
    'applyBatchSize',
    'applyBatchMs',
    'requestTimeoutMs',
    'maxResponseBytes',
    'maxFileBytes',
    'leaseMs',
    'notifyDebounceMs',
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
