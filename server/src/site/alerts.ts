import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { evaluateAlerts, type AlertMessage, type AlertState, type StreamStatus } from '../engine/alert-rules';
import { errorMessage, RemoteError } from '../engine/errors';
import type { HealthReport } from '../shared/contracts';
import { getService } from '../utils';
import { logSafe } from './log-safe';

const STATE_KEY = 'alert-state';

type EmailService = { send(options: { to: string | string[]; from?: string; subject: string; text: string }): Promise<unknown> };

/** Every stream of a health report as the alert rules see it. */
export function streamsOf(r: HealthReport): StreamStatus[] {
  return [
    ...r.producers.map((p) => ({
      key: `producer:${p.id}`,
      label: `Event Producer ${p.producerUrl}`,
      failing: Boolean(p.lastError) || p.failedEvents > 0,
      lagEvents: p.lagEvents,
      lagSeconds: p.lagSeconds,
    })),
    ...r.consumers.map((c) => ({
      key: `consumer:${c.id}`,
      label: `Event Consumer ${c.consumerName} (${c.consumerSiteId})`,
      failing: false,
      lagEvents: c.lagEvents,
      lagSeconds: c.lagSeconds,
    })),
  ];
}

const subjectOf = (m: AlertMessage, site: string) =>
  m.type === 'alert' ? `[${site}] event streaming: ${m.label} is ${m.reason}` : `[${site}] event streaming: ${m.label} recovered`;

/**
 * Alerts (config `alerts`): evaluated on every pull-cron tick against the health report. The
 * state (which streams are down since when, which were alerted) is kept in the plugin store, so a
 * restart neither resends an alert nor forgets a recovery it owes. A message whose every channel
 * failed is not marked sent: the next tick tries again.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });

  /** Sends one message to every configured channel; true when at least one took it. */
  const send = async (m: AlertMessage, siteId: string): Promise<boolean> => {
    const { alerts } = getService(strapi, 'settings').config();
    const site = getService(strapi, 'settings').config().siteName;
    let delivered = false;
    if (alerts.webhookUrl) {
      try {
        await getService(strapi, 'http').call({
          method: 'POST',
          baseUrl: alerts.webhookUrl,
          path: '',
          token: alerts.webhookToken ?? '',
          body: { ...m, site, siteId, subject: subjectOf(m, site), at: new Date().toISOString() },
        });
        delivered = true;
      } catch (error) {
        // A 2xx with a body that is not JSON (e.g. "ok") was still received.
        if (error instanceof RemoteError && error.status >= 200 && error.status < 300) delivered = true;
        else strapi.log.warn(logSafe`event-streaming: alert webhook failed: ${errorMessage(error)}`);
      }
    }
    if (alerts.email) {
      const email = strapi.plugin('email')?.service('email') as EmailService | undefined;
      if (!email) strapi.log.warn('event-streaming: alerts.email is set but the email plugin is not installed');
      else {
        try {
          const text = `${subjectOf(m, site)}\n\nDown since: ${m.downSince}\nLag: ${m.lagEvents} events, ${m.lagSeconds} s\nSite id: ${siteId}`;
          await email.send({
            to: alerts.email.to,
            ...(alerts.email.from ? { from: alerts.email.from } : {}),
            subject: subjectOf(m, site),
            text,
          });
          delivered = true;
        } catch (error) {
          strapi.log.warn(logSafe`event-streaming: alert email failed: ${errorMessage(error)}`);
        }
      }
    }
    return delivered;
  };

  return {
    /** Compares the report with the stored state; sends due alerts and recoveries; stores the new state. */
    async evaluate(report: HealthReport, now = Date.now()): Promise<AlertMessage[]> {
      const { alerts } = getService(strapi, 'settings').config();
      if (!alerts.webhookUrl && !alerts.email) return [];
      const prev = ((await store().get({ key: STATE_KEY })) as AlertState | null) ?? {};
      const { state, messages } = evaluateAlerts(prev, streamsOf(report), alerts, now);
      const sent: AlertMessage[] = [];
      for (const m of messages) {
        if (await send(m, report.siteId)) {
          sent.push(m);
          strapi.log.info(`event-streaming: ${m.type} sent for ${m.label}`);
        } else if (m.type === 'alert') state[m.key] = { ...state[m.key], alerted: false };
        else state[m.key] = { downSince: Date.parse(m.downSince), alerted: true }; // recovery owed: retried next tick
      }
      if (JSON.stringify(prev) !== JSON.stringify(state)) await store().set({ key: STATE_KEY, value: state });
      return sent;
    },
  };
};
