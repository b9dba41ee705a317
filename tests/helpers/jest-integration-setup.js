// Integration tests boot real Strapi sites: give each test and hook two minutes.
jest.setTimeout(Number(process.env.INTEGRATION_TEST_TIMEOUT || 120000));
