import axios, { type AxiosRequestConfig } from 'axios';
import type { Core } from '@strapi/strapi';
import { SITE_HEADER } from '../constants';
import { RemoteError } from '../engine/errors';
import { getService } from '../utils';

export interface CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Site base URL (normalised). */
  baseUrl: string;
  /** Path below the base URL, starting with `/`. */
  path: string;
  token: string;
  params?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Return the body as a Buffer (files); the size limit is then `maxFileBytes`. */
  binary?: boolean;
}

/**
 * Every outbound call of the plugin goes through here: a timeout, a response-size limit, no
 * redirects (a token must not follow one to another host), the site header, and errors turned
 * into `RemoteError` with a message an admin can act on. Tokens are never logged.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async call<T>(opts: CallOptions): Promise<T> {
    const settings = getService(strapi, 'settings');
    const cfg = settings.config();
    const url = `${opts.baseUrl}${opts.path}`;
    const request: AxiosRequestConfig = {
      method: opts.method,
      url,
      params: opts.params,
      data: opts.body,
      timeout: cfg.requestTimeoutMs,
      maxRedirects: 0,
      maxContentLength: opts.binary ? cfg.maxFileBytes : cfg.maxResponseBytes,
      maxBodyLength: cfg.maxResponseBytes,
      responseType: opts.binary ? 'arraybuffer' : 'json',
      headers: { Authorization: `Bearer ${opts.token}`, [SITE_HEADER]: settings.siteId(), Accept: 'application/json' },
      validateStatus: () => true,
    };
    let res;
    try {
      res = await axios.request(request);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      const reason =
        e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT'
          ? `timed out after ${cfg.requestTimeoutMs} ms`
          : e.code === 'ERR_BAD_RESPONSE' || /maxContentLength/.test(e.message ?? '')
            ? 'answered with a response larger than the configured limit'
            : (e.code ?? e.message ?? 'unknown error');
      throw new RemoteError(`Could not reach ${opts.baseUrl} (${opts.method} ${opts.path}): ${reason}`, 0, e.code);
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
    const hint =
      res.status === 401
        ? 'the API token is not valid on that site'
        : res.status === 403
          ? 'the API token lacks a permission of the event-streaming plugin'
          : res.status === 404
            ? 'is the event-streaming plugin installed there?'
            : res.status === 301 || res.status === 302 || res.status === 307 || res.status === 308
              ? `it redirects to ${String(res.headers.location ?? '?')}; use the final URL`
              : '';
    throw new RemoteError(
      `${opts.baseUrl} answered ${opts.method} ${opts.path} with ${res.status}${remoteMessage ? `: ${remoteMessage}` : ''}${hint ? ` (${hint})` : ''}`,
      res.status
    );
  },
});
