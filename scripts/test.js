#!/usr/bin/env node
'use strict';
/**
 * `npm test`: jest (unit + integration + e2e) on SQLite, then the integration project again on
 * PostgreSQL, then on MariaDB (e2e runs once: its sites always use SQLite; it needs
 * /usr/bin/chromium and fails without it). Ends with one line `N passed, N failed` summing all
 * runs; exits non-zero on any failure.
 *
 *   TEST_DB=sqlite|postgres|mariadb|both   default: both when PostgreSQL is installed, else sqlite
 *                                          (both = SQLite, PostgreSQL, and MariaDB when installed;
 *                                          mysql is an alias of mariadb)
 *   npm test -- <jest args>        e.g. `npm test -- tests/integration/harness.test.ts`
 *
 * PostgreSQL: uses the local Debian cluster (starts it with pg_ctlcluster if it is down and
 * creates the role strapi/strapi CREATEDB if missing, which needs root). Every test site gets
 * a fresh database, dropped at teardown. DATABASE_HOST/PORT/USERNAME/PASSWORD override.
 *
 * MariaDB (DATABASE_CLIENT=mysql, driver mysql2): uses the local server of the Debian package
 * mariadb-server on 127.0.0.1:3306 (starts it with `service mariadb start`, or mysqld_safe, if
 * it is down, and creates the user strapi/strapi with every right on the test databases
 * `es_*`, which needs root). MARIADB_HOST/PORT/USERNAME/PASSWORD override.
 *
 * Two lanes (TEST_DB=both, the CI run): the plugin and the playground are built once, then the
 * SQLite run (lane 1) and the PostgreSQL run followed by the MariaDB pass (lane 2, its lines
 * prefixed) go side by side — most of a test's time is sites waiting on each other over HTTP, so
 * on 2 cores the two lanes take about the time of the longer one. TEST_LANES=1 runs them one
 * after the other as before.
 */
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const extraArgs = process.argv.slice(2);

const log = (...a) => console.log('[test]', ...a);
const warn = (...a) => console.warn('\x1b[33m[test] WARNING:\x1b[0m', ...a);

/**
 * The MariaDB pass of `npm test`: the tests of every README guarantee, plus the harness and the
 * basic streaming test. The rest of the integration project (input validation, security, content
 * shapes, the package) is database-neutral HTTP behaviour, already run on SQLite and
 * PostgreSQL; it passes on MariaDB too (`TEST_DB=mariadb npm test`, or MARIADB_TESTS=all).
 */
const MARIADB_GUARANTEE_TESTS = [
  'harness',
  'streaming',
  'guarantees',
  'guarantees-postgres',
  'guarantees-bidirectional',
  'reliability',
  'retention',
  'retry',
  'sequencer-size',
  'pull-mirror',
]
  .map((f) => `tests/integration/${f}.test.ts`)
  .concat('tests/unit/raw-rows.test.ts');

const { ensureMariadb, mariadbEnv } = require('./mariadb');
const { ensurePostgres, pgInstalled } = require('./postgres');

const mariadbInstalled = () => fs.existsSync('/usr/sbin/mariadbd') || fs.existsSync('/usr/sbin/mysqld');

