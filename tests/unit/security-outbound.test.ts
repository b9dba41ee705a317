/**
 * Issue 13, findings 4 and 5b: every outbound call (site/http.ts) has a wall-clock deadline that a
 * peer trickling bytes cannot stretch, and passes one address policy checked after DNS
 * resolution (private, loopback, link-local, metadata and unspecified addresses refused unless
 * allow-listed). Real local HTTP servers on 127.0.0.1; the plugin's `http` service is built with
 * a small typed Strapi stub that only answers `plugin('event-streaming').service('settings')`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '@strapi/strapi';
import httpService, { type CallOptions } from '../../server/src/site/http';
import { defaultConfig, type OutboundPolicy, type PluginConfig } from '../../server/src/config';
import { RemoteError } from '../../server/src/engine/errors';
import { PLUGIN_ID } from '../../server/src/constants';

const LOOPBACK: OutboundPolicy = { allowPrivateAddresses: false, allowedAddresses: ['127.0.0.0/8', '::1'], allowedHosts: [] };

/** The one thing `site/http.ts` asks Strapi for: the settings service (config and site id). */
interface SettingsStub {
  config(): PluginConfig;
  siteId(): string;
}
interface StrapiStub {
  plugin(name: string): { service(name: string): SettingsStub };
}

function client(overrides: Partial<PluginConfig>) {
  const settings: SettingsStub = { config: () => ({ ...defaultConfig, ...overrides }), siteId: () => 'site-under-test' };
  const stub: StrapiStub = {
    plugin(name) {
      if (name !== PLUGIN_ID) throw new Error(`unexpected plugin ${name}`);
      return {
        service(service) {
          if (service !== 'settings') throw new Error(`unexpected service ${service}`);
          return settings;
        },
      };
    },
  };
  // The service factory is typed for the whole Strapi; the stub is the part it uses.
  return httpService({ strapi: stub as unknown as Core.Strapi });
}

