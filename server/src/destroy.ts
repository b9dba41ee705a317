import type { Core } from '@strapi/strapi';
import { CRON_MAINTENANCE_JOB, CRON_PULL_JOB } from './constants';
import { getService } from './utils';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.cron.remove(CRON_PULL_JOB);
  strapi.cron.remove(CRON_MAINTENANCE_JOB);
  getService(strapi, 'notifier').stop();
  getService(strapi, 'puller').stop();
  getService(strapi, 'pusher').stop();
  await getService(strapi, 'notifier').idle();
  await getService(strapi, 'puller').idle();
  await getService(strapi, 'pusher').idle();
  await getService(strapi, 'metrics').flush();
  await getService(strapi, 'consumer-store').flushAcknowledgements();
};
