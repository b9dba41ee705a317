/**
 * The site-to-site protocol's vocabulary: every path, header and limit both sides use. The
 * producer's routes (routes/content-api.ts) and the clients (protocol/client.ts) read them from
 * here and nowhere else. Strapi-free.
 */
import { PLUGIN_ID } from '../constants';

/** Prefix of the site-to-site content API (Strapi mounts content-API routes under /api/<plugin>). */
export const API_PREFIX = `/api/${PLUGIN_ID}`;

/** Header a site sends with every site-to-site request so the peer can check who is calling. */
export const SITE_HEADER = 'x-event-streaming-site';

/** Most hops of a `via` chain (a document reached through references from an approved one). */
export const MAX_VIA_HOPS = 16;

/** Most aliases one event may carry (StreamEvent.aliases: the same document on other sites). */
export const MAX_ALIASES = 16;

/** Route paths below API_PREFIX, as the producer declares them and the clients fill them. */
export const ROUTES = {
  register: '/register',
  updates: '/updates',
  listDocuments: '/documents/:uid',
  fetchDocument: '/documents/:uid/:documentId',
  fetchFile: '/files/:fileId',
  notify: '/notify',
  schema: '/schema',
  // Push mode (protocol/push.ts): routes of the CONSUMER, called by a producer it cannot reach.
  push: '/push',
  pushFile: '/push/files/:fileId',
  // Monitoring (controllers/monitor.ts): for an operator's monitoring token, not for peers.
  health: '/health',
  metrics: '/metrics',
} as const;

/** A route of ROUTES with its `:name` parameters filled, each URI-encoded as one path segment. */
const fill = (route: string, params: Record<string, string> = {}) =>
  `${API_PREFIX}${route.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`wire: ${route} needs a value for :${name}`);
    return encodeURIComponent(value);
  })}`;

/** Concrete request paths (below the site's base URL) for each route. */
export const paths = {
  register: () => fill(ROUTES.register),
  updates: () => fill(ROUTES.updates),
  listDocuments: (uid: string) => fill(ROUTES.listDocuments, { uid }),
  /** Linked-document mappings: the listing route with `?match=<json>` (same permission). */
  matchDocument: (uid: string) => fill(ROUTES.listDocuments, { uid }),
  fetchDocument: (uid: string, documentId: string) => fill(ROUTES.fetchDocument, { uid, documentId }),
  fetchFile: (fileId: string) => fill(ROUTES.fetchFile, { fileId }),
  notify: () => fill(ROUTES.notify),
  schema: () => fill(ROUTES.schema),
  push: () => fill(ROUTES.push),
  pushFile: (fileId: string) => fill(ROUTES.pushFile, { fileId }),
  health: () => fill(ROUTES.health),
  metrics: () => fill(ROUTES.metrics),
};

/**
 * Most bytes of one push request's JSON body (a page and its bundled documents): below the 1 MB
 * JSON limit of Strapi's body parser (koa-body `jsonLimit`), so a push never meets a 413 there.
 */
export const PUSH_MAX_BODY_BYTES = 900_000;

/** Most documents one push request bundles (dependencies the consumer asked for). */
export const PUSH_MAX_DOCUMENTS = 100;

/** Most needs (documents + files) a consumer names in one push answer. */
export const PUSH_MAX_NEEDS = 50;
