import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { SITE_HEADER } from '../protocol/wire';
import { StorageError } from '../producer/files';
import { matchDocument, parseMatch } from '../producer/match';
import type {
  Deregister,
  FetchDocument,
  FetchFile,
  ListDocuments,
  Notify,
  ProducerSchema,
  PullUpdates,
  Register,
} from '../shared/contracts';
import {
  documentParamsSchema,
  fetchDocumentQuerySchema,
  fetchFileQuerySchema,
  fileParamsSchema,
  listDocumentsParamsSchema,
  listDocumentsQuerySchema,
  notifySchema,
  pullQuerySchema,
  registerSchema,
} from '../shared/validation';
import { validateInput } from '../errors';
import { getService } from '../utils';
import { decodeVia, UID_RE } from '../protocol/via';
import { body, query } from './helpers';

/**
 * A 403 that keeps its message. Strapi's content-API authorize middleware wraps the controller
 * and turns every ForbiddenError that is not a PolicyError into a bare "Forbidden"
 * (@strapi/core services/server/compose-endpoint.js), so the consumer never learnt why it was
 * refused. PolicyError extends ForbiddenError and passes through: still a 403, with the message.
 */
const forbidden = (message: string) => Object.assign(new errors.PolicyError(message), { name: 'ForbiddenError' });

/** The API token that authenticated this request (content API tokens only). */
export function tokenId(ctx: Context): number {
  const auth = ctx.state.auth as { strategy?: { name?: string }; credentials?: { id?: number } } | undefined;
  if (auth?.strategy?.name !== 'content-api-token' && auth?.strategy?.name !== 'api-token') {
    throw forbidden('Event streaming is only served to API tokens');
  }
  const id = auth.credentials?.id;
  if (!Number.isInteger(id)) throw forbidden('Event streaming is only served to API tokens');
  return id as number;
}

/** A checked page query as numbers: `after` (0 when absent) and `limit` (default, capped at `max`). */
const pageOf = (q: PullUpdates.Request['query'], max: number, fallback: number) => ({
  after: q.after ? Number(q.after) : 0,
  limit: q.limit ? Math.min(Number(q.limit), max) : fallback,
});

