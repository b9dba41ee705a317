import settings from './settings';
import schema from './schema';
import http from './http';
import documents from './documents';
import capture from './capture';
import updateLog from './update-log';
import notifier from './notifier';
import consumers from './consumers';
import producers from './producers';
import applier from './applier';
import puller from './puller';
import syncLog from './sync-log';
import mappings from './mappings';
import backfill from './backfill';

export default {
  settings,
  schema,
  http,
  documents,
  capture,
  'update-log': updateLog,
  notifier,
  consumers,
  producers,
  applier,
  puller,
  'sync-log': syncLog,
  mappings,
  backfill,
};
