/**
 * Server entry of the plugin (source). Strapi loads the built file through
 * `package.json#exports['./strapi-server']` (dist/server/index.js).
 */
export { default } from './server/src';
