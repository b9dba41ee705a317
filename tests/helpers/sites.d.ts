/** Types of tests/helpers/sites.js (the multi-site test harness). */

export interface HttpResult<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the response is JSON, else the text (null when empty). */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** API token or admin JWT for `Authorization: Bearer`. In `api()`, null = anonymous. */
  token?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export type Body = Record<string, unknown> | unknown[] | string | Buffer | FormData | undefined;

export interface ApiToken {
  id: number;
  name: string;
  type: 'full-access' | 'read-only' | 'custom';
  /** The secret; only returned at creation. */
  accessKey: string;
  [key: string]: unknown;
}

export interface SiteOptions {
  name?: string;
  /** Default: a free port. */
  port?: number;
  /** Extra environment for the child (wins over the harness defaults), e.g. { EVENT_STREAMING_PULL_CRON: '*\/5 * * * * *' }. */
  env?: Record<string, string>;
  /** Default process.env.DATABASE_CLIENT || 'sqlite'. */
  client?: 'sqlite' | 'postgres' | 'mysql';
  /** SQLite file (default: data.db in a new temp dir). */
  dbFile?: string;
  /** Folder for the temp dir holding the SQLite file (default os.tmpdir()). */
  dataDir?: string;
  /** PostgreSQL database to use as is (not created, not dropped). Default: a fresh one. */
  dbName?: string;
  /** destroy() keeps the database / temp dir. */
  keepData?: boolean;
  admin?: { email?: string; password?: string; firstname?: string; lastname?: string };
  /** Register (or log in) the admin after boot. Default true. */
  registerAdmin?: boolean;
  /** Create `fullAccessToken` after boot. Default true. */
  createToken?: boolean;
  /** Serve the built admin panel (playground/dist/build must exist). */
  serveAdmin?: boolean;
  bootTimeoutMs?: number;
  /** Where the site's log file goes (default tests/artifacts). */
  logDir?: string;
}

export declare class Site {
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly client: 'sqlite' | 'postgres' | 'mysql';
  readonly dbFile: string | null;
  readonly dbName: string | null;
  readonly logFile: string;
  adminEmail: string;
  adminPassword: string;
  adminJwt: string | null;
  fullAccessToken: string | null;
  fullAccessTokenId: number | null;
  /** Wall time of the last boot (spawn to /_health 204), ms. */
  bootMs: number | null;
  boots: Array<{ at: string; ms: number; inProcessMs: number }>;
  readonly running: boolean;
  logTail(lines?: number): string;
  /** Raw HTTP: request('GET', '/_health'). */
  request<T = any>(method: string, path: string, body?: Body, opts?: RequestOptions): Promise<HttpResult<T>>;
  /** REST content API; `/customers` means `/api/customers`. Uses fullAccessToken unless opts.token is given. */
  api<T = any>(method: string, path: string, body?: Body, opts?: RequestOptions): Promise<HttpResult<T>>;
  /** Admin API with the admin JWT, e.g. admin('GET', '/event-streaming/consumers'). */
  admin<T = any>(method: string, path: string, body?: Body, opts?: Omit<RequestOptions, 'token'>): Promise<HttpResult<T>>;
  ensureAdmin(): Promise<string>;
  login(): Promise<string>;
  createApiToken(opts: {
    name: string;
    type?: 'full-access' | 'read-only' | 'custom';
    permissions?: string[];
    description?: string;
    lifespan?: number | null;
  }): Promise<ApiToken>;
  /** Create an i18n locale (e.g. 'fr') unless it exists. */
  ensureLocale(code: string, name?: string): Promise<{ id: number; code: string; name: string; isDefault: boolean }>;
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<this>;
  destroy(): Promise<void>;
}

export declare function startSite(opts?: SiteOptions): Promise<Site>;
export declare function startSites(nOrOpts: number | SiteOptions[], common?: SiteOptions): Promise<Site[]>;
export declare function stopAll(): Promise<void>;
export declare function waitFor<T>(fn: () => T | Promise<T>, opts?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;
export declare function httpRequest<T = any>(
  url: string,
  opts?: { method?: string; headers?: Record<string, string>; body?: Body; timeoutMs?: number }
): Promise<HttpResult<T>>;
export declare function expectStatus<T extends HttpResult>(res: T, what: string, expected?: number | number[]): T;
export declare function freePort(): Promise<number>;
export declare const DEFAULT_PASSWORD: string;
