'use strict';
/**
 * Child-process entry of one playground site (used by the test harness and the demo).
 *
 *   node tests/helpers/serve.js        (all settings through the environment: PORT, HOST,
 *                                       DATABASE_*, APP_KEYS, ..., EVENT_STREAMING_*, SITE_NAME)
 *
 * Boots the already compiled playground (playground/dist; see build.js), listens, and prints one
 * line `READY {"port":..,"pid":..,"bootMs":..}` on stdout. SIGTERM / SIGINT shut Strapi down cleanly.
 * Extra env: SERVE_ADMIN=true serves the built admin panel (playground/dist/build);
 * STRAPI_LOG_LEVEL sets the logger level; HARNESS_PARENT_PID makes the site exit when that
 * process disappears (so a crashed test run leaves no orphan servers).
 */
const fs = require('fs');
const { PLAYGROUND, PLAYGROUND_DIST, ADMIN_BUILD } = require('./paths');

const t0 = Date.now();
let app = null;
let stopping = false;

async function shutdown(signal, code = 0) {
  if (stopping) return;
  stopping = true;
  const hardExit = setTimeout(() => process.exit(code), 10000);
  hardExit.unref();
  try {
    if (app) await app.destroy();
  } catch (e) {
    console.error(`[serve] error during ${signal} shutdown:`, e);
  }
  process.exit(code);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

const parentPid = Number(process.env.HARNESS_PARENT_PID || 0);
if (parentPid) {
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      console.error(`[serve] parent ${parentPid} is gone, exiting`);
      shutdown('parent-exit');
    }
  }, 2000).unref();
}

(async () => {
  if (!fs.existsSync(PLAYGROUND_DIST)) {
    throw new Error(`${PLAYGROUND_DIST} does not exist: compile the playground first (tests/helpers/build.js compilePlayground)`);
  }
  const serveAdminPanel = process.env.SERVE_ADMIN === 'true';
  if (serveAdminPanel && !fs.existsSync(ADMIN_BUILD)) {
    throw new Error(`SERVE_ADMIN=true but ${ADMIN_BUILD} does not exist: run the admin build first`);
  }
  const { createStrapi } = require('@strapi/strapi');
  app = createStrapi({ appDir: PLAYGROUND, distDir: PLAYGROUND_DIST, autoReload: false, serveAdminPanel });
  if (process.env.STRAPI_LOG_LEVEL) app.log.level = process.env.STRAPI_LOG_LEVEL;
  await app.load();
  if (!app.plugin('event-streaming')) {
    // Pitfall 6: a missing plugin build is silent; make it loud.
    throw new Error('plugin event-streaming is not loaded (is dist/server/index.js built? run `npx strapi-plugin build`)');
  }
  await app.listen();
  const port = app.config.get('server.port');
  process.stdout.write(`READY ${JSON.stringify({ port, pid: process.pid, bootMs: Date.now() - t0 })}\n`);
})().catch((e) => {
  console.error('[serve] boot failed:', e && e.stack ? e.stack : e);
  shutdown('boot-failure', 1);
});
