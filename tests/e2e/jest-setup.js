// E2E tests boot two Strapi sites and drive Chromium: give each test and hook three minutes.
jest.setTimeout(Number(process.env.E2E_TEST_TIMEOUT || 180000));

/**
 * Issue 16 (7): any 5xx answer of the site, uncaught page error or console error (React's included)
 * in any page a test opened fails that test (helpers.ts records them per page; CONSOLE_ALLOW_LIST
 * holds the few proven to be Strapi core's). Checked after each test and after each file's hooks.
 */
const failOnPageErrors = (when) => {
  const { takeErrors } = require('./helpers');
  const errors = takeErrors();
  if (errors.length) throw new Error(`The admin panel reported ${errors.length} error(s) ${when}:\n- ${errors.join('\n- ')}`);
};
afterEach(() => failOnPageErrors('during this test'));
afterAll(() => failOnPageErrors('in beforeAll/afterAll'));