interface TestServer {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering with `handler`; records "METHOD path" of each request. */
async function serve(handler: http.RequestListener): Promise<TestServer> {
  const requests: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The rejection of `p`, which must be a RemoteError. */
async function remoteError(p: Promise<unknown>): Promise<RemoteError> {
  const outcome = await p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error })
  );
  if (outcome.ok) throw new Error(`expected a RemoteError, got a result: ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  expect(outcome.error).toBeInstanceOf(RemoteError);
  return outcome.error as RemoteError;
}

const call = (overrides: Partial<PluginConfig>, opts: Partial<CallOptions> & { baseUrl: string }) =>
  client(overrides).call<unknown>({ method: 'GET', path: '/api/event-streaming/pull', token: 'secret-token-1234', ...opts });

describe('outbound deadline: a peer that trickles one byte every 200 ms is cut at the configured bound', () => {
  const BYTES = 60; // 12 s of trickling: far beyond every bound below
  let trickle: TestServer;

  beforeAll(async () => {
    trickle = await serve((req, res) => {
      const binary = req.url?.startsWith('/file');
      res.writeHead(200, { 'content-type': binary ? 'application/octet-stream' : 'application/json', 'content-length': String(BYTES) });
      const body = Buffer.from(binary ? 'x'.repeat(BYTES) : `{"data":"${'x'.repeat(BYTES - 11)}"}`);
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed || i >= BYTES) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(i, i + 1));
        i += 1;
      }, 200);
      res.on('close', () => clearInterval(timer));
    });
  });
  afterAll(() => trickle.close());

  it.each([
    ['a page (GET, JSON)', { method: 'GET' as const, path: '/api/event-streaming/pull' }, 'requestTimeoutMs'],
    ['a document (GET, JSON)', { method: 'GET' as const, path: '/api/event-streaming/documents/x' }, 'requestTimeoutMs'],
    ['a notification (POST)', { method: 'POST' as const, path: '/api/event-streaming/notify', body: { siteId: 'p' } }, 'requestTimeoutMs'],
    ['a file (binary)', { method: 'GET' as const, path: '/file/1', binary: true }, 'fileTimeoutMs'],
  ])('%s', async (_name, opts, key) => {
    const t0 = Date.now();
    const e = await remoteError(
      call({ requestTimeoutMs: 1000, fileTimeoutMs: 1000, outbound: LOOPBACK }, { baseUrl: trickle.url, ...opts })
    );
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
    expect(e.status).toBe(0);
    expect(e.transient).toBe(true);
    expect(e.message).toBe(
      `Could not reach ${trickle.url} (${opts.method} ${opts.path}): no complete answer within 1000 ms (config ${key})`
    );
    expect(e.message).not.toContain('secret-token-1234');
  });

  it('a prompt answer is untouched by the deadline', async () => {
    const quick = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    try {
      await expect(call({ requestTimeoutMs: 1000, outbound: LOOPBACK }, { baseUrl: quick.url })).resolves.toStrictEqual({ ok: true });
    } finally {
      await quick.close();
    }
  });
});

describe('outbound address policy', () => {
  let site: TestServer;

  beforeAll(async () => {
    site = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ reached: req.url }));
    });
  });
  afterAll(() => site.close());

  it('refuses a loopback address by default, before sending anything, with a message naming the setting', async () => {
    const before = site.requests.length;
    const e = await remoteError(call({}, { baseUrl: site.url }));
    expect(e.status).toBe(0);
    expect(e.code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
    expect(e.message).toBe(
      `Refused to call ${site.url}: it is a private address (127.0.0.1: private, loopback, link-local or reserved); allow it with config outbound.allowedAddresses (e.g. ["127.0.0.1"]), outbound.allowedHosts (["127.0.0.1"]) or outbound.allowPrivateAddresses`
    );
    expect(site.requests.length).toBe(before);
  });

  it('checks the address a host name resolves to (localhost), not the name', async () => {
    const e = await remoteError(call({}, { baseUrl: `http://localhost:${site.port}` }));
    expect(e.code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
    expect(e.message).toMatch(
      new RegExp(
        `^Refused to call http://localhost:${site.port}: localhost resolves to a private address \\((127\\.0\\.0\\.1|::1): .*; allow it with config outbound\\.allowedAddresses`
      )
    );
  });

  it.each([
    ['cloud metadata (link-local)', 'http://169.254.169.254', /it is a private address \(169\.254\.169\.254/],
    ['RFC 1918 10/8', 'http://10.0.0.1:9', /it is a private address \(10\.0\.0\.1/],
    ['RFC 1918 192.168/16', 'http://192.168.1.1', /it is a private address \(192\.168\.1\.1/],
    ['RFC 1918 172.16/12', 'https://172.16.5.4', /it is a private address \(172\.16\.5\.4/],
    ['carrier-grade NAT', 'http://100.64.0.1', /it is a private address \(100\.64\.0\.1/],
    ['IPv6 loopback', 'http://[::1]:9', /it is a private address \(::1/],
    ['IPv6 unique-local', 'http://[fd00::1]:9', /it is a private address \(fd00::1/],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:7f00:1]:9', /private address/],
    ['the unspecified address', 'http://0.0.0.0:9', /it is an unspecified address \(0\.0\.0\.0 \/ ::\), which is never called$/],
  ])('refuses %s by default, without connecting', async (_name, baseUrl, message) => {
    const t0 = Date.now();
    const e = await remoteError(call({}, { baseUrl }));
    expect(e.code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
    expect(e.message).toMatch(message);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('allows an allow-listed address or range, also for a name resolving to both families, without console noise', async () => {
    const warn = jest.spyOn(console, 'warn');
    await expect(
      call({ outbound: { ...defaultConfig.outbound, allowedAddresses: ['127.0.0.1'] } }, { baseUrl: site.url })
    ).resolves.toStrictEqual({
      reached: '/api/event-streaming/pull',
    });
    await expect(call({ outbound: LOOPBACK }, { baseUrl: site.url, path: '/x' })).resolves.toStrictEqual({ reached: '/x' });
    await expect(call({ outbound: LOOPBACK }, { baseUrl: `http://localhost:${site.port}`, path: '/y' })).resolves.toStrictEqual({
      reached: '/y',
    });
    // An allow-listed IPv6 literal gets through the policy (nothing listens there: the connection itself fails).
    expect((await remoteError(call({ outbound: LOOPBACK }, { baseUrl: 'http://[::1]:9' }))).code).not.toBe(
      'EVENT_STREAMING_ADDRESS_REFUSED'
    );
    // An allow-listed range does not open its neighbours.
    const e = await remoteError(call({ outbound: { ...LOOPBACK, allowedAddresses: ['127.0.0.2/32'] } }, { baseUrl: site.url }));
    expect(e.code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('allows an allow-listed host name whatever it resolves to, and only that name', async () => {
    const outbound = { ...defaultConfig.outbound, allowedHosts: ['LocalHost'] };
    await expect(call({ outbound }, { baseUrl: `http://localhost:${site.port}`, path: '/named' })).resolves.toStrictEqual({
      reached: '/named',
    });
    expect((await remoteError(call({ outbound }, { baseUrl: site.url }))).code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
  });

  it('allows every private address with allowPrivateAddresses, but never the unspecified one', async () => {
    const outbound = { ...defaultConfig.outbound, allowPrivateAddresses: true };
    await expect(call({ outbound }, { baseUrl: site.url, path: '/any' })).resolves.toStrictEqual({ reached: '/any' });
    expect((await remoteError(call({ outbound }, { baseUrl: 'http://0.0.0.0:9' }))).code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
  });

  it('ignores HTTP_PROXY from the environment (the policy must see the real destination)', async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = `http://127.0.0.1:${site.port}`;
    try {
      // Through the proxy the call would reach `site` (allowed); directly it goes to 10.0.0.1 (refused).
      const e = await remoteError(call({ outbound: LOOPBACK }, { baseUrl: 'http://10.0.0.1:9' }));
      expect(e.code).toBe('EVENT_STREAMING_ADDRESS_REFUSED');
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
