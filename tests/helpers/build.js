'use strict';
/**
 * Build steps shared by the jest global setup, scripts/test.js and scripts/demo.js.
 * Every step runs in a child process and throws (with the tool's output) on failure, so a
 * TypeScript error or a failed build is loud (pitfalls 6, 7, 10).
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { REPO_ROOT, PLAYGROUND, PLAYGROUND_DIST, ADMIN_BUILD, BIN } = require('./paths');

function run(cmd, args, { cwd = REPO_ROOT, env = {}, label = `${cmd} ${args.join(' ')}`, quiet = false } = {}) {
  const t0 = Date.now();
  const res = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true', ...env },
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${res.stdout || ''}${res.stderr || ''}`;
  if (res.error || res.status !== 0) {
    const tail = out.split('\n').slice(-60).join('\n');
    throw new Error(`${label} failed (exit ${res.status}${res.error ? `, ${res.error.message}` : ''}):\n${tail}`);
  }
  return { ms: Date.now() - t0, output: out };
}

/** `strapi-plugin build` at the repo root: dist/server + dist/admin (pitfall 6: without it the plugin is silently absent). */
function buildPlugin({ log = console.log } = {}) {
  const { ms } = run(path.join(BIN, 'strapi-plugin'), ['build'], { label: 'strapi-plugin build' });
  for (const f of ['dist/server/index.js', 'dist/admin/index.mjs']) {
    if (!fs.existsSync(path.join(REPO_ROOT, f))) throw new Error(`strapi-plugin build succeeded but ${f} is missing`);
  }
  log(`[build] plugin built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** Type-check the playground (tsc --noEmit) then compileStrapi() it to playground/dist (pitfall 10). */
function compilePlayground({ log = console.log } = {}) {
  const tsc = run(path.join(BIN, 'tsc'), ['-p', path.join(PLAYGROUND, 'tsconfig.json'), '--noEmit', '--incremental', 'false'], {
    label: 'tsc on playground',
  });
  const script = `require('@strapi/strapi').compileStrapi({ appDir: ${JSON.stringify(PLAYGROUND)} })
    .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
  const comp = run(process.execPath, ['-e', script], { label: 'compileStrapi(playground)' });
  if (!fs.existsSync(path.join(PLAYGROUND_DIST, 'config', 'plugins.js'))) {
    throw new Error(`compileStrapi succeeded but ${PLAYGROUND_DIST}/config/plugins.js is missing`);
  }
  log(`[build] playground type-checked in ${(tsc.ms / 1000).toFixed(1)} s, compiled in ${(comp.ms / 1000).toFixed(1)} s`);
  return tsc.ms + comp.ms;
}

function hashTree(hash, dir) {
  if (!fs.existsSync(dir)) return;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else
        hash
          .update(`${path.relative(REPO_ROOT, p)}\0`)
          .update(fs.readFileSync(p))
          .update('\0');
    }
  };
  walk(dir);
}

/** Content hash of everything the admin build depends on (mtimes are useless: the plugin build rewrites dist/admin every time). */
function adminInputsHash() {
  const hash = require('crypto').createHash('sha256');
  hashTree(hash, path.join(REPO_ROOT, 'dist', 'admin'));
  hashTree(hash, path.join(PLAYGROUND, 'config'));
  hashTree(hash, path.join(PLAYGROUND, 'src'));
  hash.update(fs.readFileSync(path.join(PLAYGROUND, 'package.json')));
  hash.update(require('@strapi/strapi/package.json').version);
  return hash.digest('hex');
}

const ADMIN_HASH_FILE = path.join(ADMIN_BUILD, '.event-streaming-inputs.sha256');

/** Why the admin build must be redone ('missing' | 'stale'), or null when it is up to date. */
function adminBuildIsStale() {
  if (!fs.existsSync(path.join(ADMIN_BUILD, 'index.html'))) return 'missing';
  if (!fs.existsSync(ADMIN_HASH_FILE)) return 'stale';
  return fs.readFileSync(ADMIN_HASH_FILE, 'utf8').trim() === adminInputsHash() ? null : 'stale';
}

/** `strapi build` of the playground admin panel (~1.5 min, 2 GB RSS); only when missing or stale unless force. */
function buildAdmin({ force = false, log = console.log } = {}) {
  const why = force ? 'forced' : adminBuildIsStale();
  if (!why) {
    log('[build] admin panel is up to date (playground/dist/build)');
    return 0;
  }
  log(`[build] building the admin panel (${why}); this takes about 1.5 minutes...`);
  const { ms } = run(path.join(BIN, 'strapi'), ['build'], {
    cwd: PLAYGROUND,
    env: { NODE_ENV: 'production' },
    label: 'strapi build (playground admin)',
  });
  if (!fs.existsSync(path.join(ADMIN_BUILD, 'index.html'))) throw new Error('strapi build succeeded but dist/build/index.html is missing');
  // Pitfall 21: a wrong plugin path in config/plugins silently leaves the plugin's admin out.
  const entry = path.join(PLAYGROUND, '.strapi', 'client', 'app.js');
  if (fs.existsSync(entry) && !/["']event-streaming["']\s*:/.test(fs.readFileSync(entry, 'utf8'))) {
    throw new Error(`strapi build did not include the event-streaming plugin's admin (${entry}); check playground/config/plugins.ts`);
  }
  fs.writeFileSync(ADMIN_HASH_FILE, `${adminInputsHash()}\n`);
  log(`[build] admin panel built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

module.exports = { run, buildPlugin, compilePlayground, buildAdmin, adminBuildIsStale };
