// E2E tests boot two Strapi sites and drive Chromium: give each test and hook three minutes.
jest.setTimeout(Number(process.env.E2E_TEST_TIMEOUT || 180000));
