/**
 * Issue 5.7: the package as the marketplace ships it. `strapi-plugin verify` passes, and the
 * `npm pack` tarball, installed into a fresh Strapi 5 app (not the playground, no `resolve`: found
 * through its package.json like any npm plugin), boots and serves the plugin's routes.
 *
 * The fresh app gets the tarball unpacked as node_modules/strapi-plugin-event-streaming (what
 * `npm install <tgz>` does) and every other package linked from the repository's node_modules,
 * so the test needs no network and no second 700 MB install. Node runs with --preserve-symlinks so
 * that Strapi (linked) looks the plugin up from the fresh app's node_modules, as it would there.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort, httpRequest, waitFor } from '../helpers/sites';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

let appDir: string;
let tarball: string;
let outDir: string;

beforeAll(() => {
  const out = (outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-pack-')));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  tarball = path.join(out, name);

  appDir = path.join(out, 'fresh-app');
  fs.mkdirSync(path.join(appDir, 'node_modules'), { recursive: true });
  for (const entry of fs.readdirSync(NODE_MODULES)) {
    if (entry === '.bin' || entry === 'strapi-plugin-event-streaming') continue;
    fs.symlinkSync(path.join(NODE_MODULES, entry), path.join(appDir, 'node_modules', entry));
  }
  const pluginDir = path.join(appDir, 'node_modules', 'strapi-plugin-event-streaming');
  fs.mkdirSync(pluginDir);
  execFileSync('tar', ['-xzf', tarball, '-C', pluginDir, '--strip-components=1']);

  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(appDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(appDir, rel), text);
  };
  write(
    'package.json',
    JSON.stringify({
      name: 'fresh-app',
      private: true,
      version: '0.0.1',
      dependencies: {
        '@strapi/strapi': '5.54.0',
        '@strapi/plugin-users-permissions': '5.54.0',
        'better-sqlite3': '12.9.0',
        'strapi-plugin-event-streaming': `file:${tarball}`,
      },
    })
  );
  write(
    'config/database.js',
    `module.exports = () => ({ connection: { client: 'sqlite', connection: { filename: ${JSON.stringify(path.join(appDir, 'data.db'))} }, useNullAsDefault: true } });`
  );
  write(
    'config/server.js',
    `module.exports = ({ env }) => ({ host: '127.0.0.1', port: env.int('PORT'), app: { keys: ['a', 'b'] }, logger: { updates: { enabled: false }, startup: { enabled: false } } });`
  );
  write(
    'config/admin.js',
    `module.exports = () => ({ auth: { secret: 'fresh-admin' }, apiToken: { salt: 'fresh-salt' }, transfer: { token: { salt: 'fresh-transfer' } }, secrets: { encryptionKey: 'fresh-app-encryption-key-0123456789' } });`
  );
  write('config/plugins.js', `module.exports = () => ({ 'event-streaming': { config: { siteName: 'Fresh app' } } });`);
  write(
    'config/middlewares.js',
    `module.exports = ['strapi::logger','strapi::errors','strapi::security','strapi::cors','strapi::poweredBy','strapi::query','strapi::body','strapi::session','strapi::favicon','strapi::public'];`
  );
  write('src/index.js', 'module.exports = { register() {}, bootstrap() {} };');
  write('public/uploads/.gitkeep', '');
  write(
    'src/api/thing/content-types/thing/schema.json',
    JSON.stringify({
      kind: 'collectionType',
      collectionName: 'things',
      info: { singularName: 'thing', pluralName: 'things', displayName: 'Thing' },
      options: {},
      attributes: { name: { type: 'string' } },
    })
  );
  write('src/api/thing/routes/thing.js', "module.exports = require('@strapi/strapi').factories.createCoreRouter('api::thing.thing');");
  write(
    'src/api/thing/controllers/thing.js',
    "module.exports = require('@strapi/strapi').factories.createCoreController('api::thing.thing');"
  );
  write('src/api/thing/services/thing.js', "module.exports = require('@strapi/strapi').factories.createCoreService('api::thing.thing');");
});

afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('strapi-plugin verify passes', () => {
  const res = spawnSync(path.join(NODE_MODULES, '.bin', 'strapi-plugin'), ['verify'], { cwd: ROOT, encoding: 'utf8' });
  expect(`${res.stdout}${res.stderr}`).toMatch(/Verified package\.json/);
  expect(res.status).toBe(0);
});

test('the tarball holds the built plugin and nothing of the sources', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(files).toEqual(
    expect.arrayContaining(['package/package.json', 'package/README.md', 'package/dist/server/index.js', 'package/dist/admin/index.mjs'])
  );
  expect(
    files.filter((f) => f.startsWith('package/server/') || f.startsWith('package/tests/') || f.startsWith('package/playground/'))
  ).toEqual([]);
});

test('installed from the tarball into a fresh Strapi 5 app, it boots and serves its routes', async () => {
  const port = await freePort();
  const script = `
    const { createStrapi } = require('@strapi/strapi');
    (async () => {
      const app = createStrapi({ appDir: process.cwd(), distDir: process.cwd(), autoReload: false, serveAdminPanel: false });
      await app.load();
      const plugin = app.plugin('event-streaming');
      if (!plugin) throw new Error('plugin not loaded');
      if (!require.resolve('strapi-plugin-event-streaming/package.json').startsWith(process.cwd())) throw new Error('plugin resolved outside the fresh app');
      if (!app.contentType('plugin::event-streaming.event-update-log')) throw new Error('content types missing');
      await app.listen();
      process.stdout.write('READY\\n');
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['--preserve-symlinks', '-e', script], {
    cwd: appDir,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'development', STRAPI_TELEMETRY_DISABLED: 'true' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    await waitFor(() => output.includes('READY') || (child.exitCode !== null ? Promise.reject(new Error(output)) : false), {
      timeoutMs: 90_000,
      what: 'fresh app boot',
    });
    // The site-to-site API is mounted: without a token it is refused, not missing.
    const res = await httpRequest(`http://127.0.0.1:${port}/api/event-streaming/updates`);
    expect(res.status).toBe(403);
    const admin = await httpRequest(`http://127.0.0.1:${port}/event-streaming/producers`);
    expect(admin.status).toBe(401);
  } finally {
    child.kill('SIGTERM');
  }
});
