/**
 * The playground's admin customisation: French is offered besides English (Strapi's admin offers
 * only the locales listed here), so an admin whose interface language is French sees the plugin's
 * French texts (tests/e2e/french.test.ts).
 */
/*
 * `notifications.releases: false`: Strapi's admin layout (@strapi/admin AuthenticatedLayout) asks
 * api.github.com for the latest release on every page; the test machines have no Internet, so
 * Chromium logs "Failed to load resource: net::ERR_NAME_NOT_RESOLVED" for it, which the e2e suite
 * fails on (tests/e2e/helpers.ts). The playground has no use for the upgrade banner.
 */
export default {
  config: { locales: ['fr'], notifications: { releases: false } },
  bootstrap() {},
};