/** The result of one jest run from its JSON report (and exit status). */
function collect(label, status, out, t0) {
  let passed = 0;
  let failed = 0;
  let ok = status === 0;
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed = j.numPassedTests;
    failed = j.numFailedTests;
    // A suite that failed outside a test (e.g. beforeAll threw, syntax error) has no failed test: count it.
    const brokenSuites = (j.testResults || []).filter(
      (s) => s.status === 'failed' && !(s.assertionResults || []).some((a) => a.status === 'failed')
    );
    failed += brokenSuites.length;
    if (j.numRuntimeErrorTestSuites && !brokenSuites.length) failed += j.numRuntimeErrorTestSuites;
  } else {
    ok = false;
    failed += 1;
    warn(`jest (${label}) wrote no result file (exit ${status}); counted as 1 failure`);
  }
  if (status !== 0 && failed === 0) failed = 1; // e.g. globalSetup failed after tests were collected
  log(`jest (${label}): ${passed} passed, ${failed} failed, exit ${status}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { passed, failed, ok: ok && failed === 0 };
}

const jestArgs = (label, args) => {
  const out = path.join(ARTIFACTS, `jest-${label}.json`);
  fs.rmSync(out, { force: true });
  log(`--- jest (${label}): jest ${args.join(' ')}`);
  return { out, argv: [JEST, '--runInBand', '--json', `--outputFile=${out}`, ...args] };
};

function runJest(label, args, env) {
  const { out, argv } = jestArgs(label, args);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return collect(label, r.status, out, t0);
}

/** runJest in the background; with `prefix`, every output line is prefixed (the second lane). */
function runJestAsync(label, args, env, prefix = '') {
  const { out, argv } = jestArgs(label, args);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    if (prefix) {
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        let rest = '';
        from.on('data', (chunk) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop();
          for (const line of lines) to.write(`${prefix}${line}\n`);
        });
        from.on('end', () => rest && to.write(`${prefix}${rest}\n`));
      }
    }
    child.on('close', (status) => resolve(collect(label, status, out, t0)));
  });
}

(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  let requested = (process.env.TEST_DB || '').toLowerCase();
  if (requested === 'mysql') requested = 'mariadb';
  if (requested && !['sqlite', 'postgres', 'mariadb', 'both'].includes(requested)) {
    console.error(`[test] TEST_DB must be sqlite, postgres, mariadb or both (got ${requested})`);
    process.exit(2);
  }
  let mode = requested;
  if (!mode) {
    if (pgInstalled()) mode = 'both';
    else {
      mode = 'sqlite';
      warn(
        'PostgreSQL is not installed: running on SQLite only. Install it with `bash scripts/install-system-deps.sh` (or set TEST_DB=sqlite to silence this).'
      );
    }
  }
  const withMariadb = mode === 'mariadb' || (mode === 'both' && mariadbInstalled());
  if (mode === 'both' && !withMariadb)
    warn('MariaDB is not installed: no MariaDB pass. Install it with `bash scripts/install-system-deps.sh`.');
  // Type errors fail the run first (the plugin build does not type-check: strapi-plugin build
  // only transpiles when the exports carry no `types`).
  if (!extraArgs.length) {
    log('--- typecheck: tsc -p server/tsconfig.json && tsc -p admin/tsconfig.json');
    for (const project of ['server/tsconfig.json', 'admin/tsconfig.json']) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--noEmit'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      if (r.status !== 0) {
        console.error(`[test] type errors in ${project}`);
        console.log('0 passed, 1 failed');
        process.exit(1);
      }
    }
    // Lint and format (eslint.config.mjs, .prettierrc.json): `npm run lint`.
    log('--- lint: eslint . && prettier --check .');
    for (const [bin, args] of [
      [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), ['.']],
      [path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), ['--check', '.']],
    ]) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) {
        console.error(`[test] lint failed (${path.basename(bin)}); \`npm run format\` fixes what it can`);
        console.log('0 passed, 1 failed');
        process.exit(1);
      }
    }
  }
  const results = [];
  if (mode === 'postgres' || mode === 'both') {
    try {
      await ensurePostgres();
    } catch (e) {
      console.error(`[test] PostgreSQL is not usable: ${e.message}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  if (withMariadb) {
    try {
      await ensureMariadb();
    } catch (e) {
      console.error(`[test] MariaDB is not usable: ${e.message}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  let built = false; // the first jest run builds the plugin and the playground; later ones reuse them
  const skipBuild = () => (built ? { SKIP_BUILD: '1' } : {});
  const sqliteArgs = ['--passWithNoTests', ...extraArgs];
  const postgresArgs = ['--selectProjects', 'integration', '--passWithNoTests', ...extraArgs];
  const mariadbArgs = () => {
    // `npm test` (both): the guarantee tests only, to keep CI under 30 minutes, unless
    // MARIADB_TESTS=all; TEST_DB=mariadb runs the whole integration project (or the files given).
    const subset = mode === 'both' && !extraArgs.length && process.env.MARIADB_TESTS !== 'all';
    const files = subset ? MARIADB_GUARANTEE_TESTS : [];
    if (subset) log(`MariaDB pass: the guarantee tests (${files.length} files); MARIADB_TESTS=all for the whole integration project`);
    // The unit project too: tests/unit/raw-rows.test.ts pins capture's raw statement on MariaDB.
    return ['--selectProjects', 'integration', 'unit', '--passWithNoTests', ...files, ...extraArgs];
  };
  const mariadbEnvAll = () => ({ DATABASE_CLIENT: 'mysql', ...mariadbEnv(), SKIP_BUILD: '1' });
  if (mode === 'both' && process.env.TEST_LANES !== '1') {
    log('--- build (once, for both lanes): plugin, playground');
    const { buildPlugin, compilePlayground } = require('../tests/helpers/build');
    buildPlugin();
    compilePlayground();
    log('--- two lanes: SQLite | PostgreSQL, then MariaDB (lines prefixed [pg] / [mariadb])');
    const lane1 = runJestAsync('sqlite', sqliteArgs, { DATABASE_CLIENT: 'sqlite', SKIP_BUILD: '1' });
    const lane2 = (async () => {
      const r = [await runJestAsync('postgres', postgresArgs, { DATABASE_CLIENT: 'postgres', SKIP_BUILD: '1' }, '[pg] ')];
      if (withMariadb) r.push(await runJestAsync('mariadb', mariadbArgs(), mariadbEnvAll(), '[mariadb] '));
      return r;
    })();
    results.push(await lane1, ...(await lane2));
  } else {
    if (mode === 'sqlite' || mode === 'both') {
      results.push(runJest('sqlite', sqliteArgs, { DATABASE_CLIENT: 'sqlite' }));
      built = true;
    }
    if (mode === 'postgres' || mode === 'both') {
      results.push(runJest('postgres', postgresArgs, { DATABASE_CLIENT: 'postgres', ...skipBuild() }));
      built = true;
    }
    if (withMariadb) {
      const env = { ...mariadbEnvAll(), SKIP_BUILD: built ? '1' : '' };
      if (!built) delete env.SKIP_BUILD;
      results.push(runJest('mariadb', mariadbArgs(), env));
    }
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const ok = results.every((r) => r.ok);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.error('[test]', e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
