/**
 * The playground's admin customisation: French is offered besides English (Strapi's admin offers
 * only the locales listed here), so an admin whose interface language is French sees the plugin's
 * French texts (tests/e2e/french.test.ts).
 */
export default {
  config: { locales: ['fr'] },
  bootstrap() {},
};
