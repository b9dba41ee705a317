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

async function dropDatabase(name) {
  await withClient((c) => c.query(`DROP DATABASE IF EXISTS "${safeName(name)}" WITH (FORCE)`));
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
        await c.query(`DROP DATABASE IF EXISTS "${safeName(datname)}" WITH (FORCE)`);
        dropped.push(datname);
      }
    }
    return dropped;
  });
}

module.exports = { createDatabase, dropDatabase, dropStaleDatabases, adminConnection };
