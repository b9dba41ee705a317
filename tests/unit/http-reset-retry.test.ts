/**
 * site/http.ts: a GET whose connection is reset before any answer (a kept-alive socket closed by
 * the peer as it is reused) is sent once more; other methods are not. Real HTTP on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { callSite, type OutboundContext } from '../../server/src/site/http';
import { defaultConfig } from '../../server/src/config';
import { RemoteError } from '../../server/src/engine/errors';

const ctx: OutboundContext = {
  config: { ...defaultConfig, outbound: { allowPrivateAddresses: false, allowedAddresses: ['127.0.0.0/8', '::1'], allowedHosts: [] } },
  siteId: 'site-under-test',
};

let server: http.Server;
let base: string;
let requests = 0;
let resets = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests += 1;
    if (resets > 0) {
      resets -= 1;
      req.socket.destroy(); // ECONNRESET for the client, no answer
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = 0;
});

it('a GET reset once is answered by its second attempt', async () => {
  resets = 1;
  await expect(callSite(ctx, { baseUrl: base, method: 'GET', path: '/x' })).resolves.toEqual({ ok: true });
  expect(requests).toBe(2);
});

it('a GET reset twice fails with the reset (one retry only)', async () => {
  resets = 2;
  const error = await callSite(ctx, { baseUrl: base, method: 'GET', path: '/x' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteError);
  expect((error as RemoteError).code).toBe('ECONNRESET');
  expect(requests).toBe(2);
});

it('a POST is not sent twice', async () => {
  resets = 1;
  await expect(callSite(ctx, { baseUrl: base, method: 'POST', path: '/x', body: {} })).rejects.toBeInstanceOf(RemoteError);
  expect(requests).toBe(1);
  resets = 0;
});
