'use strict';
/**
 * Preload (`NODE_OPTIONS=--require bench/query-stats.js`, env BENCH_QUERY_STATS_DIR) that counts
 * and times every SQL statement of a site (knex `query` / `query-response` events), grouped by
 * statement text with literals removed. Written to `<dir>/<pid>.queries.json` when `<dir>/stop`
 * appears (Strapi's destroy() removes process listeners, so no exit hook).
 */
const fs = require('fs');
const path = require('path');

const dir = process.env.BENCH_QUERY_STATS_DIR;
if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  const stats = new Map();
  const started = new Map();
  let attached = false;
  const norm = (sql) =>
    String(sql)
      .replace(/\s+/g, ' ')
      .replace(/'[^']*'/g, "'?'")
      .replace(/\b\d+\b/g, 'N')
      .replace(/(\?, )+\?/g, '?…')
      .slice(0, 220);
  const timer = setInterval(() => {
    const knex = global.strapi && global.strapi.db && global.strapi.db.connection;
    if (!attached && knex && typeof knex.on === 'function') {
      attached = true;
      knex.on('query', (q) => started.set(q.__knexQueryUid, { t: process.hrtime.bigint(), sql: norm(q.sql) }));
      const done = (_r, q) => {
        const s = started.get(q.__knexQueryUid);
        if (!s) return;
        started.delete(q.__knexQueryUid);
        const e = stats.get(s.sql) || { n: 0, ms: 0 };
        e.n += 1;
        e.ms += Number(process.hrtime.bigint() - s.t) / 1e6;
        stats.set(s.sql, e);
      };
      knex.on('query-response', done);
      knex.on('query-error', (_e, q) => done(null, q));
    }
    if (!fs.existsSync(path.join(dir, 'stop'))) return;
    clearInterval(timer);
    const rows = [...stats.entries()]
      .map(([sql, e]) => ({ sql, n: e.n, ms: Math.round(e.ms), avgMs: Math.round((e.ms / e.n) * 100) / 100 }))
      .sort((a, b) => b.ms - a.ms);
    fs.writeFileSync(path.join(dir, `${process.pid}.queries.json`), JSON.stringify(rows, null, 1));
  }, 200);
  timer.unref();
}
