/**
 * Push mode in the admin (README "Push mode"): the body "Connect a push consumer" sends is checked
 * with the same rules and messages as the server's `push.connect`, and the push-mode producer body
 * the create form sends (no API token) is one the server accepts.
 */
import { check, isSchemaError, schemaIssues } from '../../server/src/shared/validation/check';
import { CONSUMER_URL_MESSAGE, connectPushSchema, PUSH_TOKEN_MESSAGE } from '../../server/src/shared/validation/push';
import { createProducerSchema } from '../../server/src/shared/validation/producers';

const messages = (schema: Parameters<typeof check>[0], value: unknown): string[] => {
  try {
    check(schema, value);
    return [];
  } catch (error) {
    if (!isSchemaError(error)) throw error;
    return schemaIssues(error).map((i) => i.message);
  }
};

test('connect: a consumer URL and a push token pass', () => {
  expect(messages(connectPushSchema, { consumerUrl: 'https://branch.example.com', token: 'a'.repeat(64) })).toEqual([]);
});

test.each([
  [{ consumerUrl: '', token: 'a'.repeat(64) }, CONSUMER_URL_MESSAGE],
  [{ consumerUrl: 'ftp://branch.example.com', token: 'a'.repeat(64) }, CONSUMER_URL_MESSAGE],
  [{ consumerUrl: 'https://branch.example.com', token: 'short' }, PUSH_TOKEN_MESSAGE],
  [{ consumerUrl: 'https://branch.example.com', token: 'has a space' }, PUSH_TOKEN_MESSAGE],
  [{ consumerUrl: 'https://branch.example.com' }, PUSH_TOKEN_MESSAGE],
  [{ consumerUrl: 'https://branch.example.com', token: 'a'.repeat(64), extra: 1 }, 'Unknown field(s): extra'],
])('connect: %j is refused', (body, message) => {
  expect(messages(connectPushSchema, body)).toContain(message);
});

test('create: a push-mode producer needs no API token; a pull-mode one does', () => {
  const base = { producerUrl: 'https://hq.example.com', subscriptions: [{ contentType: 'api::customer.customer' }] };
  expect(messages(createProducerSchema, { ...base, mode: 'push', backfillOnApproval: false, linkRule: null })).toEqual([]);
  expect(messages(createProducerSchema, { ...base, mode: 'pull' })).toContain(
    'apiToken must be the producer API token (8-1024 visible characters)'
  );
});
