import { ACTIONS } from '../constants';

/** Admin API, prefix /event-streaming: an authenticated admin holding the named RBAC action. */
const guard = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
});

const route = (method: string, path: string, handler: string, action: string) => ({ method, path, handler, config: guard(action) });

export default {
  type: 'admin' as const,
  routes: [
    route('GET', '/site', 'meta.site', ACTIONS.read),
    route('GET', '/content-types', 'meta.contentTypes', ACTIONS.read),
    route('GET', '/documents/origin', 'meta.origin', ACTIONS.read),

    route('GET', '/producers', 'producers.find', ACTIONS.read),
    route('POST', '/producers', 'producers.create', ACTIONS.configureProducers),
    route('GET', '/producers/:id', 'producers.findOne', ACTIONS.read),
    route('PUT', '/producers/:id', 'producers.update', ACTIONS.configureProducers),
    route('DELETE', '/producers/:id', 'producers.delete', ACTIONS.configureProducers),
    route('POST', '/producers/:id/pull', 'producers.pull', ACTIONS.resync),
    route('POST', '/producers/:id/backfill', 'producers.backfill', ACTIONS.resync),
    route('GET', '/producers/:id/backfill', 'producers.backfills', ACTIONS.read),

    route('GET', '/consumers', 'consumers.find', ACTIONS.read),
    route('GET', '/consumers/:id', 'consumers.findOne', ACTIONS.read),
    route('PUT', '/consumers/:id/subscriptions', 'consumers.setSubscriptions', ACTIONS.approve),
    route('POST', '/consumers/:id/callback/approve', 'consumers.approveCallback', ACTIONS.approve),
    route('DELETE', '/consumers/:id', 'consumers.delete', ACTIONS.approve),
    // Conditions (issue 14): how many documents a condition matches (checks it as saving would).
    route('POST', '/consumers/count-matching', 'consumers.countMatching', ACTIONS.read),
    // Push mode (README "Push mode"): connect a consumer that cannot call this site; push to it now.
    route('POST', '/consumers/push', 'push.connect', ACTIONS.approve),
    route('POST', '/consumers/:id/push', 'push.pushNow', ACTIONS.approve),

    route('GET', '/update-logs', 'logs.updateLogs', ACTIONS.read),
    route('GET', '/sync-logs', 'logs.syncLogs', ACTIONS.read),
    route('POST', '/sync-logs/resync-failed', 'logs.resyncFailed', ACTIONS.resync),
    route('GET', '/sync-logs/:id', 'logs.syncLog', ACTIONS.read),
    route('POST', '/sync-logs/:id/resync', 'logs.resync', ACTIONS.resync),

    route('GET', '/metrics/:peer/:id', 'monitor.series', ACTIONS.read),

    route('GET', '/mappings', 'mappings.find', ACTIONS.read),
    route('POST', '/mappings', 'mappings.create', ACTIONS.configureMappings),
    route('GET', '/mappings/:id', 'mappings.findOne', ACTIONS.read),
    route('PUT', '/mappings/:id', 'mappings.update', ACTIONS.configureMappings),
    route('DELETE', '/mappings/:id', 'mappings.delete', ACTIONS.configureMappings),

    // Schema check before streaming (issue 16, point 8): what does not fit, per subscription.
    route('GET', '/producers/:id/schema-check', 'schema-check.producer', ACTIONS.read),
    route('GET', '/mappings/:id/schema-check', 'schema-check.mapping', ACTIONS.read),
    // Review queue (issue 15): held incoming changes, decided by an editor.
    route('GET', '/reviews', 'review.find', ACTIONS.review),
    route('POST', '/reviews/accept-all', 'review.acceptAll', ACTIONS.review),
    route('POST', '/reviews/:id/accept', 'review.accept', ACTIONS.review),
    route('POST', '/reviews/:id/reject', 'review.reject', ACTIONS.review),
  ],
};
