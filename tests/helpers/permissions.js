'use strict';
/**
 * The content-API permissions a consumer needs on the producer's API token (README, "Setting up
 * two sites by hand"). Plain JS so the demo and the benchmarks can use it; a unit test checks it
 * equals PRODUCER_TOKEN_PERMISSIONS in server/src/constants.ts.
 */
module.exports.PRODUCER_TOKEN_PERMISSIONS = [
  'plugin::event-streaming.stream.register',
  'plugin::event-streaming.stream.deregister',
  'plugin::event-streaming.stream.pull',
  'plugin::event-streaming.stream.fetchDocument',
  'plugin::event-streaming.stream.fetchFile',
  'plugin::event-streaming.stream.listDocuments',
  'plugin::event-streaming.stream.schema',
];
