'use strict';
/**
 * Preload (`NODE_OPTIONS=--require bench/cpu-prof.js`; `--cpu-prof` is not allowed in NODE_OPTIONS)
 * that CPU-profiles a site process through the inspector. Strapi's destroy() removes every process
 * listener, so the profile is written when the file `$BENCH_CPU_PROF_DIR/stop` appears (polled),
 * to `$BENCH_CPU_PROF_DIR/<pid>.cpuprofile`. Read it with bench/profile-summary.js.
 */
const fs = require('fs');
const path = require('path');
const inspector = require('inspector');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_CPU_PROF_INTERVAL_US || 1000) });
  session.post('Profiler.start');
  const timer = setInterval(() => {
    if (!fs.existsSync(path.join(dir, 'stop'))) return;
    clearInterval(timer);
    session.post('Profiler.stop', (err, res) => {
      if (!err) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
      session.disconnect();
    });
  }, 500);
  timer.unref();
}
