import eventProducer from './event-producer';
import eventConsumer from './event-consumer';
import eventUpdateLog from './event-update-log';
import eventSyncLog from './event-sync-log';
import documentTypeMapping from './document-type-mapping';
import remoteReference from './remote-reference';
import streamMetric from './stream-metric';

export default {
  'event-producer': eventProducer,
  'event-consumer': eventConsumer,
  'event-update-log': eventUpdateLog,
  'event-sync-log': eventSyncLog,
  'document-type-mapping': documentTypeMapping,
  'remote-reference': remoteReference,
  'stream-metric': streamMetric,
};
