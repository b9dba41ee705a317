/**
 * Issue 13 on real playground sites: a 200,000-slash callbackUrl is refused fast (it used to
 * freeze the producer for 17-42 s and be accepted); a site whose outbound policy does not allow
 * loopback refuses to call a producer on 127.0.0.1 and leaves nothing behind; a site without an
 * encryption key does not boot in production mode.
 *
 * Sites: P (producer, playground defaults: loopback allowed) and S (strict: the plugin's default
 * policy, EVENT_STREAMING_ALLOW_LOOPBACK=false).
 */
import crypto from 'node:crypto';
import { startSite, startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { STREAM_PERMISSIONS } from '../helpers/streaming';
import { countLogLines, expectClientError, snapshotCounts } from '../helpers/security';
import { CUSTOMER } from '../helpers/uids';

let P: Site;
let S: Site;

beforeAll(async () => {
  [P, S] = await startSites([{ name: 'out-producer' }, { name: 'out-strict', env: { EVENT_STREAMING_ALLOW_LOOPBACK: 'false' } }]);
});

afterAll(() => stopAll());

describe('hostile URL length', () => {
  it('POST /api/event-streaming/register with a 200,000-slash callbackUrl is a quick 400 and registers nothing', async () => {
    const token = (await P.createApiToken({ name: 'slashes', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
    const before = await snapshotCounts(P);
    const callbackUrl = `http://127.0.0.1:9/${'/'.repeat(200_000)}x`;
    const body = {
      siteId: crypto.randomUUID(),
      name: 'Slashes',
      callbackUrl,
      callbackToken: 'callback-token-0123456789',
      subscriptions: [{ contentType: CUSTOMER }],
    };
    const t0 = Date.now();
    const res = await P.request('POST', '/api/event-streaming/register', body, { token, timeoutMs: 60_000 });
    const ms = Date.now() - t0;
    expectClientError(res, 400, /^callbackUrl is too long \(200020 characters; at most 2048\)$/);
    expect(ms).toBeLessThan(1500);
    expect(await snapshotCounts(P)).toStrictEqual(before);
    // The site still answers at once.
    const t1 = Date.now();
    expect((await P.request('GET', '/_health')).status).toBe(204);
    expect(Date.now() - t1).toBeLessThan(1000);
  });

  it('an admin producerUrl of 200,000 slashes is a quick 400 too', async () => {
    const t0 = Date.now();
    const res = await S.admin('POST', '/event-streaming/producers', {
      producerUrl: `http://127.0.0.1:9/${'/'.repeat(200_000)}x`,
      apiToken: 'some-api-token-0123456789',
      subscriptions: [{ contentType: CUSTOMER }],
    });
    expectClientError(res, 400, /^producerUrl is too long \(200020 characters; at most 2048\)$/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});

describe('outbound address policy on a real site', () => {
  it('a site that does not allow loopback refuses to call a producer on 127.0.0.1, sends nothing and keeps nothing', async () => {
    const token = (await P.createApiToken({ name: 'stream-to-strict', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
    const registerLines = countLogLines(P, /POST \/api\/event-streaming\/register /);
    const before = await snapshotCounts(S);
    const res = await S.admin('POST', '/event-streaming/producers', {
      producerUrl: P.url,
      apiToken: token,
      subscriptions: [{ contentType: CUSTOMER }],
    });
    expectClientError(
      res,
      400,
      new RegExp(
        `^Refused to call ${P.url.replace(/\./g, '\\.')}: it is a private address \\(127\\.0\\.0\\.1: private, loopback, link-local or reserved\\); allow it with config outbound\\.allowedAddresses`
      )
    );
    expect(countLogLines(P, /POST \/api\/event-streaming\/register /)).toBe(registerLines);
    expect(await snapshotCounts(S)).toStrictEqual(before);
    expect(expectStatus(await S.admin('GET', '/event-streaming/producers'), 'producers').body.data).toStrictEqual([]);
  });

  it('the same call by name (localhost) is refused after DNS resolution', async () => {
    const res = await S.admin('POST', '/event-streaming/producers', {
      producerUrl: `http://localhost:${P.port}`,
      apiToken: 'some-api-token-0123456789',
      subscriptions: [{ contentType: CUSTOMER }],
    });
    expectClientError(res, 400, /^Refused to call http:\/\/localhost:\d+: localhost resolves to a private address \((127\.0\.0\.1|::1): /);
  });
});

describe('encryption key at boot', () => {
  it('a site without any encryption key does not boot in production mode, and says what to set', async () => {
    await expect(
      startSite({
        name: 'out-no-key',
        env: { NODE_ENV: 'production', ENCRYPTION_KEY: '', EVENT_STREAMING_ENCRYPTION_KEY: '' },
        registerAdmin: false,
        createToken: false,
        bootTimeoutMs: 90_000,
      })
    ).rejects.toThrow(/event-streaming: no encryption key \(NODE_ENV=production\)\. Set EVENT_STREAMING_ENCRYPTION_KEY, ENCRYPTION_KEY/);
  });
});
