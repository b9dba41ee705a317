/** Every identifier the plugin owns, in one place. */
export const PLUGIN_ID = 'event-streaming' as const;

export const UID = {
  producer: 'plugin::event-streaming.event-producer',
  consumer: 'plugin::event-streaming.event-consumer',
  updateLog: 'plugin::event-streaming.event-update-log',
  syncLog: 'plugin::event-streaming.event-sync-log',
  mapping: 'plugin::event-streaming.document-type-mapping',
  remoteReference: 'plugin::event-streaming.remote-reference',
} as const;

/**
 * The producer's outbox (not a content type: a plain table the plugin creates in bootstrap, one
 * `entry` JSON column and its primary key). Capture appends to it in the write's transaction; the
 * sequencer moves committed entries into the update log. See services/update-log.ts.
 */
export const OUTBOX_TABLE = 'event_streaming_outbox';

/** Admin RBAC actions (registered in bootstrap, checked by every admin route). */
export const ACTIONS = {
  read: 'plugin::event-streaming.read',
  approve: 'plugin::event-streaming.approve',
  configureProducers: 'plugin::event-streaming.configure-producers',
  resync: 'plugin::event-streaming.resync',
  configureMappings: 'plugin::event-streaming.configure-mappings',
} as const;

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
} as const;

/** What a producer's API token must allow, for the consumer to stream from it. */
export const PRODUCER_TOKEN_PERMISSIONS = [
  STREAM_ACTIONS.register,
  STREAM_ACTIONS.deregister,
  STREAM_ACTIONS.pull,
  STREAM_ACTIONS.fetchDocument,
  STREAM_ACTIONS.fetchFile,
  STREAM_ACTIONS.listDocuments,
] as const;

/** What the callback token the consumer mints for its producer allows: a poke, nothing else. */
export const CALLBACK_TOKEN_PERMISSIONS = [STREAM_ACTIONS.notify] as const;

export const CRON_PULL_JOB = 'eventStreamingPull';
export const CRON_MAINTENANCE_JOB = 'eventStreamingMaintenance';

/** Header a site sends with every site-to-site request so the peer can check who is calling. */
export const SITE_HEADER = 'x-event-streaming-site';
