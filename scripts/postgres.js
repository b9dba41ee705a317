'use strict';
/**
 * The PostgreSQL of the tests and the bench (scripts/test.js, bench/run.js): the local Debian
 * cluster, started with pg_ctlcluster if it is down, with the role strapi/strapi CREATEDB
 * (created if missing, which needs root). DATABASE_HOST/PORT/USERNAME/PASSWORD override.
 */
const fs = require('fs');
const { spawnSync } = require('child_process');

const log = (...a) => console.log('[test]', ...a);
const sh = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

function postgresVersions() {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
      .sort((x, y) => Number(y) - Number(x));
  } catch {
    return [];
  }
}

const pgInstalled = () => postgresVersions().length > 0;

async function canConnect() {
  const { Client } = require('pg');
  const c = new Client({
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'strapi',
    password: process.env.DATABASE_PASSWORD || 'strapi',
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  try {
    await c.connect();
    const { rows } = await c.query('SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user');
    return rows[0] && rows[0].rolcreatedb ? true : 'the role cannot CREATE DATABASE';
  } catch (e) {
    return e.message;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Start the local cluster and create the strapi role if needed. Throws with a clear message. */
async function ensurePostgres() {
  const first = await canConnect();
  if (first === true) return;
  const isRoot = process.getuid && process.getuid() === 0;
  const [version] = postgresVersions();
  if (version) {
    const ls = sh('pg_lsclusters', ['--no-header']);
    const line = (ls.stdout || '').split('\n').find((l) => l.startsWith(`${version} `) && / main /.test(l));
    if (line && !/\bonline\b/.test(line)) {
      log(`starting PostgreSQL ${version} (pg_ctlcluster ${version} main start)`);
      const r = sh('pg_ctlcluster', [version, 'main', 'start']);
      if (r.status !== 0) throw new Error(`pg_ctlcluster ${version} main start failed: ${r.stderr || r.stdout}`);
    }
  }
  if (isRoot && !process.env.DATABASE_USERNAME) {
    const q = "SELECT 1 FROM pg_roles WHERE rolname = 'strapi'";
    const exists = sh('su', ['postgres', '-c', `psql -tAc "${q}"`]);
    if (exists.status !== 0) throw new Error(`cannot run psql as postgres: ${exists.stderr}`);
    if (exists.stdout.trim() !== '1') {
      log("creating PostgreSQL role strapi (password 'strapi', CREATEDB)");
      const r = sh('su', ['postgres', '-c', `psql -c "CREATE ROLE strapi LOGIN PASSWORD 'strapi' CREATEDB"`]);
      if (r.status !== 0) throw new Error(`CREATE ROLE strapi failed: ${r.stderr}`);
    } else {
      sh('su', ['postgres', '-c', `psql -c "ALTER ROLE strapi LOGIN PASSWORD 'strapi' CREATEDB"`]);
    }
  }
  let last;
  for (let i = 0; i < 20; i += 1) {
    last = await canConnect();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `cannot use PostgreSQL as ${process.env.DATABASE_USERNAME || 'strapi'}@${process.env.DATABASE_HOST || '127.0.0.1'}: ${last}` +
      (isRoot ? '' : " (not root: create the role yourself: CREATE ROLE strapi LOGIN PASSWORD 'strapi' CREATEDB)")
  );
}

module.exports = { ensurePostgres, pgInstalled };
