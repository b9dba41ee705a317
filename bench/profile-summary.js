#!/usr/bin/env node
'use strict';
/**
 * Summarises V8 .cpuprofile files (from `--cpu-prof`): total sampled time, then the functions with
 * the most inclusive time (time on the stack, counted once per sample) and the most self time.
 *
 *   node bench/profile-summary.js <file-or-dir> [--top 25] [--match capture|applier|...]
 */
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const top = Number((args[args.indexOf('--top') + 1] && args.includes('--top') && args[args.indexOf('--top') + 1]) || 25);
const match = args.includes('--match') ? new RegExp(args[args.indexOf('--match') + 1]) : null;
const target = args.find((a, i) => !a.startsWith('--') && !['--top', '--match'].includes(args[i - 1]));
if (!target) {
  console.error('usage: node bench/profile-summary.js <file-or-dir> [--top N] [--match REGEX]');
  process.exit(2);
}
const files = fs.statSync(target).isDirectory()
  ? fs
      .readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(target, f))
  : [target];

for (const file of files) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const dt = prof.timeDeltas;
  const label = (n) => {
    const cf = n.callFrame;
    const url = cf.url ? cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/(dist|server)\//, '$1/') : '';
    return `${cf.functionName || '(anonymous)'} ${url}:${cf.lineNumber + 1}`;
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  let idle = 0;
  prof.samples.forEach((id, i) => {
    const ms = (dt[i] || 0) / 1000;
    total += ms;
    const n = byId.get(id);
    if (n.callFrame.functionName === '(idle)') idle += ms;
    const l = label(n);
    self.set(l, (self.get(l) || 0) + ms);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cl = label(byId.get(cur));
      if (seen.has(cl)) continue;
      seen.add(cl);
      incl.set(cl, (incl.get(cl) || 0) + ms);
    }
  });
  const busy = total - idle;
  const show = (m, title) => {
    console.log(`  ${title}`);
    [...m.entries()]
      .filter(([k]) => !match || match.test(k))
      .filter(([k]) => !/^\((root|program|idle|garbage collector)\)/.test(k) || title.startsWith('self'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, v]) => console.log(`    ${v.toFixed(0).padStart(7)} ms ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`));
  };
  console.log(`${path.basename(file)}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (not idle)`);
  show(incl, 'inclusive (% of busy)');
  show(self, 'self (% of busy)');
}