/**
 * The site-to-site content API (prefix `API_PREFIX`, protocol/wire.ts), authenticated by API tokens.
 * A consumer is known by the API token it registered with; it reads only its own stream.
 * Errors are mapped once, in controllers/index.ts.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const consumers = () => getService(strapi, 'consumer-registry');

  const consumerOf = async (ctx: Context) => {
    const c = await consumers().byToken(tokenId(ctx));
    if (!c) throw forbidden('This API token has not registered a consumer; create an Event Producer on the consumer site first');
    const claimed = ctx.get(SITE_HEADER);
    if (claimed && claimed !== c.consumerSiteId) throw forbidden('This API token belongs to another consumer site');
    return c;
  };

  return {
    async register(ctx: Context) {
      const id = tokenId(ctx);
      const input = body<Register.Request['body']>(ctx, registerSchema);
      const res: Register.Response = await consumers().register(id, input);
      ctx.body = res;
    },

    async deregister(ctx: Context) {
      const c = await consumers().byToken(tokenId(ctx));
      if (!c) throw new errors.NotFoundError('No consumer is registered with this API token');
      await consumers().deregister(c);
      const res: Deregister.Response = { deregistered: true };
      ctx.body = res;
    },

    async pull(ctx: Context) {
      const c = await consumerOf(ctx);
      const cfg = getService(strapi, 'settings').config();
      const q = query<PullUpdates.Request['query']>(ctx, pullQuerySchema);
      const { after, limit } = pageOf(q, cfg.maxPageSize, cfg.pageSize);
      const res: PullUpdates.Response = await getService(strapi, 'serve').pull(c, after, limit, q.data !== '0', q.afterKey || null);
      ctx.body = { ...res, schemaHash: getService(strapi, 'producer-schema').hashFor(c) };
    },

    async fetchDocument(ctx: Context) {
      const c = await consumerOf(ctx);
      const { uid, documentId } = validateInput<FetchDocument.Request['params']>(documentParamsSchema, ctx.params);
      if (!UID_RE.test(uid) || !getService(strapi, 'schema').isStreamable(uid))
        throw new errors.ValidationError(`Unknown content type ${uid.slice(0, 100)}`);
      const q = query<FetchDocument.Request['query']>(ctx, fetchDocumentQuerySchema);
      const locale = q.locale || null;
      const via = decodeVia(q.via);
      if (!(await getService(strapi, 'serve').canRead(c, uid, documentId, via, locale))) {
        throw forbidden(`${uid} ${documentId} is neither of a type approved for this consumer nor reachable from one`);
      }
      if (q.inline === 'only') {
        // The uploads it references inline (rich text, Blocks, JSON), not its data (issue 15.4).
        const inline: FetchDocument.InlineResponse = {
          inline: await getService(strapi, 'producer-files').inlineFiles({ __ref: uid, documentId, locale }),
        };
        ctx.body = inline;
        return;
      }
      const res: FetchDocument.Response = await getService(strapi, 'serve').fetchDocument(uid, documentId, locale);
      ctx.body = res;
    },

    async listDocuments(ctx: Context) {
      const c = await consumerOf(ctx);
      const { uid } = validateInput<ListDocuments.Request['params']>(listDocumentsParamsSchema, ctx.params);
      if (!UID_RE.test(uid) || !getService(strapi, 'schema').isStreamable(uid))
        throw new errors.ValidationError(`Unknown content type ${uid.slice(0, 100)}`);
      if (!getService(strapi, 'serve').servesType(c, uid)) throw forbidden(`${uid} is not approved for this consumer`);
      if (ctx.query.match !== undefined) {
        // Linked-document mappings (producer/match.ts): a document of an approved type found by
        // field values; one its condition does not let this consumer read is not found.
        const filters = parseMatch(strapi, uid, ctx.query.match);
        const found = await matchDocument(strapi, uid, filters);
        const readable = found.documentId === null || (await getService(strapi, 'serve').canRead(c, uid, found.documentId, []));
        ctx.body = readable ? found : { ...found, documentId: null, locale: null, data: null };
        return;
      }
      const cfg = getService(strapi, 'settings').config();
      const q = query<ListDocuments.Request['query']>(ctx, listDocumentsQuerySchema);
      const { after, limit } = pageOf(q, cfg.maxPageSize, cfg.pageSize);
      const ids = q.documentIds ? q.documentIds.split(',').slice(0, cfg.maxPageSize) : null;
      const res: ListDocuments.Response = await getService(strapi, 'serve').listDocuments(c, uid, after, limit, ids);
      ctx.body = res;
    },

    /** The bytes of a file referenced by a document the consumer may read (`via` ends at that document). */
    async fetchFile(ctx: Context) {
      const c = await consumerOf(ctx);
      const { fileId } = validateInput<FetchFile.Request['params']>(fileParamsSchema, ctx.params);
      const via = decodeVia(query<FetchFile.Request['query']>(ctx, fetchFileQuerySchema).via);
      const last = via[via.length - 1];
      if (!last) throw forbidden('A file is served only through the document that references it (via)');
      if (!(await getService(strapi, 'serve').canRead(c, last.__ref, last.documentId, via.slice(0, -1), last.locale ?? null)))
        throw forbidden('The referencing document is not readable by this consumer');
      const files = getService(strapi, 'producer-files');
      if (!(await files.referencedBy(last, fileId))) throw forbidden('That document does not reference this file in a media field');
      let file;
      try {
        file = await files.open(fileId);
      } catch (error) {
        if (!(error instanceof StorageError)) throw error;
        // This site's storage failed, not the consumer's request: a 502 the consumer retries later.
        strapi.log.warn(`[event-streaming] file ${fileId}: ${error.message}`);
        ctx.status = 502;
        ctx.body = { data: null, error: { status: 502, name: 'StorageError', message: error.message, details: {} } };
        return;
      }
      ctx.type = file.mime;
      if (file.length !== null) ctx.length = file.length;
      ctx.body = file.body;
    },

    /** The streamed fields of the types this consumer subscribes to (schema check, issue 16 point 8). */
    async schema(ctx: Context) {
      const res: ProducerSchema = getService(strapi, 'producer-schema').describe(await consumerOf(ctx));
      ctx.body = res;
    },

    /** Consumer side: a producer pokes this site; the pull that follows fetches the data. */
    async notify(ctx: Context) {
      const id = tokenId(ctx);
      const { siteId } = body<Notify.Request['body']>(ctx, notifySchema);
      const producerId = await getService(strapi, 'producer-registry').acceptNotification(siteId, id);
      getService(strapi, 'puller').requestPull(producerId);
      const res: Notify.Response = { accepted: true };
      ctx.status = 202;
      ctx.body = res;
    },
  };
};
