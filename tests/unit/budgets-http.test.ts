/**
 * Issue 13 (unbounded files, retried refusals), transport side (site/http.ts): a file download is
 * streamed to disk with a byte cap and a wall-clock deadline, and a refusal by this site's own
 * rules (address policy, size limits) is deterministic — not transient, so it is recorded Failed
 * instead of being retried forever. Real HTTP servers on 127.0.0.1.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { callSite, downloadToFile, type OutboundContext } from '../../server/src/site/http';
import { defaultConfig, type PluginConfig } from '../../server/src/config';
import { ADDRESS_REFUSED, RemoteError, TOO_LARGE, isTransient } from '../../server/src/engine/errors';

const LOOPBACK = { allowPrivateAddresses: false, allowedAddresses: ['127.0.0.0/8', '::1'], allowedHosts: [] };
const ctx = (overrides: Partial<PluginConfig> = {}): OutboundContext => ({
  config: { ...defaultConfig, outbound: LOOPBACK, ...overrides },
  siteId: 'site-under-test',
});

let server: http.Server;
let base: string;
let dir: string;
const BODY = Buffer.alloc(300_000, 7);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budgets-http-'));
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/file') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BODY.length });
      return res.end(BODY);
    }
    if (url === '/chunked') {
      // No Content-Length: only counting the bytes as they arrive can stop it.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const more = () => {
        while (sent < 5_000_000 && !res.destroyed) {
          sent += 65_536;
          if (!res.write(Buffer.alloc(65_536, 1))) return res.once('drain', more);
        }
        if (!res.destroyed) res.end();
        return undefined;
      };
      res.on('error', () => undefined);
      return more();
    }
    if (url === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('x')), 100);
      return res.on('close', () => clearInterval(t));
    }
    if (url === '/big-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ pad: 'x'.repeat(200_000) }));
    }
    res.writeHead(403, { 'content-type': 'application/json' });
    return res.end('{"error":{"message":"no"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const req = (p: string) => ({ method: 'GET' as const, baseUrl: base, path: p, token: 'secret-token-1234', binary: true });
const failure = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = await p.then(
    () => null,
    (error: unknown) => error
  );
  expect(e).toBeInstanceOf(RemoteError);
  return e as RemoteError;
};

describe('downloadToFile', () => {
  it('streams a file to disk and returns its size', async () => {
    const target = path.join(dir, 'ok');
    await expect(downloadToFile(ctx(), req('/file'), target)).resolves.toBe(BODY.length);
    expect(fs.readFileSync(target).equals(BODY)).toBe(true);
  });

  it('a declared size over maxFileBytes is refused before reading: deterministic, naming the key, no file left', async () => {
    const target = path.join(dir, 'declared');
    const e = await failure(downloadToFile(ctx({ maxFileBytes: 100_000 }), req('/file'), target));
    expect(e.code).toBe(TOO_LARGE);
    expect(e.transient).toBe(false);
    expect(isTransient(e)).toBe(false);
    expect(e.message).toBe(
      `${base} (GET /file) answered with a response larger than the configured limit (config maxFileBytes: 100000 bytes)`
    );
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a body without a length is cut as soon as it passes maxFileBytes (not buffered), and the partial file is removed', async () => {
    const target = path.join(dir, 'chunked');
    const before = process.memoryUsage().rss;
    const e = await failure(downloadToFile(ctx({ maxFileBytes: 1_000_000 }), req('/chunked'), target));
    expect(e.code).toBe(TOO_LARGE);
    expect(e.transient).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
    expect(process.memoryUsage().rss - before).toBeLessThan(50_000_000);
  });

  it('a trickling body is cut at fileTimeoutMs (transient: the producer is slow)', async () => {
    const t0 = Date.now();
    const e = await failure(downloadToFile(ctx({ fileTimeoutMs: 800 }), req('/trickle'), path.join(dir, 'slow')));
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(e.message).toBe(`Could not reach ${base} (GET /trickle): no complete answer within 800 ms (config fileTimeoutMs)`);
    expect(e.transient).toBe(true);
    expect(fs.existsSync(path.join(dir, 'slow'))).toBe(false);
  });

  it('an error status is a RemoteError with that status', async () => {
    const e = await failure(downloadToFile(ctx(), req('/nope'), path.join(dir, 'nope')));
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/answered GET \/nope with 403 \(the API token lacks a permission/);
  });
});

describe('refusals by this site are not transient', () => {
  const refusedPolicy = { allowPrivateAddresses: false, allowedAddresses: [], allowedHosts: [] };

  it.each([
    ['a call', () => callSite(ctx({ outbound: refusedPolicy }), { ...req('/file'), binary: false })],
    ['a download', () => downloadToFile(ctx({ outbound: refusedPolicy }), req('/file'), path.join(dir, 'refused'))],
  ])('%s to an address the policy refuses: ADDRESS_REFUSED, not transient, naming the config keys', async (_what, run) => {
    const e = await failure(run());
    expect(e.code).toBe(ADDRESS_REFUSED);
    expect(e.transient).toBe(false);
    expect(isTransient(e)).toBe(false);
    expect(e.message).toMatch(/outbound\.allowedAddresses/);
    expect(e.message).toMatch(/outbound\.allowPrivateAddresses/);
  });

  it('a JSON answer over maxResponseBytes: TOO_LARGE, not transient', async () => {
    const e = await failure(callSite(ctx({ maxResponseBytes: 100_000 }), { ...req('/big-json'), binary: false }));
    expect(e.code).toBe(TOO_LARGE);
    expect(e.transient).toBe(false);
    expect(e.message).toMatch(/answered with a response larger than the configured limit \(config maxResponseBytes: 100000 bytes\)/);
  });
});
