'use strict';
/**
 * Two-site (n-site) test harness: every site is a real playground Strapi in its own child
 * process (tests/helpers/serve.js), on its own port on 127.0.0.1 with its own SQLite file in a
 * temp dir, or its own fresh PostgreSQL / MySQL (MariaDB) database when DATABASE_CLIENT=postgres /
 * mysql.
 *
 *   const { startSite, startSites, stopAll } = require('./sites');
 *   const [a, b] = await startSites(2);                 // boots in parallel
 *   const res = await a.api('POST', '/customers', { data: { name: 'Ada' } });   // REST, full-access token
 *   await b.admin('GET', '/event-streaming/consumers'); // admin API, admin JWT
 *   await a.kill9(); await a.restart();                 // same DB, same port
 *   await stopAll();                                    // stop + drop DBs + remove temp dirs
 *
 * Prerequisites (done by the jest global setup, scripts/test.js and scripts/demo.js):
 * the plugin is built (dist/) and the playground is compiled (playground/dist). See build.js.
 */
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const http = require('http');
const crypto = require('crypto');
const { spawn } = require('child_process');
const { PLAYGROUND, ARTIFACTS, SERVE } = require('./paths');

const SITES = new Set();
const DEFAULT_PASSWORD = 'Harness12345!';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value (returned) or time runs out (throws, with the last value/error). */
async function waitFor(fn, { timeoutMs = 30000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${detail && detail.slice(0, 2000)}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Ports handed out: below Linux's ephemeral range (32768–60999 by default), which the kernel gives
 * every outgoing connection — a site booting for ten seconds on a port picked from that range lost
 * it to one of the other lane's database connections ("The port … is already used by another
 * application", a local CI run of stop 23). Random within the range, never twice in one process, checked free.
 */
const PORT_RANGE = [15000, 32700];
const handedOut = new Set();
async function freePort() {
  for (let i = 0; i < 200; i += 1) {
    const port = PORT_RANGE[0] + Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0]));
    if (handedOut.has(port) || !(await portIsFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.join('–')} after 200 tries`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * One HTTP request without connection pooling (a pooled keep-alive socket to a site that was
 * just SIGKILLed would fail the first request after restart). `body`: object (JSON), string,
 * Buffer, or FormData (multipart, e.g. media uploads). Returns { status, headers, body, text }.
 */
async function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 60000 } = {}) {
  let payload;
  const hdrs = { accept: 'application/json', ...headers };
  if (body instanceof FormData) {
    const req = new Request('http://multipart.invalid/', { method: 'POST', body });
    payload = Buffer.from(await req.arrayBuffer());
    hdrs['content-type'] = req.headers.get('content-type');
  } else if (Buffer.isBuffer(body) || typeof body === 'string') {
    payload = body;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    hdrs['content-type'] = hdrs['content-type'] || 'application/json';
  }
  if (payload !== undefined) hdrs['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: hdrs, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        if (/json/.test(res.headers['content-type'] || '') && text) {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed === '' ? null : parsed, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const short = (v, n = 1500) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > n ? `${s.slice(0, n)}...` : s;
};

/** Throw a readable error unless res.status is 2xx (or one of `expected`). Returns res. */
function expectStatus(res, what, expected) {
  const ok = expected ? [].concat(expected).includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) throw new Error(`${what}: HTTP ${res.status} ${short(res.body)}`);
  return res;
}

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

class Site {
  constructor(opts) {
    this.name = opts.name;
    this.port = opts.port;
    this.host = '127.0.0.1';
    this.url = `http://${this.host}:${this.port}`;
    this.opts = opts;
    this.client = opts.client;
    this.dbFile = opts.dbFile || null;
    this.dbName = opts.dbName || null;
    this.tmpDir = opts.tmpDir || null;
    this.logFile = opts.logFile;
    this.env = opts.childEnv;
    this.adminEmail = opts.admin.email;
    this.adminPassword = opts.admin.password;
    this.adminJwt = null;
    this.fullAccessToken = null;
    this.fullAccessTokenId = null;
    this.child = null;
    this.bootMs = null;
    this.boots = [];
  }

  /** Spawn serve.js and wait for READY + /_health. */
  async _boot() {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    log.write(
      `\n===== ${new Date().toISOString()} boot ${this.name} on ${this.url} (${this.client}${this.dbFile ? ` ${this.dbFile}` : ''}${this.dbName ? ` ${this.dbName}` : ''})\n`
    );
    const t0 = Date.now();
    const child = spawn(process.execPath, [SERVE], { cwd: PLAYGROUND, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.exitPromise = exited;
    log.on('error', () => {});
    child.once('close', (code, signal) => {
      log.end(`===== ${new Date().toISOString()} exit code=${code} signal=${signal}\n`);
    });
    child.stderr.pipe(log, { end: false });
    const ready = new Promise((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (chunk) => {
        log.write(chunk);
        buf += chunk.toString('utf8');
        const m = buf.match(/^READY (\{.*\})$/m);
        if (m) {
          buf = '';
          resolve(JSON.parse(m[1]));
        } else if (buf.length > 65536) buf = buf.slice(-4096);
      });
      exited.then(({ code, signal }) => reject(new Error(`exited before READY (code ${code}, signal ${signal})`)));
    });
    const timeoutMs = this.opts.bootTimeoutMs;
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not READY after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const info = await Promise.race([ready, timeout]);
      await waitFor(async () => (await httpRequest(`${this.url}/_health`)).status === 204, {
        timeoutMs: 15000,
        what: `${this.url}/_health`,
      });
      this.bootMs = Date.now() - t0;
      this.boots.push({ at: new Date().toISOString(), ms: this.bootMs, inProcessMs: info.bootMs });
    } catch (e) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await sleep(50);
      throw new Error(
        `site "${this.name}" (${this.url}) failed to boot: ${e.message}\n--- ${this.logFile} (tail) ---\n${tail(this.logFile)}`
      );
    } finally {
      clearTimeout(timer);
    }
  }

  get running() {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  logTail(lines = 60) {
    return tail(this.logFile, lines);
  }

  /** Raw HTTP against the site: request('GET', '/_health'). opts.token adds `Authorization: Bearer`. */
  request(method, urlPath, body, { token, headers = {}, timeoutMs } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    return httpRequest(`${this.url}${urlPath.startsWith('/') ? '' : '/'}${urlPath}`, { method, body, headers: h, timeoutMs });
  }

  /**
   * REST content API. `path` is prefixed with /api unless it already starts with /api/.
   * Authenticates with the full-access token unless opts.token is given (null: anonymous).
   */
  api(method, urlPath, body, opts = {}) {
    const p = urlPath.startsWith('/api/') || urlPath === '/api' ? urlPath : `/api${urlPath.startsWith('/') ? '' : '/'}${urlPath}`;
    const token = Object.prototype.hasOwnProperty.call(opts, 'token') ? opts.token : this.fullAccessToken;
    return this.request(method, p, body, { ...opts, token });
  }

  /** Admin API with the admin JWT (`/admin/...`, `/event-streaming/...`, `/i18n/locales`, ...). Logs in again on a 401. */
  async admin(method, urlPath, body, opts = {}) {
    if (!this.adminJwt) await this.login();
    let res = await this.request(method, urlPath, body, { ...opts, token: this.adminJwt });
    if (res.status === 401 && this.adminPassword) {
      await this.login();
      res = await this.request(method, urlPath, body, { ...opts, token: this.adminJwt });
    }
    return res;
  }

  /** Register the first super admin, or log in when the site already has one. */
  async ensureAdmin() {
    const init = expectStatus(await this.request('GET', '/admin/init'), `${this.name}: GET /admin/init`);
    if (init.body && init.body.data && init.body.data.hasAdmin) return this.login();
    const res = expectStatus(
      await this.request('POST', '/admin/register-admin', {
        firstname: this.opts.admin.firstname,
        lastname: this.opts.admin.lastname,
        email: this.adminEmail,
        password: this.adminPassword,
      }),
      `${this.name}: POST /admin/register-admin`
    );
    this.adminJwt = res.body.data.token;
    return this.adminJwt;
  }

  async login() {
    const res = expectStatus(
      await this.request('POST', '/admin/login', { email: this.adminEmail, password: this.adminPassword }),
      `${this.name}: POST /admin/login as ${this.adminEmail}`
    );
    this.adminJwt = res.body.data.token;
    return this.adminJwt;
  }

  /**
   * Create an API token through the admin API. type: 'full-access' | 'read-only' | 'custom'
   * (custom needs `permissions`, e.g. ['api::customer.customer.find', 'plugin::event-streaming.stream.pull']).
   * Returns the created token (`accessKey` is the secret, `id` its id). A token with the same
   * name is deleted first (keeps re-runs on a persistent DB working).
   */
  async createApiToken({ name, type = 'full-access', permissions, description = 'created by the test harness', lifespan = null } = {}) {
    if (!name) throw new Error('createApiToken: name is required');
    const list = await this.admin('GET', '/admin/api-tokens');
    const existing = (list.body && list.body.data ? list.body.data : []).find((t) => t.name === name);
    if (existing) expectStatus(await this.admin('DELETE', `/admin/api-tokens/${existing.id}`), `${this.name}: DELETE api token ${name}`);
    const body = { name, description, type, lifespan, kind: 'content-api' };
    if (type === 'custom') body.permissions = permissions || [];
    const res = expectStatus(
      await this.admin('POST', '/admin/api-tokens', body),
      `${this.name}: POST /admin/api-tokens (${name}, ${type})`
    );
    return res.body.data;
  }

  /** Make sure an i18n locale exists (the default `en` always does). */
  async ensureLocale(code, name = `${code} (${code})`) {
    const list = expectStatus(await this.admin('GET', '/i18n/locales'), `${this.name}: GET /i18n/locales`);
    const found = list.body.find((l) => l.code === code);
    if (found) return found;
    const res = expectStatus(
      await this.admin('POST', '/i18n/locales', { name, code, isDefault: false }),
      `${this.name}: POST /i18n/locales ${code}`
    );
    return res.body;
  }

  async _afterBoot() {
    if (this.opts.registerAdmin === false) return;
    if (this.adminJwt) {
      const me = await this.request('GET', '/admin/users/me', undefined, { token: this.adminJwt });
      if (me.status !== 200) await this.login();
    } else {
      await this.ensureAdmin();
    }
    if (this.opts.createToken !== false && !this.fullAccessToken) {
      const t = await this.createApiToken({ name: `${this.name} full access (harness)`, type: 'full-access' });
      this.fullAccessToken = t.accessKey;
      this.fullAccessTokenId = t.id;
    }
  }

  /** SIGTERM and wait for the process to exit (Strapi shuts down cleanly). */
  async stop({ timeoutMs = 15000 } = {}) {
    if (!this.running) return;
    const { child } = this;
    child.kill('SIGTERM');
    let timer;
    const done = await Promise.race([
      child.exitPromise,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!done) {
      child.kill('SIGKILL');
      await child.exitPromise;
    }
  }

  /** SIGKILL: a crash, no shutdown hooks. */
  async kill9() {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.child.exitPromise;
  }

  /** Stop (if running) and boot again on the same port and database. */
  async restart() {
    await this.stop();
    await waitFor(() => portIsFree(this.port), { timeoutMs: 10000, what: `port ${this.port} to be free` });
    await this._boot();
    await this._afterBoot();
    return this;
  }

  /** Stop, drop the PostgreSQL / MySQL database / remove the temp dir (unless keepData). Log files stay. */
  async destroy() {
    await this.stop();
    SITES.delete(this);
    if (this.opts.keepData) return;
    if (this.dbName) await dbHelper(this.client).dropDatabase(this.dbName);
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }

  toJSON() {
    return {
      name: this.name,
      url: this.url,
      client: this.client,
      dbFile: this.dbFile,
      dbName: this.dbName,
      logFile: this.logFile,
      bootMs: this.bootMs,
    };
  }
}

/** The helper that creates and drops a site's database: pg.js or mysql.js. */
const dbHelper = (client) => require(client === 'mysql' ? './mysql' : './pg');

let counter = 0;
const slug = (s) =>
  String(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'site';

/**
 * Boot one playground site in a child process and return a ready Site: admin registered
 * (site.adminJwt) and a full-access API token created (site.fullAccessToken).
 *
 * opts: name; port (default: a free one); env (extra child env, wins over everything);
 * client ('sqlite' | 'postgres' | 'mysql', default process.env.DATABASE_CLIENT || 'sqlite');
 * dbFile (sqlite path; default a new temp dir); dataDir (where the sqlite file goes);
 * keepData (destroy() keeps the DB); admin {email, password, firstname, lastname};
 * registerAdmin / createToken (default true); serveAdmin (serve playground/dist/build);
 * bootTimeoutMs (default 120000); logDir (default tests/artifacts).
 */
async function startSite(opts = {}) {
  try {
    return await startSiteOnce(opts);
  } catch (e) {
    // Another process bound the port between the check and the boot: once more on another one.
    if (opts.port || !/already used by another application/.test(String(e && e.message))) throw e;
    return startSiteOnce(opts);
  }
}

async function startSiteOnce(opts) {
  counter += 1;
  const name = opts.name || `site-${counter}`;
  const port = opts.port || (await freePort());
  const client = opts.client || process.env.DATABASE_CLIENT || 'sqlite';
  if (!['sqlite', 'postgres', 'mysql'].includes(client)) throw new Error(`unsupported DATABASE_CLIENT ${client}`);
  const id = crypto.randomBytes(4).toString('hex');
  const secret = (what) => `${slug(name)}-${what}-${id}`;

  let tmpDir = null;
  let dbFile = null;
  let dbName = null;
  const dbEnv = { DATABASE_CLIENT: client };
  if (client === 'sqlite') {
    if (opts.dbFile) dbFile = path.resolve(opts.dbFile);
    else {
      const base = opts.dataDir || os.tmpdir();
      fs.mkdirSync(base, { recursive: true });
      tmpDir = fs.mkdtempSync(path.join(base, `es-${slug(name)}-`));
      dbFile = path.join(tmpDir, 'data.db');
    }
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    dbEnv.DATABASE_FILENAME = dbFile;
  } else {
    dbName = opts.dbName || `es_test_${slug(name).replace(/-/g, '_').slice(0, 20)}_p${process.pid}_${Date.now().toString(36)}_${id}`;
    if (!opts.dbName) await dbHelper(client).createDatabase(dbName);
    dbEnv.DATABASE_NAME = dbName;
  }

  const childEnv = {
    ...process.env,
    NODE_ENV: process.env.SITE_NODE_ENV || 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SITE_NAME: name,
    APP_KEYS: `${secret('k1')},${secret('k2')}`,
    ADMIN_JWT_SECRET: secret('admin-jwt'),
    API_TOKEN_SALT: secret('api-token-salt'),
    TRANSFER_TOKEN_SALT: secret('transfer-salt'),
    ENCRYPTION_KEY: secret('encryption-key-0123456789'),
    JWT_SECRET: secret('jwt'),
    EVENT_STREAMING_PULL_CRON: '*/2 * * * * *',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'false',
    FORCE_COLOR: '0',
    HARNESS_PARENT_PID: String(process.pid),
    SERVE_ADMIN: opts.serveAdmin ? 'true' : 'false',
    ...dbEnv,
    ...(opts.env || {}),
  };
  if (client !== 'sqlite' && !(opts.env && opts.env.DATABASE_URL)) delete childEnv.DATABASE_URL;
  // Jest's worker env must not leak into the server (e.g. JEST_WORKER_ID changes nothing, but keep it clean).
  delete childEnv.JEST_WORKER_ID;

  const logDir = opts.logDir || ARTIFACTS;
  const site = new Site({
    ...opts,
    name,
    port,
    client,
    dbFile,
    dbName,
    tmpDir,
    childEnv,
    bootTimeoutMs: opts.bootTimeoutMs || 120000,
    logFile: path.join(logDir, `${slug(name)}-${port}-${Date.now().toString(36)}.log`),
    admin: {
      email: `admin@${slug(name)}.test`,
      password: DEFAULT_PASSWORD,
      firstname: 'Harness',
      lastname: name,
      ...(opts.admin || {}),
    },
  });
  SITES.add(site);
  try {
    await site._boot();
    await site._afterBoot();
  } catch (e) {
    await site.destroy().catch(() => {});
    throw e;
  }
  return site;
}

/** Boot n sites in parallel: startSites(2) or startSites([{ name: 'a' }, { name: 'b', env: {...} }]). */
async function startSites(nOrOpts, common = {}) {
  const list = Array.isArray(nOrOpts)
    ? nOrOpts
    : Array.from({ length: nOrOpts }, (_, i) => ({ name: `site-${String.fromCharCode(97 + i)}` }));
  const results = await Promise.allSettled(
    list.map((o) => startSite({ ...common, ...o, env: { ...(common.env || {}), ...(o.env || {}) } }))
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    await Promise.all(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.destroy().catch(() => {})));
    throw failed[0].reason;
  }
  return results.map((r) => r.value);
}

/** Destroy every site this process started (use in afterAll). */
async function stopAll() {
  const errors = [];
  await Promise.all([...SITES].map((s) => s.destroy().catch((e) => errors.push(e))));
  if (errors.length) throw errors[0];
}

module.exports = { startSite, startSites, stopAll, waitFor, httpRequest, expectStatus, freePort, Site, DEFAULT_PASSWORD };
