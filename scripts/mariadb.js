'use strict';
/**
 * The MariaDB of the tests (scripts/test.js): the local server of the Debian package
 * mariadb-server on 127.0.0.1:3306, started if it is down (`service mariadb start`, else
 * mysqld_safe), with the user strapi/strapi holding every right on the test databases `es_*`
 * (created if missing, which needs root). MARIADB_HOST/PORT/USERNAME/PASSWORD override.
 */
const fs = require('fs');
const { spawn, spawnSync } = require('child_process');

const log = (...a) => console.log('[test]', ...a);
const warn = (...a) => console.warn('\x1b[33m[test] WARNING:\x1b[0m', ...a);
const sh = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

/** The connection settings of the MariaDB pass (the DATABASE_* variables its jest run gets). */
const mariadbEnv = () => ({
  DATABASE_HOST: process.env.MARIADB_HOST || '127.0.0.1',
  DATABASE_PORT: process.env.MARIADB_PORT || '3306',
  DATABASE_USERNAME: process.env.MARIADB_USERNAME || 'strapi',
  DATABASE_PASSWORD: process.env.MARIADB_PASSWORD || 'strapi',
});

/** true, or why the strapi user cannot create a test database. */
async function mariadbUsable() {
  const mysql = require('mysql2/promise');
  const e = mariadbEnv();
  let c;
  try {
    c = await mysql.createConnection({
      host: e.DATABASE_HOST,
      port: Number(e.DATABASE_PORT),
      user: e.DATABASE_USERNAME,
      password: e.DATABASE_PASSWORD,
      connectTimeout: 5000,
    });
    const name = `es_probe_p${process.pid}`;
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
    await c.query(`DROP DATABASE \`${name}\``);
    return true;
  } catch (err) {
    return err.message;
  } finally {
    if (c) await c.end().catch(() => {});
  }
}

/**
 * The test server writes its redo log at each commit but flushes it to disk once a second
 * (innodb_flush_log_at_trx_commit=2; runtime only, gone at the server's next restart). The tests
 * kill Strapi processes, never the database server, so nothing they check depends on the
 * per-commit fsync, which made applying 2-3x slower on this 2-core machine (reliability test:
 * 22 against 42 events/s, PostgreSQL 57, measured at load 18). Needs root (the server's socket).
 */
function tuneMariadbForTests() {
  const r = sh('mariadb', ['--protocol=socket', '-uroot', '-e', 'SET GLOBAL innodb_flush_log_at_trx_commit = 2']);
  if (r.status === 0) log('MariaDB: innodb_flush_log_at_trx_commit=2 for the tests (no fsync per commit)');
  else warn(`could not relax MariaDB's commit flush (${(r.stderr || '').trim()}); the timing bounds of the tests may be missed`);
}

/** Start the local MariaDB and create the strapi user if needed. Throws with a clear message. */
async function ensureMariadb() {
  const isRoot = process.getuid && process.getuid() === 0;
  if ((await mariadbUsable()) === true) {
    if (isRoot && !process.env.MARIADB_HOST) tuneMariadbForTests();
    return;
  }
  const ping = () => sh('mariadb-admin', ['--protocol=socket', '-uroot', 'ping']).status === 0;
  if (isRoot && !ping()) {
    log('starting MariaDB (service mariadb start)');
    const r = sh('service', ['mariadb', 'start']);
    if (r.status !== 0) {
      warn(`service mariadb start failed (${(r.stderr || r.stdout).trim()}); trying mysqld_safe`);
      fs.mkdirSync('/run/mysqld', { recursive: true });
      sh('chown', ['mysql:mysql', '/run/mysqld']);
      spawn('mysqld_safe', [], { detached: true, stdio: 'ignore' }).unref();
    }
    for (let i = 0; i < 60 && !ping(); i += 1) await new Promise((res) => setTimeout(res, 500));
  }
  if (isRoot && !process.env.MARIADB_USERNAME) {
    log("creating the MariaDB user strapi (password 'strapi', every right on the databases es_*)");
    const stmts = [
      "CREATE USER IF NOT EXISTS 'strapi'@'%' IDENTIFIED BY 'strapi'",
      "ALTER USER 'strapi'@'%' IDENTIFIED BY 'strapi'",
      "GRANT ALL PRIVILEGES ON `es\\_%`.* TO 'strapi'@'%'",
    ];
    const r = sh('mariadb', ['--protocol=socket', '-uroot', '-e', stmts.join('; ')]);
    if (r.status !== 0) throw new Error(`creating the MariaDB user strapi failed: ${r.stderr || r.stdout}`);
  }
  if (isRoot && !process.env.MARIADB_HOST) tuneMariadbForTests();
  let last;
  for (let i = 0; i < 20; i += 1) {
    last = await mariadbUsable();
    if (last === true) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  const e = mariadbEnv();
  throw new Error(
    `cannot use MariaDB as ${e.DATABASE_USERNAME}@${e.DATABASE_HOST}:${e.DATABASE_PORT}: ${last}` +
      (isRoot
        ? ''
        : " (not root: start it and create the user yourself: CREATE USER 'strapi'@'%' IDENTIFIED BY 'strapi'; GRANT ALL ON `es\\_%`.* TO 'strapi'@'%')")
  );
}

module.exports = { ensureMariadb, mariadbEnv };
