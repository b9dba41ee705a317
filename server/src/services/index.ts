/**
 * The plugin's services, by the side of the stream they serve. A site can be both a producer
 * and a consumer.
 *
 * - site/      this site: identity, config and secrets, schemas, reading documents, outbound HTTP
 * - producer/  capture -> outbox -> sequencer (update log) -> serving pages, documents, files to
 *              registered consumers (their registry and approvals) -> notifications
 * - consumer/  the Event Producers this site subscribes to -> pulling with lease and cursor ->
 *              applying (engine/apply) -> sync log, resync and retries -> back-fill; mappings
 */
import settings from '../site/settings';
import schema from '../site/schema';
import http from '../site/http';
import documents from '../site/documents';
import capture from '../producer/capture';
import updateLog from '../producer/update-log';
import notifier from '../producer/notifier';
import consumerStore from '../producer/consumer-store';
import consumerRegistry from '../producer/consumer-registry';
import serve from '../producer/serve';
import conditions from '../producer/conditions';
import producerFiles from '../producer/files';
import producerStore from '../consumer/producer-store';
import producerRegistry from '../consumer/producer-registry';
import producerClient from '../consumer/producer-client';
import applier from '../consumer/applier';
import references from '../consumer/references';
import files from '../consumer/files';
import puller from '../consumer/puller';
import syncLog from '../consumer/sync-log';
import resync from '../consumer/resync';
import mappings from '../consumer/mappings';
import backfill from '../consumer/backfill';
import exclusion from '../consumer/exclusion';
import metrics from '../site/metrics';
import alerts from '../site/alerts';
// Schema check (issue 16, point 8)
import producerSchema from '../producer/schema-describe';
import schemaCheck from '../consumer/schema-check';
// Push mode (README "Push mode")
import pushReceiver from '../consumer/push-receiver';
import pusher from '../producer/push';
import review from '../consumer/review';
import reviewDecisions from '../consumer/review-decisions';

export default {
  settings,
  schema,
  http,
  documents,
  capture,
  'update-log': updateLog,
  notifier,
  'consumer-store': consumerStore,
  'consumer-registry': consumerRegistry,
  serve,
  conditions,
  'producer-files': producerFiles,
  'producer-store': producerStore,
  'producer-registry': producerRegistry,
  'producer-client': producerClient,
  applier,
  references,
  files,
  puller,
  'sync-log': syncLog,
  resync,
  mappings,
  backfill,
  exclusion,
  metrics,
  alerts,
  // Schema check (issue 16, point 8)
  'producer-schema': producerSchema,
  'schema-check': schemaCheck,
  'push-receiver': pushReceiver,
  pusher,
  review,
  'review-decisions': reviewDecisions,
};
