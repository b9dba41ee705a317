'use strict';
/**
 * Jest globalSetup of the `integration` project: build the plugin, type-check and compile the
 * playground once. Every step throws with the tool's output on failure (pitfalls 6 and 10).
 * SKIP_BUILD=1 skips both (inner loop, when you know dist/ and playground/dist are fresh);
 * scripts/test.js sets it for the second (PostgreSQL) run.
 */
const fs = require('fs');
const { buildPlugin, compilePlayground } = require('./build');
const { ARTIFACTS } = require('./paths');

module.exports = async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  if (process.env.SKIP_BUILD === '1') {
    console.log('\n[global-setup] SKIP_BUILD=1: using the existing dist/ and playground/dist');
  } else {
    console.log('');
    buildPlugin();
    compilePlayground();
  }
  const client = process.env.DATABASE_CLIENT || 'sqlite';
  if (client === 'postgres' || client === 'mysql') {
    const { dropStaleDatabases } = require(client === 'mysql' ? './mysql' : './pg');
    const dropped = await dropStaleDatabases();
    if (dropped.length) console.log(`[global-setup] dropped ${dropped.length} stale test database(s)`);
  }
};
