/** Every identifier the plugin owns, in one place. */
export const PLUGIN_ID = 'event-streaming' as const;

export const UID = {
  producer: 'plugin::event-streaming.event-producer',
  consumer: 'plugin::event-streaming.event-consumer',
  updateLog: 'plugin::event-streaming.event-update-log',
  syncLog: 'plugin::event-streaming.event-sync-log',
  mapping: 'plugin::event-streaming.document-type-mapping',
  remoteReference: 'plugin::event-streaming.remote-reference',
  metric: 'plugin::event-streaming.stream-metric',
} as const;

/**
 * The producer's outbox (not a content type: a plain table the plugin creates in bootstrap, one
 * `entry` JSON column and its primary key). Capture appends to it in the write's transaction; the
 * sequencer moves committed entries into the update log. See services/update-log.ts.
 */
export const OUTBOX_TABLE = 'event_streaming_outbox';

/** One admin RBAC action: its key in ACTIONS, its uid under the plugin, its label in the Roles editor. */
const rbac = <K extends string, U extends string>(key: K, uid: U, displayName: string) =>
  ({ key, uid, displayName, action: `plugin::${PLUGIN_ID}.${uid}` }) as const;

/**
 * The admin RBAC actions, declared once: bootstrap registers them (section "plugins"), the admin
 * routes check them (via ACTIONS), the admin panel can import them. Strapi-free.
 */
export const RBAC_ACTIONS = [
  rbac('read', 'read', 'Read streams, logs and mappings'),
  rbac('approve', 'approve', 'Approve or reject consumers'),
  rbac('configureProducers', 'configure-producers', 'Configure Event Producers'),
  rbac('resync', 'resync', 'Pull, back-fill and resync'),
  rbac('configureMappings', 'configure-mappings', 'Configure Document Type Mappings'),
  rbac('review', 'review', 'Review incoming changes (accept or reject)'),
] as const;

type RbacAction = (typeof RBAC_ACTIONS)[number];

/** Action id by key, e.g. `ACTIONS.read === 'plugin::event-streaming.read'` (checked by every admin route). */
export const ACTIONS = Object.fromEntries(RBAC_ACTIONS.map((a) => [a.key, a.action])) as {
  readonly [A in RbacAction as A['key']]: A['action'];
};

/**
 * Content-API actions of the site-to-site routes, as a custom API token lists them
 * (`plugin::event-streaming.<controller>.<action>`). None ends in `find`/`findOne`,
 * so a read-only API token reaches none of them.
 */
export const STREAM_ACTIONS = {
  register: 'plugin::event-streaming.stream.register',
  deregister: 'plugin::event-streaming.stream.deregister',
  pull: 'plugin::event-streaming.stream.pull',
  fetchDocument: 'plugin::event-streaming.stream.fetchDocument',
  fetchFile: 'plugin::event-streaming.stream.fetchFile',
  listDocuments: 'plugin::event-streaming.stream.listDocuments',
  notify: 'plugin::event-streaming.stream.notify',
  /** The streamed fields of the consumer's types (schema check, issue 16 point 8). */
  schema: 'plugin::event-streaming.stream.schema',
  /** Push mode (README "Push mode"): a producer that cannot be called sends its pages (and files) to this site. */
  push: 'plugin::event-streaming.push.receive',
  pushFile: 'plugin::event-streaming.push.receiveFile',
  /** The health endpoint (GET ROUTES.health and ROUTES.metrics of protocol/wire.ts): grant it alone to a monitoring token. */
  health: 'plugin::event-streaming.monitor.health',
} as const;

/** What a producer's API token must allow, for the consumer to stream from it. */
export const PRODUCER_TOKEN_PERMISSIONS = [
  STREAM_ACTIONS.register,
  STREAM_ACTIONS.deregister,
  STREAM_ACTIONS.pull,
  STREAM_ACTIONS.fetchDocument,
  STREAM_ACTIONS.fetchFile,
  STREAM_ACTIONS.listDocuments,
  STREAM_ACTIONS.schema,
] as const;

/** What the callback token the consumer mints for its producer allows: a poke, nothing else. */
export const CALLBACK_TOKEN_PERMISSIONS = [STREAM_ACTIONS.notify] as const;

/** What the push token a consumer mints for a push-mode producer allows: pushing pages and files, nothing else. */
export const PUSH_TOKEN_PERMISSIONS = [STREAM_ACTIONS.push, STREAM_ACTIONS.pushFile] as const;

export const CRON_PULL_JOB = 'eventStreamingPull';
export const CRON_MAINTENANCE_JOB = 'eventStreamingMaintenance';
