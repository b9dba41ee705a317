/**
 * Two projects, always run with --runInBand (2 cores: workers bring nothing, pitfall 17):
 *   unit         tests/unit/**\/*.test.ts         pure functions, no Strapi
 *   integration  tests/integration/**\/*.test.ts  real playground sites in child processes
 *                                                (tests/helpers/sites.js), built once by
 *                                                tests/helpers/global-setup.js
 * `npm test` (scripts/test.js) runs both on SQLite, then integration again on PostgreSQL.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/playground/'],
      modulePathIgnorePatterns: ['<rootDir>/playground/dist/'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/playground/'],
      globalSetup: '<rootDir>/tests/helpers/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/tests/helpers/jest-integration-setup.js'],
      slowTestThreshold: 60,
      modulePathIgnorePatterns: ['<rootDir>/playground/dist/'],
    },
  ],
  watchPathIgnorePatterns: ['<rootDir>/tests/artifacts/', '<rootDir>/playground/'],
};
