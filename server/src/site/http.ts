import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { BlockList, isIP, type TcpNetConnectOpts } from 'node:net';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import axios, { type AxiosRequestConfig } from 'axios';
import type { Core } from '@strapi/strapi';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { SITE_HEADER } from '../protocol/wire';
import type { OutboundPolicy, PluginConfig } from '../config';
import { ADDRESS_REFUSED, RemoteError, TOO_LARGE } from '../engine/errors';
import type { PeerRequest } from '../protocol/client';
import { getService } from '../utils';

/** One outbound call: the protocol's request shape (protocol/client.ts). Files (`binary`) have the
 * size limit `maxFileBytes` and the deadline `fileTimeoutMs`. */
export type CallOptions = PeerRequest;

/** What an outbound call needs to know about this site: its limits, address policy and id. */
export interface OutboundContext {
  config: Pick<PluginConfig, 'requestTimeoutMs' | 'fileTimeoutMs' | 'maxResponseBytes' | 'maxFileBytes' | 'outbound'>;
  siteId: string;
}

/** Error codes of a `RemoteError` the address policy refused (nothing was sent) or a size limit cut (both deterministic). */
export { ADDRESS_REFUSED, TOO_LARGE };
/** Error code of a `RemoteError` for a call cut by its wall-clock deadline. */
export const DEADLINE_EXCEEDED = 'EVENT_STREAMING_DEADLINE';

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * The allow-list, matched per address family by Node's BlockList (an IPv4 range also covers the
 * IPv4-mapped IPv6 form). `request-filtering-agent` matches CIDR ranges itself but warns on the
 * console for every address of the other family (a dual-stack host against an IPv4 range), so it
 * is handed the exact addresses this list approved instead, as they were resolved.
 */
function approver(allowed: readonly string[]): { approved: string[]; approve(address: string): void } {
  const list = new BlockList();
  for (const entry of allowed) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  const approved: string[] = [];
  return {
    approved,
    approve(address) {
      const family = isIP(address);
      if (family !== 0 && !approved.includes(address) && list.check(address, family === 6 ? 'ipv6' : 'ipv4')) approved.push(address);
    },
  };
}

/** `inner` (DNS by default), approving the allow-listed addresses it resolves before the agent checks them. */
const approvingLookup =
  (inner: Lookup, approve: (address: string) => void): Lookup =>
  (hostname, options, callback) =>
    inner(hostname, options, (err, address, family) => {
      if (!err) for (const a of Array.isArray(address) ? address : [{ address }]) approve(a.address);
      callback(err, address, family);
    });

/** The agents of one policy: `request-filtering-agent`'s, with the allow-list applied per address. */
function policyAgents(allowPrivateIPAddress: boolean, allowed: readonly string[]): Agents {
  const { approved, approve } = approver(allowed);
  const options = {
    keepAlive: true,
    allowPrivateIPAddress,
    allowMetaIPAddress: false,
    allowIPAddressList: approved,
    denyIPAddressList: [],
  };
  const hook = (connect: (o: TcpNetConnectOpts) => Duplex, o: TcpNetConnectOpts): Duplex => {
    if (typeof o.host === 'string') approve(o.host); // a literal IP is checked without DNS
    return connect({ ...o, lookup: approvingLookup((o.lookup as Lookup | undefined) ?? (dnsLookup as unknown as Lookup), approve) });
  };
  class PolicyHttpAgent extends RequestFilteringHttpAgent {
    createConnection(o: TcpNetConnectOpts, cb?: (error: Error | null, socket: Duplex) => void) {
      return hook((x) => super.createConnection(x, cb), o);
    }
  }
  class PolicyHttpsAgent extends RequestFilteringHttpsAgent {
    createConnection(o: TcpNetConnectOpts, cb?: (error: Error | null, socket: Duplex) => void) {
      return hook((x) => super.createConnection(x, cb), o);
    }
  }
  return { http: new PolicyHttpAgent(options), https: new PolicyHttpsAgent(options) };
}

// One pair of agents per distinct policy (in practice one per process): keep-alive sockets are
// pooled per agent, and an agent checks the address of every new connection, after DNS.
const agentCache = new Map<string, Agents>();

export function agentsFor(policy: OutboundPolicy, trustedHost: boolean): Agents {
  const allowPrivateIPAddress = policy.allowPrivateAddresses || trustedHost;
  const key = JSON.stringify([allowPrivateIPAddress, policy.allowedAddresses]);
  let agents = agentCache.get(key);
  if (!agents) {
    agents = policyAgents(allowPrivateIPAddress, policy.allowedAddresses);
    agentCache.set(key, agents);
  }
  return agents;
}

/** Host name of a URL as `allowedHosts` lists it: lower case, IPv6 without brackets. */
export const hostOf = (url: string): string => {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return ''; // not a URL: axios reports it below
  }
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
};

