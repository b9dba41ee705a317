import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { FILE_UID } from '../engine/apply';
import { ApplyError } from '../engine/errors';
import type { LocalCopy } from '../engine/inline-media';
import type { DocRef, FileRef } from '../engine/snapshot';
import { getService, repo } from '../utils';
import type { ProducerRow } from './producer-registry';

/** What a file is to Strapi's upload plugin (a formidable-like file on disk). */
interface UploadFile {
  filepath: string;
  originalFilename: string;
  mimetype: string;
  size: number;
}

/** The part of the upload plugin's own validation (`server/utils/mime-validation`) used here. */
interface MimeValidation {
  /** The type `file-type` detects from the file's first bytes, or undefined (text formats). */
  detectMimeType(file: UploadFile): Promise<string | undefined>;
  /** The checks of Strapi's upload endpoints: `plugin::upload.security` allowedTypes / deniedTypes. */
  enforceUploadSecurity(
    files: UploadFile,
    strapi: Core.Strapi
  ): Promise<{ errors: Array<{ error: { message: string; details?: { reason?: string } } }> }>;
}

/**
 * Types a browser never runs as a page or script: a file the bytes do not identify keeps the
 * type of its name only when it is one of these (HTML, SVG, XML and anything else is not).
 */
const PASSIVE_TEXT = new Set(['text/plain', 'text/csv', 'text/markdown', 'text/tab-separated-values', 'application/json']);
/** Types `file-type` can report that a browser renders as an active document (XML with an SVG or XHTML namespace runs scripts). */
const ACTIVE = new Set(['application/xml', 'text/xml', 'text/html', 'image/svg+xml', 'application/xhtml+xml']);
const OPAQUE = { mime: 'application/octet-stream', ext: 'bin' };
/** The fields of a file a Blocks image node holds (what the Content Manager's Blocks editor keeps). */
const IMAGE_FIELDS = [
  'name',
  'alternativeText',
  'url',
  'caption',
  'width',
  'height',
  'formats',
  'hash',
  'ext',
  'mime',
  'size',
  'previewUrl',
  'provider',
  'provider_metadata',
  'createdAt',
  'updatedAt',
];

