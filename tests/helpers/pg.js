'use strict';
/** Fresh PostgreSQL databases for test sites (DATABASE_CLIENT=postgres). */
const { Client } = require('pg');

function adminConnection() {
  return {
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'strapi',
    password: process.env.DATABASE_PASSWORD || 'strapi',
    database: process.env.PG_ADMIN_DATABASE || 'postgres',
  };
}

async function withClient(fn) {
  const c = new Client(adminConnection());
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

const safeName = (name) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
};

async function createDatabase(name) {
  await withClient((c) => c.query(`CREATE DATABASE "${safeName(name)}"`));
  return name;
}

/**
 * Drop a test database. Not `WITH (FORCE)`: that also tries to terminate an autovacuum worker
 * busy in the database, which a non-superuser may not ("must be a member of the role whose
 * process is being terminated"). Instead end our own role's client connections, then DROP (which
 * stops autovacuum workers itself), retrying while a connection is still closing.
 */
async function dropDatabase(name) {
  const db = safeName(name);
  await withClient(async (c) => {
    for (let attempt = 0; ; attempt += 1) {
      await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = current_user AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        [db]
      );
      try {
        await c.query(`DROP DATABASE IF EXISTS "${db}"`);
        return;
      } catch (e) {
        if (e.code !== '55006' || attempt >= 20) throw e; // 55006: database is being accessed by other users
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
}

/** Drop leftovers of earlier runs whose owning process is gone (names carry the pid). */
async function dropStaleDatabases(prefix = 'es_test_') {
  return withClient(async (c) => {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
    const dropped = [];
    for (const { datname } of rows) {
      const pid = Number((datname.match(/_p(\d+)_/) || [])[1]);
      let alive = false;
      if (pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (!alive) {
        dropped.push(datname);
      }
    }
    return dropped;
  }).then(async (stale) => {
    for (const datname of stale) await dropDatabase(datname);
    return stale;
  });
}

module.exports = { createDatabase, dropDatabase, dropStaleDatabases, adminConnection };
