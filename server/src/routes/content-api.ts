/**
 * Site-to-site API, prefix /api/event-streaming, authenticated by API tokens. A custom token
 * needs the matching `plugin::event-streaming.stream.<action>` permission (see README).
 */
export default {
  type: 'content-api' as const,
  routes: [
    { method: 'POST', path: '/register', handler: 'stream.register', config: { policies: [] } },
    { method: 'DELETE', path: '/register', handler: 'stream.deregister', config: { policies: [] } },
    { method: 'GET', path: '/updates', handler: 'stream.pull', config: { policies: [] } },
    { method: 'GET', path: '/documents/:uid', handler: 'stream.listDocuments', config: { policies: [] } },
    { method: 'GET', path: '/documents/:uid/:documentId', handler: 'stream.fetchDocument', config: { policies: [] } },
    { method: 'GET', path: '/files/:fileId', handler: 'stream.fetchFile', config: { policies: [] } },
    { method: 'POST', path: '/notify', handler: 'stream.notify', config: { policies: [] } },
  ],
};
