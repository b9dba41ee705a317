/**
 * Admin entry of the plugin (source). The admin build loads
 * `package.json#exports['./strapi-admin']` (dist/admin/index.mjs).
 */
export { default } from './admin/src';
