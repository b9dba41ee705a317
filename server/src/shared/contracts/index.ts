/**
 * Request/response contracts of the plugin's HTTP APIs, shared by the server and the admin panel
 * (content-releases style: one namespace per endpoint with its `Request` and `Response`).
 * Type-only: nothing here may import Strapi or run code.
 *
 * Admin API (admin JWT + RBAC), prefix `/event-streaming`: every response body is `{ data, meta? }`.
 * Site-to-site API (API token), prefix `API_PREFIX` (protocol/wire.ts): the protocol's messages.
 * Every error of both is Strapi's envelope `{ data: null, error: { status, name, message, details } }`.
 */
export type * from './models';
export type * from './messages';
export type * from './common';
export type * from './producers';
export type * from './consumers';
export type * from './logs';
export type * from './mappings';
export type * from './meta';
export type * from './stream';
export type * from './monitoring';
export type * from './schema-check';
export type * from './review';
