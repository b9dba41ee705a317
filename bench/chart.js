'use strict';
/**
 * The bench's chart (bench/chart.svg): real-consumer latency against the number of consumers
 * (fan-out) and catch-up throughput against the backlog size, one line per database. Plain SVG
 * written by hand (no charting library is installed), log-scaled x axes.
 */
const fs = require('fs');

const W = 460;
const H = 300;
const M = { l: 60, r: 20, t: 36, b: 46 };
const COLORS = { sqlite: '#1f77b4', postgres: '#d62728', mysql: '#2ca02c' };
const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** One panel: series = [{ label, color, dash, points: [[x, y]] }], x on a log scale. */
function panel(ox, title, xLabel, yLabel, series) {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && Number.isFinite(y));
  if (!pts.length)
    return `<g transform="translate(${ox},0)"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(title)}: no data</text></g>`;
  const lx = pts.map(([x]) => Math.log10(x));
  const [x0, x1] = [Math.min(...lx), Math.max(...lx) === Math.min(...lx) ? Math.min(...lx) + 1 : Math.max(...lx)];
  const yMax = Math.max(...pts.map(([, y]) => y)) * 1.1 || 1;
  const px = (x) => M.l + ((Math.log10(x) - x0) / (x1 - x0)) * (W - M.l - M.r);
  const py = (y) => H - M.b - (y / yMax) * (H - M.t - M.b);
  const out = [`<g transform="translate(${ox},0)">`];
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="#333"/>`);
  out.push(`<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="#333"/>`);
  for (const x of [...new Set(pts.map(([x]) => x))]) {
    out.push(`<line x1="${px(x)}" y1="${H - M.b}" x2="${px(x)}" y2="${H - M.b + 4}" stroke="#333"/>`);
    out.push(`<text x="${px(x)}" y="${H - M.b + 16}" text-anchor="middle" font-size="11">${x}</text>`);
  }
  for (let k = 0; k <= 4; k += 1) {
    const y = (yMax * k) / 4;
    out.push(`<line x1="${M.l - 4}" y1="${py(y)}" x2="${W - M.r}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.l - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${y >= 100 ? Math.round(y) : y.toFixed(1)}</text>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(14,${H / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const p = s.points.filter(([x, y]) => x > 0 && Number.isFinite(y));
    if (!p.length) return;
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? 'stroke-dasharray="5,4"' : ''} points="${p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`
    );
    for (const [x, y] of p) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    out.push(
      `<line x1="${M.l + 10}" y1="${M.t + 8 + i * 16}" x2="${M.l + 30}" y2="${M.t + 8 + i * 16}" stroke="${s.color}" stroke-width="2" ${s.dash ? 'stroke-dasharray="5,4"' : ''}/>`
    );
    out.push(`<text x="${M.l + 34}" y="${M.t + 12 + i * 16}" font-size="11">${esc(s.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** Writes the chart of `runs` (bench/run.js results.runs) to `file`; returns the file. */
function writeChart(runs, file) {
  const fan = [];
  const cpu = [];
  const cu = [];
  for (const [db, r] of Object.entries(runs)) {
    const color = COLORS[db] || '#555';
    if (r.fanout?.steps?.length) {
      fan.push({ label: `${db} p99`, color, points: r.fanout.steps.map((s) => [s.consumers, s.latencyMs.p99]) });
      fan.push({ label: `${db} p50`, color, dash: true, points: r.fanout.steps.map((s) => [s.consumers, s.latencyMs.p50]) });
    }
    if (r.fanout?.steps?.length)
      cpu.push({
        label: `${db} producer CPU ms per (event × consumer)`,
        color,
        points: r.fanout.steps.map((s) => [s.consumers, s.producerCpuMsPerServed]),
      });
    if (r.catchup?.sizes?.length)
      cu.push({ label: `${db} events/s`, color, points: r.catchup.sizes.map((s) => [s.backlog, s.eventsPerSec]) });
  }
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * 3}" height="${H}" font-family="sans-serif" viewBox="0 0 ${W * 3} ${H}">`,
    `<rect width="${W * 3}" height="${H}" fill="#fff"/>`,
    panel(0, 'Fan-out: real consumer latency', 'consumers served (log scale)', 'notify → visible, ms', fan),
    panel(W, 'Fan-out: producer CPU', 'consumers served (log scale)', 'CPU ms per served event', cpu),
    panel(2 * W, 'Catch-up throughput', 'backlogged events (log scale)', 'events/s', cu),
    '</svg>',
  ].join('\n');
  fs.writeFileSync(file, `${svg}\n`);
  return file;
}

module.exports = { writeChart };
