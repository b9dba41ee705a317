import { defaultConfig, validateConfig } from '../../server/src/config';

describe('plugin configuration validator', () => {
  it('accepts the defaults and an empty config', () => {
    expect(() => validateConfig({})).not.toThrow();
    expect(() => validateConfig(defaultConfig)).not.toThrow();
    expect(() => validateConfig({ applyBatchSize: 1, applyBatchMs: 1, publicUrl: 'https://branch.example.com' })).not.toThrow();
    expect(() =>
      validateConfig({ retention: { updateLogDays: 0, syncLogDays: 1, unacknowledgedUpdateLogDays: 30 } } as never)
    ).not.toThrow();
  });

  it.each([
    [{ applyBatchSize: 0 }, 'config "applyBatchSize" must be a positive integer'],
    [{ applyBatchMs: 2.5 }, 'config "applyBatchMs" must be a positive integer'],
    [{ pageSize: 600 }, 'config "pageSize" must not exceed maxPageSize (500)'],
    [{ pullCron: '* *' }, 'config "pullCron" must be a cron rule of 5 or 6 fields'],
    [{ publicUrl: 'ftp://x' }, 'config "publicUrl" must be an http(s) URL or null'],
    [{ retry: { baseDelayMs: -1 } }, 'config "retry" must have positive integers'],
    [{ retention: { updateLogDays: -1 } }, 'config "retention" must have non-negative numbers'],
    [{ maxBackfillPages: 0 }, 'config "maxBackfillPages" must be a positive integer'],
    [
      { retention: { unacknowledgedUpdateLogDays: -2 } },
      'config "retention.unacknowledgedUpdateLogDays" must be a non-negative number of days or null',
    ],
    [{ encryptionKey: 'short' }, 'config "encryptionKey" must be a string of at least 16 characters'],
  ])('refuses %j, naming the key', (raw, message) => {
    expect(() => validateConfig(raw as never)).toThrow(message);
  });
});
