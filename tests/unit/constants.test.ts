import { PRODUCER_TOKEN_PERMISSIONS, STREAM_ACTIONS } from '../../server/src/constants';
import contentApi from '../../server/src/routes/content-api';

const { PRODUCER_TOKEN_PERMISSIONS: JS_COPY } = require('../helpers/permissions');

test('the JS copy used by the demo and benchmarks equals the server constant', () => {
  expect(JS_COPY).toStrictEqual([...PRODUCER_TOKEN_PERMISSIONS]);
});

test('every site-to-site route handler has its STREAM_ACTIONS entry, and nothing ends in find/findOne (read-only tokens reach none)', () => {
  const actions = contentApi.routes.map((r) => `plugin::event-streaming.${r.handler}`);
  expect(new Set(actions)).toStrictEqual(new Set(Object.values(STREAM_ACTIONS)));
  for (const a of actions) expect(a).not.toMatch(/find(One)?$/);
});