/** The message of `request-filtering-agent`'s refusal, turned into one an admin can act on. */
export function refusalMessage(baseUrl: string, agentMessage: string): string | null {
  const m = /^DNS lookup (\S{1,64}?)\(family:[^,]{0,20}, host:[^)]{0,300}\) is not allowed\. Because,? ([^.]{0,100})/.exec(
    agentMessage.slice(0, 500)
  );
  if (!m) return null;
  const [, address, because] = m;
  const host = hostOf(baseUrl);
  const what = /meta/i.test(because)
    ? 'an unspecified address (0.0.0.0 / ::), which is never called'
    : `a private address (${address}: private, loopback, link-local or reserved)`;
  const allow = /meta/i.test(because)
    ? ''
    : `; allow it with config outbound.allowedAddresses (e.g. ["${address}"]), outbound.allowedHosts (["${host}"]) or outbound.allowPrivateAddresses`;
  return `Refused to call ${baseUrl}: ${host === address ? 'it is' : `${host} resolves to`} ${what}${allow}`;
}

/** An outbound request under this site's rules, with its wall-clock deadline armed (see callSite). */
function prepareCall(ctx: OutboundContext, opts: CallOptions, stream: boolean) {
  const cfg = ctx.config;
  // A streamed body (push mode: a file sent to the consumer) is a file: its deadline and size limit.
  const upload = opts.body instanceof Readable;
  const deadlineMs = opts.binary || upload ? cfg.fileTimeoutMs : cfg.requestTimeoutMs;
  const agents = agentsFor(
    cfg.outbound,
    cfg.outbound.allowedHosts.some((h) => h.toLowerCase() === hostOf(opts.baseUrl))
  );
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const request: AxiosRequestConfig = {
    method: opts.method,
    url: `${opts.baseUrl}${opts.path}`,
    params: opts.params,
    data: opts.body,
    // axios' `timeout` is an idle bound only once connected; the signal is the whole-call bound.
    timeout: deadlineMs,
    signal: deadline.signal,
    httpAgent: agents.http,
    httpsAgent: agents.https,
    proxy: false,
    maxRedirects: 0,
    maxContentLength: opts.binary ? cfg.maxFileBytes : cfg.maxResponseBytes,
    maxBodyLength: upload ? cfg.maxFileBytes : cfg.maxResponseBytes,
    responseType: stream ? 'stream' : opts.binary ? 'arraybuffer' : 'json',
    headers: {
      Authorization: `Bearer ${opts.token}`,
      [SITE_HEADER]: ctx.siteId,
      Accept: 'application/json',
      ...(upload ? { 'Content-Type': 'application/octet-stream' } : {}),
    },
    validateStatus: () => true,
  };
  return { request, deadline, deadlineMs, done: () => clearTimeout(timer) };
}

/** The response-size refusal: deterministic (not retried), naming the limit and its config key. */
const tooLarge = (opts: CallOptions, limit: number) =>
  new RemoteError(
    `${opts.baseUrl} (${opts.method} ${opts.path}) answered with a response larger than the configured limit (config ${opts.binary ? 'maxFileBytes' : 'maxResponseBytes'}: ${limit} bytes)`,
    0,
    TOO_LARGE
  );

/** A failed exchange (no answer, refused, cut by the deadline) as a `RemoteError` an admin can act on. */
function failure(error: unknown, opts: CallOptions, ctx: OutboundContext, deadline: AbortController, deadlineMs: number): RemoteError {
  if (error instanceof RemoteError) return error;
  const e = error as { code?: string; message?: string; cause?: { message?: string } };
  const agentMessage = [e.message, e.cause?.message].find((m) => typeof m === 'string' && m.startsWith('DNS lookup '));
  const refused = agentMessage ? refusalMessage(opts.baseUrl, agentMessage) : null;
  if (refused) return new RemoteError(refused, 0, ADDRESS_REFUSED);
  if (deadline.signal.aborted) {
    return new RemoteError(
      `Could not reach ${opts.baseUrl} (${opts.method} ${opts.path}): no complete answer within ${deadlineMs} ms (config ${opts.binary ? 'fileTimeoutMs' : 'requestTimeoutMs'})`,
      0,
      DEADLINE_EXCEEDED
    );
  }
  if (e.code === 'ERR_BAD_RESPONSE' || /maxContentLength/.test(e.message ?? '')) {
    return tooLarge(opts, opts.binary ? ctx.config.maxFileBytes : ctx.config.maxResponseBytes);
  }
  const reason =
    e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' ? `timed out after ${deadlineMs} ms` : (e.code ?? e.message ?? 'unknown error');
  return new RemoteError(`Could not reach ${opts.baseUrl} (${opts.method} ${opts.path}): ${reason}`, 0, e.code);
}

