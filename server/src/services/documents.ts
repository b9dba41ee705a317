import type { Core } from '@strapi/strapi';
import { buildPopulate, toSnapshot, type Snapshot } from '../streaming/snapshot';
import { getService, repo } from '../utils';

/** Reads documents as the stream sees them: the published version (Draft & Publish), one locale, as a Snapshot. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The streamed version of a document in one locale; null when there is none (absent or draft only). */
  async read(uid: string, documentId: string, locale: string | null): Promise<Snapshot | null> {
    const schema = getService(strapi, 'schema');
    const model = schema.model(uid);
    if (!model) return null;
    if (schema.scalarOnly(uid) && (!model.localized || locale)) {
      // Nothing to populate: one plain query instead of the Document Service pipeline (capture
      // reads before and after every write, so this is on the producer's write path).
      const where: Record<string, unknown> = { documentId };
      if (model.localized && locale) where.locale = locale;
      if (model.draftAndPublish) where.publishedAt = { $notNull: true };
      const row = await repo(strapi, uid).findOne({ where });
      return toSnapshot(uid, row, schema.lookup);
    }
    const entry = await strapi.documents(uid as never).findOne({
      documentId,
      ...(locale && model.localized ? { locale } : {}),
      ...(model.draftAndPublish ? { status: 'published' } : {}),
      populate: buildPopulate(uid, schema.lookup),
    } as never);
    return toSnapshot(uid, entry as Record<string, unknown> | null, schema.lookup);
  },

  /** Locales in which a document exists (any status). */
  async localesOf(uid: string, documentId: string): Promise<string[]> {
    const rows = await repo(strapi, uid).findMany({ where: { documentId }, select: ['locale'] });
    return [...new Set(rows.map((r) => r.locale as string).filter(Boolean))];
  },
});
