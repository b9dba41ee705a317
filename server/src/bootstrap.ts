import type { Core } from '@strapi/strapi';
import { CRON_MAINTENANCE_JOB, CRON_PULL_JOB, PLUGIN_ID, RBAC_ACTIONS } from './constants';
import { errorMessage } from './engine/errors';
import { ensureUniqueKeys } from './consumer/unique-keys';
import { getService } from './utils';
import { logSafe } from './site/log-safe';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'settings').init();
  // Before anything can be captured (capture appends to it inside write transactions).
  await getService(strapi, 'update-log').ensureOutbox();
  // Conditions: what each consumer holds of a conditioned type (producer/conditions.ts).
  await getService(strapi, 'conditions').ensureTable();

  // The admin RBAC actions, declared once in constants.ts (RBAC_ACTIONS): plugin::event-streaming.<uid>.
  await strapi
    .service('admin::permission')
    .actionProvider.registerMany(
      RBAC_ACTIONS.map(({ uid, displayName }) => ({ section: 'plugins', displayName, uid, pluginName: PLUGIN_ID }))
    );

  const cfg = getService(strapi, 'settings').config();
  strapi.cron.add({
    [CRON_PULL_JOB]: {
      // Closes over this plugin's strapi (cron passes the global one).
      task: async () => {
        try {
          await getService(strapi, 'puller').tick();
        } catch (error) {
          strapi.log.warn(logSafe`event-streaming: periodic pull failed: ${errorMessage(error)}`);
        }
        try {
          // Push mode: every push-mode consumer gets a push session (a consumer that was offline catches up).
          await getService(strapi, 'pusher').tick();
        } catch (error) {
          strapi.log.warn(logSafe`event-streaming: periodic push failed: ${errorMessage(error)}`);
        }
        try {
          // Monitoring: this minute's counters of every stream, then the alerts on the same report.
          await getService(strapi, 'alerts').evaluate(await getService(strapi, 'metrics').sample());
        } catch (error) {
          strapi.log.warn(`event-streaming: monitoring failed: ${errorMessage(error)}`);
        }
      },
      options: { rule: cfg.pullCron },
    },
    [CRON_MAINTENANCE_JOB]: {
      task: async () => {
        try {
          const c = getService(strapi, 'settings').config();
          const logs = await getService(strapi, 'update-log').prune(
            c.retention.updateLogDays,
            c.retention.unacknowledgedUpdateLogDays ?? null
          );
          const syncs = await getService(strapi, 'sync-log').prune(c.retention.syncLogDays);
          const metrics = await getService(strapi, 'metrics').prune();
          if (logs || syncs || metrics)
            strapi.log.info(`event-streaming: pruned ${logs} update-log, ${syncs} sync-log and ${metrics} metric rows`);
        } catch (error) {
          strapi.log.warn(`event-streaming: pruning failed: ${errorMessage(error)}`);
        }
      },
      options: { rule: cfg.maintenanceCron },
    },
  });

  // Entries written before a crash or a stop may still wait in the outbox: sequence them now.
  await getService(strapi, 'update-log').sequence();

  // Consumer: one sync-log row per event and one reference per remote document (upgrades dedupe first).
  await ensureUniqueKeys(strapi);

  // Consumer: resume at once after a restart (also after kill -9), not at the next cron tick.
  await getService(strapi, 'puller').boot();
};
