import { ROUTES } from '../protocol/wire';

/**
 * Site-to-site API, prefix `API_PREFIX` (protocol/wire.ts), authenticated by API tokens. A custom token
 * needs the matching `plugin::event-streaming.stream.<action>` permission (see README).
 */
export default {
  type: 'content-api' as const,
  routes: [
    { method: 'POST', path: ROUTES.register, handler: 'stream.register', config: { policies: [] } },
    { method: 'DELETE', path: ROUTES.register, handler: 'stream.deregister', config: { policies: [] } },
    { method: 'GET', path: ROUTES.updates, handler: 'stream.pull', config: { policies: [] } },
    { method: 'GET', path: ROUTES.listDocuments, handler: 'stream.listDocuments', config: { policies: [] } },
    { method: 'GET', path: ROUTES.fetchDocument, handler: 'stream.fetchDocument', config: { policies: [] } },
    { method: 'GET', path: ROUTES.fetchFile, handler: 'stream.fetchFile', config: { policies: [] } },
    { method: 'POST', path: ROUTES.notify, handler: 'stream.notify', config: { policies: [] } },
    // Schema check (issue 16, point 8): the streamed fields of the consumer's types.
    { method: 'GET', path: ROUTES.schema, handler: 'stream.schema', config: { policies: [] } },
    // Push mode (README "Push mode"): this site as the consumer of a producer that cannot be called.
    { method: 'POST', path: ROUTES.push, handler: 'push.receive', config: { policies: [] } },
    { method: 'POST', path: ROUTES.pushFile, handler: 'push.receiveFile', config: { policies: [] } },
    // Monitoring (README "Monitoring"): an API token with the monitor.health permission.
    { method: 'GET', path: ROUTES.health, handler: 'monitor.health', config: { policies: [] } },
    { method: 'GET', path: ROUTES.metrics, handler: 'monitor.health', config: { policies: [] } },
  ],
};
