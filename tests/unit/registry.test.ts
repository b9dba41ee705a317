/**
 * The pure rules of registration on the producer (producer/consumer-registry.ts) and the log
 * escaping of peer data (site/log-safe.ts).
 */
import { callbackChange, mergeSubscriptions } from '../../server/src/producer/consumer-registry';
import { isStale, type ConsumerRow } from '../../server/src/producer/consumer-store';
import { escapeForLog, logSafe } from '../../server/src/site/log-safe';
import type { ConsumerSubscription } from '../../server/src/shared/contracts';

const approved: ConsumerSubscription = {
  contentType: 'api::a.a',
  status: 'Approved',
  unsubscribed: false,
  approvedAtSeq: 7,
  condition: null,
};
const row = (over: Partial<ConsumerRow> = {}): ConsumerRow => ({
  id: 1,
  documentId: 'd',
  consumerSiteId: 'site-0001',
  consumerName: 'c',
  callbackUrl: 'http://old.example',
  callbackToken: 'old-token',
  pendingCallbackUrl: null,
  pendingCallbackToken: null,
  callbackChangeRequestedAt: null,
  apiTokenId: 3,
  subscriptions: [approved],
  lastSeenAt: null,
  ackSeq: 0,
  notifiedSeq: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('mergeSubscriptions', () => {
  test('unsubscribing keeps status and approval; subscribing again restores them', () => {
    const off = mergeSubscriptions([approved], [{ contentType: 'api::a.a', unsubscribed: true }]);
    expect(off).toEqual([{ ...approved, unsubscribed: true }]);
    expect(mergeSubscriptions(off, [{ contentType: 'api::a.a', unsubscribed: false }])).toEqual([approved]);
  });
  test('a new type starts Pending (also when listed unsubscribed); an unlisted one is dropped', () => {
    expect(mergeSubscriptions([approved], [{ contentType: 'api::b.b', unsubscribed: true }])).toEqual([
      { contentType: 'api::b.b', status: 'Pending', unsubscribed: true, approvedAtSeq: null, condition: null },
    ]);
  });
});

describe('callbackChange', () => {
  const req = (callbackUrl: string | null, callbackToken: string | null = callbackUrl ? 'tok' : null) => ({ callbackUrl, callbackToken });
  test('a new consumer, or one with nothing approved yet, takes the URL at once', () => {
    expect(callbackChange(null, req('http://a'))).toMatchObject({ callbackUrl: 'http://a', pendingCallbackUrl: null });
    const pending = row({ subscriptions: [{ ...approved, status: 'Pending' }] });
    expect(callbackChange(pending, req('http://new'))).toMatchObject({ callbackUrl: 'http://new', pendingCallbackUrl: null });
  });
  test('after an approval a different URL is held pending; the approved one is untouched', () => {
    const change = callbackChange(row(), req('http://new'));
    expect(change).toMatchObject({ pendingCallbackUrl: 'http://new', pendingCallbackToken: 'tok' });
    expect(change).not.toHaveProperty('callbackUrl');
    expect(change).not.toHaveProperty('callbackToken');
  });
  test('the same URL again, or going pull-only, needs no approval and drops a pending change', () => {
    const waiting = row({ pendingCallbackUrl: 'http://new' });
    expect(callbackChange(waiting, req('http://old.example', 'rotated'))).toMatchObject({
      callbackUrl: 'http://old.example',
      callbackToken: 'rotated',
      pendingCallbackUrl: null,
    });
    expect(callbackChange(waiting, req(null))).toMatchObject({ callbackUrl: null, callbackToken: null, pendingCallbackUrl: null });
  });
  test('the token is stored encrypted', () => {
    expect(callbackChange(row(), req('http://new'), (t) => `enc(${t})`)).toMatchObject({ pendingCallbackToken: 'enc(tok)' });
  });
});

describe('isStale', () => {
  const now = Date.parse('2026-02-01T00:00:00.000Z');
  test('by the last pull, or the registration when it never pulled', () => {
    expect(isStale({ lastSeenAt: '2026-01-30T00:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z' }, 30, now)).toBe(false);
    expect(isStale({ lastSeenAt: '2025-12-01T00:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z' }, 30, now)).toBe(true);
    expect(isStale({ lastSeenAt: null, createdAt: '2025-12-01T00:00:00.000Z' }, 30, now)).toBe(true);
  });
});

describe('log-safe', () => {
  test('control characters, line separators and ANSI escapes are escaped; the literal text is kept', () => {
    const name = 'A\nB\r\tC\u001b[31m\u0000\u2028\u0085';
    const line = logSafe`consumer "${name}" (${42}) registered\n`;
    expect(line).toBe('consumer "A\\nB\\r\\tC\\u001b[31m\\u0000\\u2028\\u0085" (42) registered\n');
    expect(line.split('\n')).toHaveLength(2);
  });
  test('long values are cut with their length named', () => {
    expect(escapeForLog('x'.repeat(600))).toBe(`${'x'.repeat(500)}…(+100 chars)`);
    expect(escapeForLog('é ok')).toBe('é ok');
  });
});
