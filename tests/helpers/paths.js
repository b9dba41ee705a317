'use strict';
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PLAYGROUND = path.join(REPO_ROOT, 'playground');

module.exports = {
  REPO_ROOT,
  PLAYGROUND,
  PLAYGROUND_DIST: path.join(PLAYGROUND, 'dist'),
  ADMIN_BUILD: path.join(PLAYGROUND, 'dist', 'build'),
  ARTIFACTS: path.join(REPO_ROOT, 'tests', 'artifacts'),
  SERVE: path.join(__dirname, 'serve.js'),
  BIN: path.join(REPO_ROOT, 'node_modules', '.bin'),
};
