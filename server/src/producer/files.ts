import fs from 'node:fs';
import path from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import axios from 'axios';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { FILE_UID } from '../engine/apply';
import type { InlineFile } from '../engine/apply/inline';
import { collectInline, matchUpload, uploadKeys } from '../engine/inline-media';
import { collectFiles, toFile, type DocRef, type Snapshot } from '../engine/snapshot';
import { agentsFor, hostOf, refusalMessage } from '../site/http';
import { getService, repo } from '../utils';

/** The bytes of one of this site's files, ready to stream to a consumer. */
export interface ServedFile {
  mime: string;
  /** Bytes, when known before streaming (disk size, or the storage's content-length). */
  length: number | null;
  body: Readable;
}

/** The upload plugin's provider as Strapi wraps it (every method async; see @strapi/upload register.js). */
interface UploadProvider {
  isPrivate?(): Promise<boolean> | boolean;
  getSignedUrl?(file: Record<string, unknown>): Promise<{ url?: unknown }> | { url?: unknown };
}

/** The storage of this site's uploads could not give a file's bytes: a 502 (transient for the consumer). */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/**
 * Host names named by the upload provider's configuration (`baseUrl`, `s3Options.endpoint`, any
 * URL-valued option): this site's own storage, chosen by its operator. The file URLs this site's
 * provider writes (and the signed URLs it makes) point there or at a subdomain (a bucket in
 * virtual-hosted style); those hosts are fetched even on a private address. Nothing a peer sends
 * reaches this list: the consumer names a file id, the URL comes from this site's own upload table.
 */
export function providerHosts(options: unknown, depth = 0, out: Set<string> = new Set()): Set<string> {
  if (depth > 6 || options === null || typeof options !== 'object') return out;
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'string') {
      if (/^https?:\/\//i.test(value)) {
        const host = hostOf(value);
        if (host) out.add(host);
      } else if (key === 'endpoint' && /^[a-z0-9.-]{1,253}(:\d{1,5})?$/i.test(value)) {
        out.add(value.replace(/:\d+$/, '').toLowerCase()); // an S3 endpoint written without its scheme
      }
    } else if (value instanceof URL) {
      out.add(hostOf(value.href));
    } else {
      providerHosts(value, depth + 1, out);
    }
  }
  return out;
}

/** Whether `url`'s host is one of `hosts` or a subdomain of one. */
export const isProviderHost = (url: string, hosts: Set<string>): boolean => {
  const host = hostOf(url);
  return host !== '' && [...hosts].some((h) => host === h || host.endsWith(`.${h}`));
};

/** A stream that fails once more than `max` bytes went through it. */
const capped = (max: number, what: string) => {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(new StorageError(`${what} is larger than maxFileBytes (${max} bytes)`));
      else cb(null, chunk);
    },
  });
};

