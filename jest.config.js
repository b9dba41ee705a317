/**
 * Three projects, always run with --runInBand (2 cores: workers bring nothing, pitfall 17):
 *   unit         tests/unit/**\/*.test.ts         pure functions, no Strapi
 *   integration  tests/integration/**\/*.test.ts  real playground sites in child processes
 *                                                (tests/helpers/sites.js), built once by
 *                                                tests/helpers/global-setup.js
 *   e2e          tests/e2e/**\/*.test.ts          headless Chromium on two playground sites serving
 *                                                the built admin; tests/e2e/global-setup.js builds
 *                                                plugin, playground and admin (only when stale)
 * `npm test` (scripts/test.js) runs all three on SQLite, then integration again on PostgreSQL.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
    module: { type: 'commonjs' },
  },
];

/** A project under tests/<dir>/, with what every project shares. */
const project = (displayName, dir, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: [`<rootDir>/tests/${dir}/**/*.test.ts`],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // request-filtering-agent ships ES modules only (Node requires it natively; jest's CommonJS
  // runtime needs it transformed like our own files).
  transformIgnorePatterns: ['/node_modules/(?!request-filtering-agent/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/playground/'],
  modulePathIgnorePatterns: ['<rootDir>/playground/dist/'],
  ...extra,
});

module.exports = {
  projects: [
    project('unit', 'unit'),
    project('integration', 'integration', {
      globalSetup: '<rootDir>/tests/helpers/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/tests/helpers/jest-integration-setup.js'],
      slowTestThreshold: 60,
    }),
    project('e2e', 'e2e', {
      globalSetup: '<rootDir>/tests/e2e/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/tests/e2e/jest-setup.js'],
      slowTestThreshold: 120,
    }),
  ],
  watchPathIgnorePatterns: ['<rootDir>/tests/artifacts/', '<rootDir>/playground/'],
};