/**
 * Media files from a producer (consumer side): binaries are transferred, not hot-linked. A file is
 * transferred once per producer file — its remote reference (type `plugin::upload.file`, the
 * producer's file key) names the local upload — and reused while that upload exists.
 *
 * THE PRODUCER IS NOT TRUSTED with a file's type: the download is streamed to a temporary file
 * (never held in memory; `maxFileBytes`, `fileTimeoutMs`), its type is sniffed from its bytes with
 * the upload plugin's own detection (`file-type`), the stored name gets that type's extension, and
 * the upload plugin's security config (`security.allowedTypes` / `deniedTypes`) is applied as for
 * an upload through its own endpoints. Bytes that identify no type are stored as
 * application/octet-stream (.bin) — so HTML or SVG claimed as image/png is never served as a
 * page — unless the claimed name is a passive text type (txt, csv, md, json).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const references = () => getService(strapi, 'references');
  const fileKey = (key: string) => ({ uid: FILE_UID, documentId: key, locale: null });
  let loaded: { validation: MimeValidation; extension(mime: string): string | false; lookup(name: string): string | false } | null = null;

  /** The upload plugin's validation and its `mime-types`, loaded from the app's @strapi/upload (not in its exports map). */
  const uploadInternals = () => {
    if (!loaded) {
      const fromApp = createRequire(path.join(strapi.dirs.app.root, 'package.json'));
      const fromUpload = createRequire(fromApp.resolve('@strapi/upload/package.json'));
      const mimeTypes = fromUpload('mime-types') as { extension(mime: string): string | false; lookup(name: string): string | false };
      loaded = {
        validation: fromUpload('./dist/server/utils/mime-validation.js') as MimeValidation,
        extension: (mime) => mimeTypes.extension(mime),
        lookup: (name) => mimeTypes.lookup(name),
      };
    }
    return loaded;
  };

  /** The type and extension a downloaded file gets: from its bytes (see above), never from the producer's word. */
  const typeOf = async (filepath: string, claimedName: string, size: number): Promise<{ mime: string; ext: string }> => {
    const { validation, extension, lookup } = uploadInternals();
    const detected = await validation.detectMimeType({ filepath, originalFilename: claimedName, mimetype: '', size });
    const claimed = lookup(claimedName);
    const claimedExt = path.extname(claimedName).slice(1).toLowerCase();
    if (detected) {
      if (ACTIVE.has(detected)) return OPAQUE;
      // The name's extension is kept when it names the detected type (photo.jpg stays .jpg, not .jpeg).
      return { mime: detected, ext: claimed === detected ? claimedExt : extension(detected) || 'bin' };
    }
    return claimed && PASSIVE_TEXT.has(claimed) ? { mime: claimed, ext: claimedExt } : OPAQUE;
  };

  const service = {
    /** Local upload id of a file transferred before and still here, else null. */
    async localFile(producer: ProducerRow, key: string): Promise<number | null> {
      const ref = await references().find(producer, fileKey(key));
      if (!ref || ref.deleted) return null;
      const exists = await repo(strapi, FILE_UID).findOne({ where: { id: Number(ref.localDocumentId) } });
      return exists ? Number(ref.localDocumentId) : null;
    },

    /**
     * Downloads a file from the producer to a temporary file, types it from its bytes, checks it
     * against the upload security config, uploads it through the upload plugin and records its
     * reference. The temporary folder is removed afterwards. Returns the local upload id.
     * @throws RemoteError (download: size, deadline, address policy), ApplyError (type refused).
     */
    async transfer(producer: ProducerRow, file: FileRef, via: DocRef[]): Promise<number> {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'event-streaming-'));
      try {
        const filepath = path.join(dir, 'download');
        const size = await getService(strapi, 'producer-client').downloadFile(producer, file.__file, via, filepath);
        const claimed = path.basename(file.name || 'file').replace(/[^\w.\- ]/g, '_') || 'file';
        const { mime, ext } = await typeOf(filepath, claimed, size);
        const name = `${path.basename(claimed, path.extname(claimed)) || 'file'}.${ext}`;
        const upload: UploadFile = { filepath, originalFilename: name, mimetype: mime, size };
        const { errors } = await uploadInternals().validation.enforceUploadSecurity(upload, strapi);
        if (errors.length) {
          throw new ApplyError(
            `File "${claimed}" (${file.__file}, its bytes are ${mime}) is refused by this site's upload security config ` +
              `(config plugin upload security.allowedTypes / deniedTypes): ${errors[0].error.message}`
          );
        }
        const uploaded = (await strapi
          .plugin('upload')
          .service('upload')
          .upload({
            data: { fileInfo: { name, alternativeText: file.alternativeText, caption: file.caption } },
            files: upload,
          })) as Array<{ id: number }>;
        const id = uploaded[0].id;
        const existing = await references().find(producer, fileKey(file.__file));
        await references().save(
          producer,
          { localContentType: FILE_UID, localDocumentId: String(id), remote: fileKey(file.__file), lastAppliedSeq: 0, deleted: false },
          existing?.id ?? null
        );
        return id;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },

    /** The local copy of upload `id` as inline rewrites need it (URL, format URLs, Blocks file object), or null. */
    async copyOf(id: number): Promise<LocalCopy | null> {
      const row = await repo(strapi, FILE_UID).findOne({ where: { id } });
      if (!row || typeof row.url !== 'string') return null;
      const formats: Record<string, string> = {};
      if (row.formats && typeof row.formats === 'object') {
        for (const [name, f] of Object.entries(row.formats as Record<string, { url?: unknown }>))
          if (f && typeof f.url === 'string') formats[name] = f.url;
      }
      // Dates as the Blocks validator wants them (strings), whatever the database driver returns.
      const image = Object.fromEntries(
        IMAGE_FIELDS.filter((k) => row[k] !== undefined).map((k) => [k, row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]])
      );
      return { url: row.url, formats, image };
    },

    /**
     * Removes the upload of a transferred file (an event that brought it did not apply) and marks
     * its reference deleted, so that it is downloaded again when next needed.
     */
    async remove(producer: ProducerRow, key: string): Promise<void> {
      const ref = await references().find(producer, fileKey(key));
      if (!ref || ref.deleted) return;
      const upload = await repo(strapi, FILE_UID).findOne({ where: { id: Number(ref.localDocumentId) } });
      if (upload) await strapi.plugin('upload').service('upload').remove(upload);
      await references().save(
        producer,
        { localContentType: FILE_UID, localDocumentId: ref.localDocumentId, remote: fileKey(key), lastAppliedSeq: 0, deleted: true },
        ref.id
      );
    },
  };
  return service;
};
