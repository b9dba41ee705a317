import { notifyDelay } from '../../server/src/producer/notifier';

const WINDOW = 25;

describe('notifyDelay: when a change is notified (one run per window, never a window more than needed)', () => {
  test('the first change after a quiet window runs at once (leading edge)', () => {
    expect(notifyDelay(1_000, 0, WINDOW)).toBe(0);
    expect(notifyDelay(1_000, 1_000 - WINDOW, WINDOW)).toBe(0);
  });

  test('a change soon after a run waits for the rest of that window only', () => {
    expect(notifyDelay(1_020, 1_000, WINDOW)).toBe(5);
    expect(notifyDelay(1_001, 1_000, WINDOW)).toBe(24);
    expect(notifyDelay(1_000, 1_000, WINDOW)).toBe(WINDOW);
  });

  test('never negative, never more than the window (a clock that stepped back)', () => {
    expect(notifyDelay(900, 1_000, WINDOW)).toBe(WINDOW);
    for (let now = 0; now < 200; now += 7) {
      const d = notifyDelay(now, 100, WINDOW);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(WINDOW);
      // The run starts a window after the last one ended, or at once when that is past.
      if (now >= 100) expect(now + d).toBe(Math.max(now, 100 + WINDOW));
    }
  });
});
