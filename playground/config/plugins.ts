import fs from 'fs';
import path from 'path';

const PLUGIN_PACKAGE = 'strapi-plugin-event-streaming';

/**
 * Absolute path of the plugin (the repository root). This file runs from `playground/config`
 * (the admin build reads source config) and from `playground/dist/config` (the server), so walk
 * up to the folder whose package.json is the plugin's instead of using a fixed relative path.
 * A relative `resolve` is taken relative to Strapi's own loader, not the app: it must be absolute.
 */
function pluginRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === PLUGIN_PACKAGE) return dir;
      } catch {
        /* unreadable package.json: keep walking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`playground: cannot find ${PLUGIN_PACKAGE} above ${__dirname}`);
    dir = parent;
  }
}

/**
 * The upload plugin's config. Opt-in S3 uploads (tests/integration/media-s3.test.ts):
 * UPLOAD_PROVIDER=aws-s3 with S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY;
 * optional S3_REGION, S3_ACL (e.g. `private`: files are read through signed URLs) and S3_BASE_URL
 * (a CDN / custom domain in front of the bucket). Without it the site keeps Strapi's local provider
 * (public/uploads). UPLOAD_DENIED_TYPES: the upload security config's refused types (budget tests).
 */
function upload(env) {
  const denied = env('UPLOAD_DENIED_TYPES', '') ? { security: { deniedTypes: env.array('UPLOAD_DENIED_TYPES') } } : {};
  if (env('UPLOAD_PROVIDER') !== 'aws-s3') return Object.keys(denied).length ? { upload: { config: denied } } : {};
  const acl = env('S3_ACL');
  return {
    upload: {
      config: {
        ...denied,
        provider: 'aws-s3',
        providerOptions: {
          ...(env('S3_BASE_URL') ? { baseUrl: env('S3_BASE_URL') } : {}),
          s3Options: {
            endpoint: env('S3_ENDPOINT'),
            forcePathStyle: true,
            region: env('S3_REGION', 'us-east-1'),
            credentials: { accessKeyId: env('S3_ACCESS_KEY_ID'), secretAccessKey: env('S3_SECRET_ACCESS_KEY') },
            params: { Bucket: env('S3_BUCKET'), ...(acl ? { ACL: acl } : {}) },
          },
        },
      },
    },
  };
}

/**
 * The email plugin's config. Opt-in SMTP (tests/integration/alerts-email.test.ts): SMTP_PORT (and
 * optional SMTP_HOST, default 127.0.0.1) sends through @strapi/provider-email-nodemailer to that
 * server, plain SMTP without TLS (the test's smtp-server on loopback). Without it Strapi's default
 * (sendmail) stays, which the playground never uses.
 */
function email(env) {
  if (!env('SMTP_PORT')) return {};
  return {
    email: {
      config: {
        provider: 'nodemailer',
        providerOptions: { host: env('SMTP_HOST', '127.0.0.1'), port: env.int('SMTP_PORT'), secure: false, ignoreTLS: true },
        settings: { defaultFrom: env('SMTP_FROM', 'strapi@playground.test'), defaultReplyTo: env('SMTP_FROM', 'strapi@playground.test') },
      },
    },
  };
}

export default ({ env }) => {
  const host = env('HOST', '127.0.0.1');
  const port = env.int('PORT', 1337);
  return {
    ...upload(env),
    ...email(env),
    'users-permissions': { config: { jwtSecret: env('JWT_SECRET', 'playground-jwt-secret') } },
    // GraphQL writes go through the Document Service too; tests/integration/strapi-clients.test.ts
    // proves they are captured. No landing page (Apollo's sandbox is not needed to serve /graphql).
    graphql: { enabled: true, config: { landingPage: false, playgroundAlways: false, depthLimit: 10, amountLimit: 100 } },
    'event-streaming': {
      enabled: true,
      resolve: pluginRoot(),
      config: {
        publicUrl: env('PUBLIC_URL', `http://${host}:${port}`),
        pullCron: env('EVENT_STREAMING_PULL_CRON', '*/1 * * * *'),
        siteName: env('SITE_NAME', 'playground'),
        // Tunable for tests: a short lease lets a site restarted after kill -9 resume pulling at
        // once (the dead process's lease would otherwise block it for up to leaseMs).
        leaseMs: env.int('EVENT_STREAMING_LEASE_MS', 60000),
        pullOnBoot: env.bool('EVENT_STREAMING_PULL_ON_BOOT', true),
        pageSize: env.int('EVENT_STREAMING_PAGE_SIZE', 100),
        // Tunable for the catch-up screenshot (tests/e2e/progress.test.ts): a pull that yields after one page.
        maxPagesPerPull: env.int('EVENT_STREAMING_MAX_PAGES_PER_PULL', 50),
        maxResponseBytes: env.int('EVENT_STREAMING_MAX_RESPONSE_BYTES', 20 * 1024 * 1024),
        maxBackfillPages: env.int('EVENT_STREAMING_MAX_BACKFILL_PAGES', 10000),
        bulkBackfill: env.bool('EVENT_STREAMING_BULK_BACKFILL', false),
        // Tunable for the budget tests: per-event budgets and the file size limit.
        maxDependenciesPerEvent: env.int('EVENT_STREAMING_MAX_DEPENDENCIES_PER_EVENT', 500),
        maxFilesPerEvent: env.int('EVENT_STREAMING_MAX_FILES_PER_EVENT', 100),
        maxFileBytes: env.int('EVENT_STREAMING_MAX_FILE_BYTES', 200 * 1024 * 1024),
        // Tunable for the benchmarks (bench/): log pruning schedule and retention.
        maintenanceCron: env('EVENT_STREAMING_MAINTENANCE_CRON', '17 * * * *'),
        retry: {
          baseDelayMs: env.int('EVENT_STREAMING_RETRY_BASE_MS', 5000),
          maxDelayMs: env.int('EVENT_STREAMING_RETRY_MAX_MS', 3600000),
          maxAttempts: env.int('EVENT_STREAMING_RETRY_ATTEMPTS', 40),
        },
        retention: {
          updateLogDays: env.float('EVENT_STREAMING_UPDATE_LOG_DAYS', 7),
          syncLogDays: env.float('EVENT_STREAMING_SYNC_LOG_DAYS', 30),
          maxConsumerLagDays: env.float('EVENT_STREAMING_MAX_CONSUMER_LAG_DAYS', 30),
          unacknowledgedUpdateLogDays: env('EVENT_STREAMING_UNACKED_LOG_DAYS') ? env.float('EVENT_STREAMING_UNACKED_LOG_DAYS') : null,
        },
        // Monitoring tests: the `alerts` config as JSON (tests/integration/monitoring.test.ts).
        ...(env('EVENT_STREAMING_ALERTS') ? { alerts: JSON.parse(env('EVENT_STREAMING_ALERTS')) } : {}),
        // Playground sites (demo, tests, benchmarks) talk to each other on this machine: loopback
        // is allowed unless EVENT_STREAMING_ALLOW_LOOPBACK=false (the plugin's default refuses it).
        // EVENT_STREAMING_ALLOWED_ADDRESSES adds addresses / CIDR ranges (comma-separated).
        outbound: {
          allowPrivateAddresses: env.bool('EVENT_STREAMING_ALLOW_PRIVATE_ADDRESSES', false),
          allowedAddresses: [
            ...(env.bool('EVENT_STREAMING_ALLOW_LOOPBACK', true) ? ['127.0.0.0/8', '::1'] : []),
            ...env.array('EVENT_STREAMING_ALLOWED_ADDRESSES', []).filter(Boolean),
          ],
          allowedHosts: [],
        },
      },
    },
  };
};
