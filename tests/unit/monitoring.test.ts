/** Issue 16 (5): the alert rules (sent once, one recovery, nothing resent from the same state) and the Prometheus text format. */
import { evaluateAlerts, type AlertState, type StreamStatus } from '../../server/src/engine/alert-rules';
import { escapeLabelValue, formatPrometheus } from '../../server/src/site/prometheus';
import { validateConfig } from '../../server/src/config';

const T = { lagEvents: 10, lagSeconds: null, forMinutes: 5 };
const MIN = 60_000;
const s = (over: Partial<StreamStatus> = {}): StreamStatus => ({
  key: 'producer:1',
  label: 'P',
  failing: false,
  lagEvents: 0,
  lagSeconds: 0,
  ...over,
});

/** Runs ticks one minute apart, carrying the state; returns every message type sent. */
function run(inputs: StreamStatus[][], start: AlertState = {}): { sent: string[]; state: AlertState } {
  let state = start;
  const sent: string[] = [];
  inputs.forEach((streams, i) => {
    const r = evaluateAlerts(state, streams, T, i * MIN);
    state = r.state;
    sent.push(...r.messages.map((m) => `${i}:${m.type}:${m.key}`));
  });
  return { sent, state };
}

describe('alert rules', () => {
  test('down for forMinutes: one alert, none while it stays down, one recovery', () => {
    const down = [s({ failing: true })];
    const { sent } = run([down, down, down, down, down, down, down, down, [s()], [s()]]);
    expect(sent).toEqual(['5:alert:producer:1', '8:recovery:producer:1']);
  });

  test('lag past the threshold counts as down; below it does not', () => {
    expect(run([[s({ lagEvents: 10 })]].concat(Array(6).fill([s({ lagEvents: 12 })]))).sent).toEqual(['5:alert:producer:1']);
    expect(run(Array(8).fill([s({ lagEvents: 9 })])).sent).toEqual([]);
  });

  test('a stream that recovers before forMinutes sends nothing', () => {
    const down = [s({ failing: true })];
    expect(run([down, down, down, [s()], down, down]).sent).toEqual([]);
  });

  test('the persisted state after an alert sends nothing more (a restart reloads it)', () => {
    const down = [s({ failing: true })];
    const { state } = run(Array(6).fill(down));
    const again = evaluateAlerts(JSON.parse(JSON.stringify(state)) as AlertState, down, T, 10 * MIN);
    expect(again.messages).toEqual([]);
    expect(evaluateAlerts(state, [s()], T, 11 * MIN).messages.map((m) => m.type)).toEqual(['recovery']);
  });

  test('a deleted stream is forgotten without a message', () => {
    const { state } = run(Array(6).fill([s({ failing: true })]));
    expect(evaluateAlerts(state, [], T, 7 * MIN)).toEqual({ state: {}, messages: [] });
  });
});

describe('Prometheus text format', () => {
  test('HELP and TYPE once per family, labels escaped, newline at the end', () => {
    const text = formatPrometheus([
      {
        name: 'event_streaming_producer_lag_events',
        help: 'Lag\\n "x"\nnext',
        type: 'gauge',
        samples: [
          { labels: { producer: 'http://a"b\\c\nd', producer_site_id: 'x' }, value: 3 },
          { labels: { producer: 'p2', producer_site_id: '' }, value: NaN },
        ],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP event_streaming_producer_lag_events Lag\\\\n "x"\\nnext',
        '# TYPE event_streaming_producer_lag_events gauge',
        'event_streaming_producer_lag_events{producer="http://a\\"b\\\\c\\nd",producer_site_id="x"} 3',
        'event_streaming_producer_lag_events{producer="p2",producer_site_id=""} NaN',
        '',
      ].join('\n')
    );
    expect(escapeLabelValue('a\\"\n')).toBe('a\\\\\\"\\n');
    expect(() => formatPrometheus([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/invalid metric name/);
  });
});

describe('alerts config', () => {
  test('bad values are refused with the key named', () => {
    expect(() => validateConfig({ alerts: { lagEvents: -1 } as never })).toThrow(/alerts\.lagEvents/);
    expect(() => validateConfig({ alerts: { webhookUrl: 'ftp://x' } as never })).toThrow(/alerts\.webhookUrl/);
    expect(() => validateConfig({ alerts: { email: { to: 'nobody' } } as never })).toThrow(/alerts\.email/);
    expect(() => validateConfig({ alerts: { forMinute: 5 } as never })).toThrow(/alerts\.forMinute/);
    expect(() =>
      validateConfig({
        alerts: { lagEvents: 100, forMinutes: 0, webhookUrl: 'https://hooks.example.com/x', email: { to: ['a@b.c'] } } as never,
      })
    ).not.toThrow();
  });
});