/** A non-2xx answer as a `RemoteError`, with a hint for the usual causes. */
function statusError(opts: CallOptions, status: number, location: unknown, remoteMessage: string): RemoteError {
  const hint =
    status === 401
      ? 'the API token is not valid on that site'
      : status === 403
        ? 'the API token lacks a permission of the event-streaming plugin'
        : status === 404
          ? 'is the event-streaming plugin installed there?'
          : status === 301 || status === 302 || status === 307 || status === 308
            ? `it redirects to ${String(location ?? '?').slice(0, 300)}; use the final URL`
            : '';
  return new RemoteError(
    `${opts.baseUrl} answered ${opts.method} ${opts.path} with ${status}${remoteMessage ? `: ${remoteMessage}` : ''}${hint ? ` (${hint})` : ''}`,
    status
  );
}

/**
 * One outbound call under this site's rules: the address policy (`outbound`, checked on the
 * resolved address of every new connection), a wall-clock deadline on the whole exchange
 * (`requestTimeoutMs`, files `fileTimeoutMs`) that a peer trickling bytes cannot stretch, a
 * response-size limit, no redirects (a token must not follow one to another host), no proxy
 * from the environment (the policy must see the real destination), the site header, and every
 * failure turned into a `RemoteError` with a message an admin can act on. Tokens are never logged.
 * A refusal by the address policy or a size limit is deterministic (`transient` false).
 */
export async function callSite<T>(ctx: OutboundContext, opts: CallOptions): Promise<T> {
  try {
    return await callOnce<T>(ctx, opts);
  } catch (error) {
    // A GET whose kept-alive connection the peer closed just as it was reused (ECONNRESET, no
    // answer; seen under heavy load, and it left a notified consumer without its pull until the
    // next poke): once more, on a new connection. GETs are idempotent here.
    if (opts.method === 'GET' && error instanceof RemoteError && error.status === 0 && error.code === 'ECONNRESET') {
      return callOnce<T>(ctx, opts);
    }
    throw error;
  }
}

async function callOnce<T>(ctx: OutboundContext, opts: CallOptions): Promise<T> {
  const { request, deadline, deadlineMs, done } = prepareCall(ctx, opts, false);
  let res;
  try {
    res = await axios.request(request);
  } catch (error) {
    throw failure(error, opts, ctx, deadline, deadlineMs);
  } finally {
    done();
  }
  if (res.status >= 200 && res.status < 300) {
    if (opts.binary) return Buffer.from(res.data as ArrayBuffer) as T;
    if (res.data === '' || res.data === undefined) return undefined as T;
    if (typeof res.data !== 'object') {
      throw new RemoteError(`${opts.baseUrl} answered ${opts.method} ${opts.path} with something that is not JSON`, res.status);
    }
    return res.data as T;
  }
  let remoteMessage = '';
  if (!opts.binary && res.data && typeof res.data === 'object') {
    const err = (res.data as { error?: { message?: unknown } }).error;
    if (err && typeof err.message === 'string') remoteMessage = err.message.slice(0, 500);
  }
  throw statusError(opts, res.status, res.headers.location, remoteMessage);
}

/**
 * A file download streamed to `filepath` (never held in memory) under the rules of `callSite`
 * for files: address policy, the `fileTimeoutMs` deadline on the whole transfer, and at most
 * `maxFileBytes` (a larger Content-Length is refused before reading; a body that grows past it is
 * cut). On any failure the partial file is removed.
 * @returns the number of bytes written.
 * @throws RemoteError (size refusal: code TOO_LARGE, not transient).
 */
export async function downloadToFile(ctx: OutboundContext, opts: CallOptions, filepath: string): Promise<number> {
  const file = { ...opts, binary: true };
  const limit = ctx.config.maxFileBytes;
  const { request, deadline, deadlineMs, done } = prepareCall(ctx, file, true);
  let written = 0;
  try {
    const res = await axios.request<Readable>(request);
    const body = res.data;
    if (res.status < 200 || res.status >= 300) {
      body.destroy();
      throw statusError(file, res.status, res.headers.location, '');
    }
    if (Number(res.headers['content-length'] ?? 0) > limit) {
      body.destroy();
      throw tooLarge(file, limit);
    }
    const counter = new Transform({
      transform(chunk: Buffer, _enc, next) {
        written += chunk.length;
        next(written > limit ? tooLarge(file, limit) : null, chunk);
      },
    });
    await pipeline(body, counter, createWriteStream(filepath), { signal: deadline.signal });
    return written;
  } catch (error) {
    await rm(filepath, { force: true });
    throw failure(error, file, ctx, deadline, deadlineMs);
  } finally {
    done();
  }
}

/** Every outbound call of the plugin goes through here (see `callSite`). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const context = (): OutboundContext => {
    const settings = getService(strapi, 'settings');
    return { config: settings.config(), siteId: settings.siteId() };
  };
  return {
    call<T>(opts: CallOptions): Promise<T> {
      return callSite<T>(context(), opts);
    },
    /** A file streamed to `filepath` (see downloadToFile); returns its size in bytes. */
    download(opts: CallOptions, filepath: string): Promise<number> {
      return downloadToFile(context(), opts, filepath);
    },
  };
};
