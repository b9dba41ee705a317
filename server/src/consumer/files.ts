import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { FILE_UID } from '../engine/apply';
import type { DocRef, FileRef } from '../engine/snapshot';
import { getService, repo } from '../utils';
import type { ProducerRow } from './producer-registry';

/**
 * Media files from a producer (consumer side): binaries are transferred, not hot-linked. A file is
 * transferred once per producer file — its remote reference (type `plugin::upload.file`, the
 * producer's file key) names the local upload — and reused while that upload exists.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const references = () => getService(strapi, 'references');
  const fileKey = (key: string) => ({ uid: FILE_UID, documentId: key, locale: null });

  return {
    /** Local upload id of a file transferred before and still here, else null. */
    async localFile(producer: ProducerRow, key: string): Promise<number | null> {
      const ref = await references().find(producer, fileKey(key));
      if (!ref || ref.deleted) return null;
      const exists = await repo(strapi, FILE_UID).findOne({ where: { id: Number(ref.localDocumentId) } });
      return exists ? Number(ref.localDocumentId) : null;
    },

    /**
     * Downloads a file from the producer, uploads it through the upload plugin (from a temporary
     * file, removed afterwards) and records its reference. Returns the local upload id.
     */
    async transfer(producer: ProducerRow, file: FileRef, via: DocRef[]): Promise<number> {
      const bytes = await getService(strapi, 'producer-client').fetchFile(producer, file.__file, via);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'event-streaming-'));
      const name = path.basename(file.name || 'file').replace(/[^\w.\- ]/g, '_') || 'file';
      const filepath = path.join(dir, name);
      try {
        await fs.writeFile(filepath, bytes);
        const uploaded = (await strapi
          .plugin('upload')
          .service('upload')
          .upload({
            data: { fileInfo: { name, alternativeText: file.alternativeText, caption: file.caption } },
            files: { filepath, originalFilename: name, mimetype: file.mime, size: bytes.length },
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
  };
};
