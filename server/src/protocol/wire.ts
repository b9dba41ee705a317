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

const seg = (s: string) => encodeURIComponent(s);

/** Concrete request paths (below the site's base URL) for each route. */
export const paths = {
  register: () => `${API_PREFIX}${ROUTES.register}`,
  updates: () => `${API_PREFIX}${ROUTES.updates}`,
  listDocuments: (uid: string) => `${API_PREFIX}/documents/${seg(uid)}`,
  /** Linked-document mappings: the listing route with `?match=<json>` (same permission). */
  matchDocument: (uid: string) => `${API_PREFIX}/documents/${seg(uid)}`,
  fetchDocument: (uid: string, documentId: string) => `${API_PREFIX}/documents/${seg(uid)}/${seg(documentId)}`,
  fetchFile: (fileId: string) => `${API_PREFIX}/files/${seg(fileId)}`,
  notify: () => `${API_PREFIX}${ROUTES.notify}`,
  schema: () => `${API_PREFIX}${ROUTES.schema}`,
  push: () => `${API_PREFIX}${ROUTES.push}`,
  pushFile: (fileId: string) => `${API_PREFIX}/push/files/${seg(fileId)}`,
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
