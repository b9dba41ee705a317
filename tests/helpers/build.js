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

function newestMtime(dir, skip = []) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (skip.some((s) => p.startsWith(s))) continue;
      if (e.isDirectory()) stack.push(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

/**
 * The admin build is stale when the plugin's admin bundle, the playground's source (config,
 * content types) or the installed Strapi changed after the last build.
 */
function adminBuildIsStale() {
  const marker = path.join(ADMIN_BUILD, 'index.html');
  if (!fs.existsSync(marker)) return 'missing';
  const built = fs.statSync(marker).mtimeMs;
  const inputs = [
    newestMtime(path.join(REPO_ROOT, 'dist', 'admin')),
    newestMtime(path.join(PLAYGROUND, 'config')),
    newestMtime(path.join(PLAYGROUND, 'src')),
    fs.statSync(path.join(REPO_ROOT, 'node_modules', '@strapi', 'strapi', 'package.json')).mtimeMs,
  ];
  return inputs.some((m) => m > built) ? 'stale' : null;
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
  log(`[build] admin panel built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

module.exports = { run, buildPlugin, compilePlayground, buildAdmin, adminBuildIsStale };
