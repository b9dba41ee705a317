'use strict';
/**
 * Jest globalSetup of the `e2e` project: the plugin (dist/), the compiled playground
 * (playground/dist) and the playground's admin panel (playground/dist/build), which the sites
 * serve with `serveAdmin: true`.
 *
 * - Plugin + playground: rebuilt unless every output is newer than every input. In `npm test`
 *   the integration project's globalSetup has just built them, so this costs nothing there.
 *   SKIP_BUILD=1 skips them (as in the integration project).
 * - Admin panel: buildAdmin() rebuilds only when its inputs changed (~1.5 min, 2 GB RSS).
 * - No Chromium: nothing is built (it would be wasted); every e2e suite then fails in its
 *   beforeAll with the install hint (helpers.ts launchBrowser). Never a silent skip.
 */
const fs = require('fs');
const path = require('path');
const { buildPlugin, compilePlayground, buildAdmin } = require('../helpers/build');
const { REPO_ROOT, PLAYGROUND, ARTIFACTS } = require('../helpers/paths');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Newest (or oldest) mtime of the files under the given paths; missing paths are ignored. */
function mtimes(paths) {
  const out = [];
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== 'node_modules') walk(path.join(p, e));
    } else out.push(st.mtimeMs);
  };
  paths.forEach(walk);
  return out;
}

/** True when every output exists and is newer than every input. */
function isFresh(inputs, outputs) {
  if (!outputs.every((o) => fs.existsSync(o))) return false;
  const newestInput = Math.max(0, ...mtimes(inputs));
  const oldestOutput = Math.min(...outputs.map((o) => fs.statSync(o).mtimeMs));
  return oldestOutput > newestInput;
}

module.exports = async () => {
  // Fresh screenshots every run: a stale picture from an earlier run must not pass for this one's.
  fs.rmSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true, force: true });
  fs.mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
  console.log('');
  if (!fs.existsSync(CHROMIUM)) {
    console.error(
      `[e2e] Chromium is missing (${CHROMIUM}): skipping the builds; every e2e suite will fail. ` +
        'Install it with `bash scripts/install-system-deps.sh`.'
    );
    return;
  }
  const r = (p) => path.join(REPO_ROOT, p);
  if (process.env.SKIP_BUILD === '1') {
    console.log('[e2e] SKIP_BUILD=1: using the existing dist/ and playground/dist');
  } else {
    const pluginInputs = ['server/src', 'admin/src', 'strapi-admin.ts', 'strapi-server.ts', 'package.json'].map(r);
    const pluginOutputs = ['dist/server/index.js', 'dist/admin/index.mjs'].map(r);
    if (isFresh(pluginInputs, pluginOutputs)) console.log('[e2e] plugin build is up to date (dist/)');
    else buildPlugin();
    const playgroundInputs = ['src', 'config', 'tsconfig.json', 'package.json'].map((p) => path.join(PLAYGROUND, p));
    const playgroundOutputs = ['dist/config/plugins.js', 'dist/config/server.js'].map((p) => path.join(PLAYGROUND, p));
    if (isFresh(playgroundInputs, playgroundOutputs)) console.log('[e2e] playground is up to date (playground/dist)');
    else compilePlayground();
  }
  buildAdmin();
};
