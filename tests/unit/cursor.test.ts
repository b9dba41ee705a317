import { MAX_CURSOR, cutPage, parseCursor, parseLimit, streamableTypes, type ServedSubscription } from '../../server/src/engine/cursor';
import { InputError } from '../../server/src/engine/errors';
import type { StreamEvent } from '../../server/src/shared/contracts';

const ev = (seq: number, contentType = 'api::a.a', originSiteId: string | null = 'producer'): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType,
  documentId: `d${seq}`,
  locale: null,
  data: { n: seq },
  originSiteId,
});

const sub = (contentType: string, extra: Partial<ServedSubscription> = {}): ServedSubscription => ({
  contentType,
  status: 'Approved',
  unsubscribed: false,
  approvedAtSeq: 0,
  ...extra,
});

const expectInputError = (fn: () => unknown, message?: RegExp) => {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InputError);
  if (message) expect((thrown as Error).message).toMatch(message);
};

describe('parseCursor', () => {
  it.each([
    ['0', 0],
    ['15', 15],
    ['007', 7],
    [String(MAX_CURSOR), MAX_CURSOR],
    [15, 15],
    [['42', 'junk'], 42],
  ])('accepts %p -> %p', (raw, expected) => {
    expect(parseCursor(raw)).toBe(expected);
  });

  it.each([undefined, null, '', []])('defaults %p to 0', (raw) => {
    expect(parseCursor(raw)).toBe(0);
  });

  it.each(['-1', '1.5', 'abc', '99999999999', ' 1', '1e3', '0x10', -1, 1.5, ['abc'], ['-1', '2']])('rejects %p', (raw) => {
    expectInputError(() => parseCursor(raw), /after must be/);
  });

  it('rejects a 10-digit number above MAX_CURSOR as out of range', () => {
    expectInputError(() => parseCursor(String(MAX_CURSOR + 1)), /^after is out of range$/);
    expectInputError(() => parseCursor('9999999999'), /out of range/);
  });

  it.each([{}, { $gt: '1' }, true, [{ a: 1 }]])('rejects the non-string %p', (raw) => {
    expectInputError(() => parseCursor(raw), /^after must be an integer$/);
  });

  it('names the field in its message', () => {
    expectInputError(() => parseCursor('x', 'since'), /^since must be a non-negative integer, got "x"$/);
  });
});

describe('parseLimit', () => {
  it('falls back when absent', () => {
    expect(parseLimit(undefined, 500, 100)).toBe(100);
    expect(parseLimit(null, 500, 100)).toBe(100);
    expect(parseLimit('', 500, 100)).toBe(100);
  });

  it('accepts a positive integer and caps it at max', () => {
    expect(parseLimit('15', 500, 100)).toBe(15);
    expect(parseLimit(['15', 'x'], 500, 100)).toBe(15);
    expect(parseLimit('1', 500, 100)).toBe(1);
    expect(parseLimit('900', 500, 100)).toBe(500);
  });

  it.each(['0', '-1', '1.5', 'abc', '9999999', ['abc'], {}, { $gt: 1 }])('rejects %p', (raw) => {
    expectInputError(() => parseLimit(raw, 500, 100), /^limit must be a positive integer$/);
  });
});

describe('streamableTypes', () => {
  it('keeps only Approved, not unsubscribed subscriptions, in order', () => {
    expect(
      streamableTypes([
        sub('api::a.a'),
        sub('api::b.b', { status: 'Pending' }),
        sub('api::c.c', { status: 'Rejected' }),
        sub('api::d.d', { unsubscribed: true }),
        sub('api::e.e', { approvedAtSeq: 9 }),
      ])
    ).toStrictEqual(['api::a.a', 'api::e.e']);
    expect(streamableTypes([])).toStrictEqual([]);
  });
});

