'use strict';
/**
 * Fresh MySQL/MariaDB databases for test sites (DATABASE_CLIENT=mysql), the counterpart of
 * pg.js. scripts/test.js starts the local MariaDB and creates the user strapi/strapi with the
 * right to create databases. DATABASE_HOST/PORT/USERNAME/PASSWORD override.
 */
const mysql = require('mysql2/promise');

function adminConnection() {
  return {
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 3306),
    user: process.env.DATABASE_USERNAME || 'strapi',
    password: process.env.DATABASE_PASSWORD || 'strapi',
  };
}

async function withConnection(fn, database) {
  const c = await mysql.createConnection({ ...adminConnection(), ...(database ? { database } : {}) });
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** MySQL limits identifiers to 64 characters. */
const safeName = (name) => {
  if (!/^[a-z_][a-z0-9_]{0,63}$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
};

async function createDatabase(name) {
  await withConnection((c) => c.query(`CREATE DATABASE \`${safeName(name)}\` CHARACTER SET utf8mb4`));
  return name;
}

/** Drop a test database, ending the connections to it first (a killed site's may linger). */
async function dropDatabase(name) {
  const db = safeName(name);
  await withConnection(async (c) => {
    const [rows] = await c.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [db]);
    for (const { id } of rows) await c.query(`KILL CONNECTION ${Number(id)}`).catch(() => {});
    await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
  });
}

/** Drop leftovers of earlier runs whose owning process is gone (names carry the pid). */
async function dropStaleDatabases(prefix = 'es_test_') {
  const stale = await withConnection(async (c) => {
    const [rows] = await c.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${prefix}%`]);
    return rows
      .map((r) => r.name)
      .filter((name) => {
        const pid = Number((name.match(/_p(\d+)_/) || [])[1]);
        if (!pid) return false;
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      });
  });
  for (const name of stale) await dropDatabase(name);
  return stale;
}

/** Runs one statement on a database; returns its rows ([] for statements without). */
async function query(database, sql, params = []) {
  return withConnection(async (c) => {
    const [rows] = await c.query(sql, params);
    return Array.isArray(rows) ? rows : [];
  }, database);
}

/**
 * A copy of database `from` as `to` (a backup, or a restore of one): mariadb-dump piped into the
 * mariadb client, the way an operator backs a MariaDB site up. `to` must not exist.
 */
async function copyDatabase(from, to) {
  const { execFileSync } = require('node:child_process');
  const a = adminConnection();
  const args = ['-h', a.host, '-P', String(a.port), '-u', a.user];
  const env = { ...process.env, MYSQL_PWD: a.password };
  await createDatabase(to);
  const dump = execFileSync('mariadb-dump', [...args, '--single-transaction', '--routines', '--triggers', safeName(from)], {
    env,
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync('mariadb', [...args, safeName(to)], { env, input: dump });
}

module.exports = { createDatabase, dropDatabase, dropStaleDatabases, adminConnection, query, copyDatabase };
