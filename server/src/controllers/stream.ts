import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { SITE_HEADER } from '../protocol/wire';
import { parseCursor, parseLimit } from '../engine/cursor';
import { DOC_ID_RE, isFileRef, walkRefs } from '../engine/refs';
import { httpErrors } from '../errors';
import { getService, repo } from '../utils';
import { decodeLocale, decodeVia, UID_RE } from '../protocol/via';

/**
 * A 403 that keeps its message. Strapi's content-API authorize middleware wraps the controller
 * and turns every ForbiddenError that is not a PolicyError into a bare "Forbidden"
 * (@strapi/core services/server/compose-endpoint.js), so the consumer never learnt why it was
 * refused. PolicyError extends ForbiddenError and passes through: still a 403, with the message.
 */
const forbidden = (message: string) => Object.assign(new errors.PolicyError(message), { name: 'ForbiddenError' });

/** The API token that authenticated this request (content API tokens only). */
function tokenId(ctx: Context): number {
  const auth = ctx.state.auth as { strategy?: { name?: string }; credentials?: { id?: number } } | undefined;
  if (auth?.strategy?.name !== 'content-api-token' && auth?.strategy?.name !== 'api-token') {
    throw forbidden('Event streaming is only served to API tokens');
  }
  const id = auth.credentials?.id;
  if (!Number.isInteger(id)) throw forbidden('Event streaming is only served to API tokens');
  return id as number;
}

/**
 * The site-to-site content API (prefix /api/event-streaming), authenticated by API tokens.
 * A consumer is known by the API token it registered with; it reads only its own stream.
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
      ctx.body = await httpErrors(() => consumers().register(id, ctx.request.body));
    },

    async deregister(ctx: Context) {
      const c = await consumers().byToken(tokenId(ctx));
      if (!c) throw new errors.NotFoundError('No consumer is registered with this API token');
      await consumers().deregister(c);
      ctx.body = { deregistered: true };
    },

    async pull(ctx: Context) {
      const c = await consumerOf(ctx);
      const cfg = getService(strapi, 'settings').config();
      const page = await httpErrors(async () =>
        getService(strapi, 'serve').pull(c, parseCursor(ctx.query.after), parseLimit(ctx.query.limit, cfg.maxPageSize, cfg.pageSize))
      );
      ctx.body = page;
    },

    async fetchDocument(ctx: Context) {
      const c = await consumerOf(ctx);
      const { uid, documentId } = ctx.params as { uid: string; documentId: string };
      if (!UID_RE.test(uid) || !getService(strapi, 'schema').isStreamable(uid))
        throw new errors.ValidationError(`Unknown content type ${uid.slice(0, 100)}`);
      if (!DOC_ID_RE.test(documentId)) throw new errors.ValidationError('documentId is malformed');
      const { locale, via } = await httpErrors(async () => ({ locale: decodeLocale(ctx.query.locale), via: decodeVia(ctx.query.via) }));
      if (!(await getService(strapi, 'serve').canRead(c, uid, documentId, via))) {
        throw forbidden(`${uid} ${documentId} is neither of a type approved for this consumer nor reachable from one`);
      }
      ctx.body = await getService(strapi, 'serve').fetchDocument(uid, documentId, locale);
    },

    async listDocuments(ctx: Context) {
      const c = await consumerOf(ctx);
      const { uid } = ctx.params as { uid: string };
      if (!UID_RE.test(uid) || !getService(strapi, 'schema').isStreamable(uid))
        throw new errors.ValidationError(`Unknown content type ${uid.slice(0, 100)}`);
      if (!(await getService(strapi, 'serve').canRead(c, uid, '-', []))) throw forbidden(`${uid} is not approved for this consumer`);
      const cfg = getService(strapi, 'settings').config();
      ctx.body = await httpErrors(async () =>
        getService(strapi, 'serve').listDocuments(
          uid,
          parseCursor(ctx.query.after),
          parseLimit(ctx.query.limit, cfg.maxPageSize, cfg.pageSize)
        )
      );
    },

    /** The bytes of a file referenced by a document the consumer may read (`via` ends at that document). */
    async fetchFile(ctx: Context) {
      const c = await consumerOf(ctx);
      const { fileId } = ctx.params as { fileId: string };
      if (!DOC_ID_RE.test(fileId)) throw new errors.ValidationError('file id is malformed');
      const via = await httpErrors(async () => decodeVia(ctx.query.via));
      const last = via[via.length - 1];
      if (!last) throw forbidden('A file is served only through the document that references it (via)');
      if (!(await getService(strapi, 'serve').canRead(c, last.__ref, last.documentId, via.slice(0, -1))))
        throw forbidden('The referencing document is not readable by this consumer');
      const snap = await getService(strapi, 'documents').read(last.__ref, last.documentId, last.locale ?? null);
      let referenced = false;
      walkRefs(
        snap,
        () => undefined,
        (f) => {
          if (isFileRef(f) && f.__file === fileId) referenced = true;
        }
      );
      if (!referenced) throw forbidden('That document does not reference this file');
      const file = await repo(strapi, 'plugin::upload.file').findOne({ where: { $or: [{ documentId: fileId }, { hash: fileId }] } });
      if (!file) throw new errors.NotFoundError('File not found');
      const url = String(file.url ?? '');
      if (/^https?:\/\//.test(url)) {
        ctx.status = 409;
        ctx.body = { error: { status: 409, name: 'RemoteFileError', message: `The file is stored at ${url}; fetch it there` } };
        return;
      }
      const publicDir = path.resolve(strapi.dirs.static.public);
      const filePath = path.resolve(publicDir, `.${url}`);
      if (!filePath.startsWith(publicDir + path.sep) || !fs.existsSync(filePath))
        throw new errors.NotFoundError('The file is missing on disk');
      ctx.type = String(file.mime ?? 'application/octet-stream');
      ctx.body = fs.createReadStream(filePath);
    },

    /** Consumer side: a producer pokes this site; the pull that follows fetches the data. */
    async notify(ctx: Context) {
      const id = tokenId(ctx);
      const body = (ctx.request.body ?? {}) as { siteId?: unknown };
      if (typeof body.siteId !== 'string' || body.siteId.length > 64) throw new errors.ValidationError('siteId is required');
      const producer = await getService(strapi, 'producer-store').bySiteId(body.siteId);
      if (!producer) throw new errors.NotFoundError('No Event Producer with this site id');
      if (producer.callbackTokenId && producer.callbackTokenId !== id)
        throw forbidden('This token is not the callback token of that producer');
      getService(strapi, 'puller').requestPull(Number(producer.id));
      ctx.status = 202;
      ctx.body = { accepted: true };
    },
  };
};
