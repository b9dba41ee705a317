import { boundByBytes } from '../../server/src/engine/page-size';
import { cutPage } from '../../server/src/engine/cursor';

const size = (n: number) => n;

describe('boundByBytes: pages bounded by bytes as well as by count', () => {
  it('keeps the longest prefix within the budget', () => {
    expect(boundByBytes([4, 4, 4, 4], 10, size)).toEqual([4, 4]);
    expect(boundByBytes([4, 4, 2], 10, size)).toEqual([4, 4, 2]);
  });

  it('serves one event larger than the budget alone (never an empty page for a non-empty log)', () => {
    expect(boundByBytes([50, 1], 10, size)).toEqual([50]);
    expect(boundByBytes([], 10, size)).toEqual([]);
  });

  it('returns the same rows when they fit', () => {
    const rows = [1, 2, 3];
    expect(boundByBytes(rows, 100, size)).toBe(rows);
  });

  it('a cut page ends on its last row and says there is more (the cursor moves past exactly what was served)', () => {
    const rows = [1, 2, 3, 4].map((seq) => ({ seq, contentType: 'api::a.a', originSiteId: 'p', data: 'x'.repeat(8) }));
    const kept = boundByBytes(rows, 20, (r) => JSON.stringify(r.data).length);
    expect(kept.map((r) => r.seq)).toEqual([1, 2]);
    const subscriptions = [{ contentType: 'api::a.a', status: 'Approved' as const, unsubscribed: false, approvedAtSeq: 0 }];
    const page = cutPage({
      after: 0,
      head: 4,
      rows: kept as never,
      limit: kept.length,
      subscriptions: subscriptions as never,
      consumerSiteId: 'c',
    });
    expect(page.nextCursor).toBe(2);
    expect(page.hasMore).toBe(true);
    expect(page.events).toHaveLength(2);
  });
});

describe('needsAck: idle polls write nothing', () => {
  const { needsAck, SEEN_REFRESH_MS } = jest.requireActual('../../server/src/producer/consumer-store');
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  it('writes when the acknowledgement moves', () => {
    expect(needsAck({ ackSeq: 5, lastSeenAt: new Date(now).toISOString() }, 6, now)).toBe(true);
  });
  it('skips an unchanged acknowledgement seen recently, refreshes an old or missing lastSeenAt', () => {
    expect(needsAck({ ackSeq: 5, lastSeenAt: new Date(now - 1000).toISOString() }, 5, now)).toBe(false);
    expect(needsAck({ ackSeq: 5, lastSeenAt: new Date(now - SEEN_REFRESH_MS - 1).toISOString() }, 5, now)).toBe(true);
    expect(needsAck({ ackSeq: 5, lastSeenAt: null }, 5, now)).toBe(true);
  });
});
