import { catchUpOf } from '../../admin/src/pages/producers/catchUp';
import type { EventProducer, MetricPoint } from '../../server/src/shared/contracts';

const producer = (producerHeadSeq: number, lastPulledSeq: number) => ({ producerHeadSeq, lastPulledSeq }) as EventProducer;
const point = (lagEvents: number): MetricPoint => ({ minute: '2026-01-01T00:00:00.000Z', events: 0, lagEvents, lagSeconds: 0 });

describe('catchUpOf (the Producer page’s catch-up bar)', () => {
  test('nothing behind and no recent lag: no bar', () => {
    expect(catchUpOf(producer(10, 10), [point(0), point(0)])).toBeNull();
  });
  test('the bar starts from the peak of the newest run of lagged minutes, not from older episodes', () => {
    expect(catchUpOf(producer(100, 75), [point(500), point(0), point(40), point(100), point(60)])).toEqual({
      behind: 25,
      peak: 100,
      percent: 75,
    });
  });
  test('behind more than any sample (the current minute not sampled yet): the bar starts at 0 %', () => {
    expect(catchUpOf(producer(30, 0), [])).toEqual({ behind: 30, peak: 30, percent: 0 });
  });
  test('caught up just now: 100 % while the lagged minutes are the newest', () => {
    expect(catchUpOf(producer(50, 50), [point(20)])).toEqual({ behind: 0, peak: 20, percent: 100 });
  });
});