/**
 * Producer side of media: which files a consumer may fetch, and their bytes from wherever this
 * site's upload provider keeps them (local disk, or a bucket: public URL or, for a private
 * bucket, the provider's signed URL), fetched by this site and streamed on. The consumer never
 * gets a URL to fetch itself.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const schema = () => getService(strapi, 'schema');

  /** Opens an absolute storage URL through the outbound address policy, under the file deadline and size limit. */
  async function fetchStorage(url: string, hosts: Set<string>): Promise<{ body: Readable; length: number | null }> {
    const cfg = getService(strapi, 'settings').config();
    const trusted = isProviderHost(url, hosts) || cfg.outbound.allowedHosts.some((h) => h.toLowerCase() === hostOf(url));
    const agents = agentsFor(cfg.outbound, trusted);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), cfg.fileTimeoutMs);
    const where = `this site's upload storage (${hostOf(url)})`;
    let res;
    try {
      res = await axios.request<Readable>({
        method: 'GET',
        url,
        responseType: 'stream',
        signal: deadline.signal,
        timeout: cfg.fileTimeoutMs,
        httpAgent: agents.http,
        httpsAgent: agents.https,
        proxy: false,
        maxRedirects: 0,
        validateStatus: () => true,
      });
    } catch (error) {
      clearTimeout(timer);
      const e = error as { message?: string; cause?: { message?: string }; code?: string };
      const agentMessage = [e.message, e.cause?.message].find((m) => typeof m === 'string' && m.startsWith('DNS lookup '));
      const refused = agentMessage ? refusalMessage(url.replace(/[?#].*$/, ''), agentMessage) : null;
      throw new StorageError(refused ?? `Could not read a file from ${where}: ${e.code ?? e.message ?? 'unknown error'}`);
    }
    if (res.status < 200 || res.status >= 300) {
      clearTimeout(timer);
      res.data.destroy();
      throw new StorageError(`${where} answered ${res.status} for a file`);
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > cfg.maxFileBytes) {
      clearTimeout(timer);
      res.data.destroy();
      throw new StorageError(`A file in ${where} is larger than maxFileBytes (${cfg.maxFileBytes} bytes)`);
    }
    const body = capped(cfg.maxFileBytes, `A file in ${where}`);
    // Either side ending early (the storage fails, the consumer goes away) destroys both; the
    // deadline keeps running until then.
    pipeline(res.data, body, () => clearTimeout(timer));
    return { body, length: Number.isFinite(length) ? length : null };
  }

  /** This site's public origins: an absolute URL at one of them names a local upload by its path. */
  const ownOrigins = (): string[] => {
    const urls = [
      strapi.config.get('server.absoluteUrl'),
      strapi.config.get('admin.absoluteUrl'),
      getService(strapi, 'settings').publicUrl(),
    ];
    const out = new Set<string>();
    for (const u of urls) {
      try {
        if (typeof u === 'string' && /^https?:\/\//i.test(u)) out.add(new URL(u).origin);
      } catch {
        // not a URL: no origin
      }
    }
    return [...out];
  };

  /**
   * The uploads of this site that the rich-text, Blocks and JSON fields of a streamed document
   * (`snap` of type `uid`) reference inline: each URL written there that names an upload row — its
   * `url` or a format's, a path or an absolute URL at this site's origin, or the provider's
   * absolute URL (engine/inline-media.ts matchUpload). Any other URL is not this site's file.
   */
  async function inlineOf(uid: string, snap: Snapshot | null): Promise<InlineFile[]> {
    if (!snap) return [];
    const origins = ownOrigins();
    const keyed = [...new Set(collectInline(schema().lookup, uid, snap).map((f) => f.url))]
      .map((url) => ({ url, keys: uploadKeys(url, origins) }))
      .filter((x): x is { url: string; keys: NonNullable<typeof x.keys> } => x.keys !== null);
    if (!keyed.length) return [];
    const rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < keyed.length; i += 200) {
      const chunk = keyed.slice(i, i + 200);
      rows.push(
        ...(await repo(strapi, FILE_UID).findMany({
          where: {
            $or: [{ url: { $in: chunk.flatMap((x) => x.keys.urls) } }, { hash: { $in: chunk.flatMap((x) => x.keys.hashes) } }],
          },
        }))
      );
    }
    const out: InlineFile[] = [];
    for (const { url } of keyed) {
      for (const row of rows) {
        const format = matchUpload(url, row, origins);
        const file = format === null ? null : toFile(row);
        if (file && format !== null) {
          out.push({ url, format, file });
          break;
        }
      }
    }
    return out;
  }

  const readStreamed = (doc: DocRef) => getService(strapi, 'documents').read(doc.__ref, doc.documentId, doc.locale ?? null);

  return {
    /**
     * Whether `fileId` is referenced by the streamed version of `doc`: by a media field
     * (components and dynamic zones included), or inline — its URL written in a rich-text, Blocks
     * or JSON field (inlineOf). A `{__file}` object inside a JSON or rich-text field is data, not
     * a reference: it never makes a file readable.
     */
    async referencedBy(doc: DocRef, fileId: string): Promise<boolean> {
      if (!schema().isStreamable(doc.__ref)) return false;
      const snap = await readStreamed(doc);
      if (collectFiles(doc.__ref, snap, schema().lookup).some((f) => f.__file === fileId)) return true;
      return (await inlineOf(doc.__ref, snap)).some((f) => f.file.__file === fileId);
    },

    /** The uploads the streamed version of `doc` references inline (GET /documents/…?inline=only). */
    async inlineFiles(doc: DocRef): Promise<InlineFile[]> {
      if (!schema().isStreamable(doc.__ref)) return [];
      return inlineOf(doc.__ref, await readStreamed(doc));
    },

    /**
     * The bytes of upload `fileId` (its documentId, or hash) from this site's storage.
     * @throws NotFoundError when there is no such upload or a local file is missing on disk;
     *   StorageError when the storage cannot be read (refused address, error answer, too large).
     */
    async open(fileId: string): Promise<ServedFile> {
      const file = await repo(strapi, FILE_UID).findOne({ where: { $or: [{ documentId: fileId }, { hash: fileId }] } });
      if (!file) throw new errors.NotFoundError('File not found');
      const mime = typeof file.mime === 'string' && file.mime ? file.mime : 'application/octet-stream';
      const url = String(file.url ?? '');
      if (!/^https?:\/\//i.test(url)) {
        // The local provider: a path under the public folder.
        const publicDir = path.resolve(strapi.dirs.static.public);
        const filePath = path.resolve(publicDir, `.${url}`);
        if (!filePath.startsWith(publicDir + path.sep) || !fs.existsSync(filePath)) {
          throw new errors.NotFoundError('The file is missing on disk');
        }
        return { mime, length: fs.statSync(filePath).size, body: fs.createReadStream(filePath) };
      }
      const provider = strapi.plugin('upload').provider as UploadProvider;
      let source = url;
      if (provider.isPrivate && provider.getSignedUrl && (await provider.isPrivate())) {
        const signed = await provider.getSignedUrl(file);
        if (typeof signed?.url !== 'string' || !/^https?:\/\//i.test(signed.url)) {
          throw new StorageError('The upload provider gave no signed URL for a file of its private bucket');
        }
        source = signed.url;
      }
      const hosts = providerHosts(strapi.config.get('plugin::upload.providerOptions', {}));
      const { body, length } = await fetchStorage(source, hosts);
      return { mime, length, body };
    },
  };
};