describe('cutPage', () => {
  const base = { consumerSiteId: 'consumer', subscriptions: [sub('api::a.a')] };

  it('short page: nextCursor = head, no more', () => {
    const page = cutPage({ ...base, after: 0, head: 10, rows: [ev(3), ev(5)], limit: 5 });
    expect(page).toStrictEqual({ events: [ev(3), ev(5)], nextCursor: 10, hasMore: false });
  });

  it('empty page: nextCursor = head (never behind `after`)', () => {
    expect(cutPage({ ...base, after: 4, head: 9, rows: [], limit: 5 })).toStrictEqual({ events: [], nextCursor: 9, hasMore: false });
    expect(cutPage({ ...base, after: 4, head: 4, rows: [], limit: 5 })).toStrictEqual({ events: [], nextCursor: 4, hasMore: false });
    expect(cutPage({ ...base, after: 7, head: 4, rows: [], limit: 5 })).toStrictEqual({ events: [], nextCursor: 7, hasMore: false });
  });

  it('full page: nextCursor = last seq, hasMore while last < head', () => {
    const rows = [ev(1), ev(2), ev(4)];
    expect(cutPage({ ...base, after: 0, head: 10, rows, limit: 3 })).toStrictEqual({ events: rows, nextCursor: 4, hasMore: true });
  });

  it('full page ending at head: no more', () => {
    const rows = [ev(1), ev(2), ev(4)];
    expect(cutPage({ ...base, after: 0, head: 4, rows, limit: 3 })).toStrictEqual({ events: rows, nextCursor: 4, hasMore: false });
  });

  it('drops events of unapproved, rejected, unsubscribed and unknown types but moves the cursor past them', () => {
    const rows = [ev(1, 'api::a.a'), ev(2, 'api::p.p'), ev(3, 'api::r.r'), ev(4, 'api::u.u'), ev(5, 'api::x.x'), ev(6, 'api::a.a')];
    const subscriptions = [
      sub('api::a.a'),
      sub('api::p.p', { status: 'Pending' }),
      sub('api::r.r', { status: 'Rejected' }),
      sub('api::u.u', { unsubscribed: true }),
    ];
    const full = cutPage({ consumerSiteId: 'consumer', subscriptions, after: 0, head: 20, rows, limit: 6 });
    expect(full).toStrictEqual({ events: [ev(1, 'api::a.a'), ev(6, 'api::a.a')], nextCursor: 6, hasMore: true });
    const short = cutPage({ consumerSiteId: 'consumer', subscriptions, after: 0, head: 20, rows: rows.slice(1, 5), limit: 6 });
    expect(short).toStrictEqual({ events: [], nextCursor: 20, hasMore: false });
  });

  it('drops events at or below approvedAtSeq of their type', () => {
    const rows = [ev(4, 'api::a.a'), ev(5, 'api::a.a'), ev(6, 'api::a.a'), ev(2, 'api::b.b')];
    const subscriptions = [sub('api::a.a', { approvedAtSeq: 5 }), sub('api::b.b', { approvedAtSeq: null })];
    const page = cutPage({ consumerSiteId: 'consumer', subscriptions, after: 0, head: 6, rows, limit: 4 });
    expect(page.events.map((e) => e.seq)).toStrictEqual([6, 2]);
    expect(page.nextCursor).toBe(2);
  });

  it("drops the consumer's own changes coming back, but not events without an origin", () => {
    const rows = [ev(1, 'api::a.a', 'consumer'), ev(2, 'api::a.a', null), ev(3, 'api::a.a', 'other')];
    const page = cutPage({ ...base, after: 0, head: 3, rows, limit: 10 });
    expect(page).toStrictEqual({ events: [ev(2, 'api::a.a', null), ev(3, 'api::a.a', 'other')], nextCursor: 3, hasMore: false });
  });

  it('full page made only of dropped events: cursor still moves to the last scanned seq', () => {
    const rows = [ev(11, 'api::a.a', 'consumer'), ev(12, 'api::a.a', 'consumer')];
    expect(cutPage({ ...base, after: 10, head: 50, rows, limit: 2 })).toStrictEqual({ events: [], nextCursor: 12, hasMore: true });
  });
});
