import type { Core, Modules, UID } from '@strapi/strapi';
import { buildPopulate, toSnapshot, type Snapshot } from '../engine/snapshot';
import { contentTypeUid, getService, repo } from '../utils';

/** `buildPopulate`'s object, as the Document Service types it (the engine builds it from plain schemas). */
type Populate = Modules.Documents.Params.Populate.ObjectNotation<UID.ContentType>;

/** Reads documents as the stream sees them: the published version (Draft & Publish), one locale, as a Snapshot. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * The streamed version of a document in one locale; null when there is none (absent or draft
   * only). Inside `strapi.db.transaction` (capture's reads) it reads on that transaction.
   */
  async read(uid: string, documentId: string, locale: string | null): Promise<Snapshot | null> {
    const schema = getService(strapi, 'schema');
    const model = schema.model(uid);
    if (!model) return null;
    if (schema.scalarOnly(uid) && (!model.localized || locale)) {
      // Nothing to populate: one Query Engine findOne instead of the Document Service pipeline.
      const where: Record<string, unknown> = { documentId };
      if (model.localized && locale) where.locale = locale;
      if (model.draftAndPublish) where.publishedAt = { $notNull: true };
      const row = await repo(strapi, uid).findOne({ where });
      return toSnapshot(uid, row, schema.lookup);
    }
    const entry = await strapi.documents(contentTypeUid(uid)).findOne({
      documentId,
      ...(locale && model.localized ? { locale } : {}),
      ...(model.draftAndPublish ? { status: 'published' as const } : {}),
      populate: buildPopulate(uid, schema.lookup) as Populate,
    });
    return toSnapshot(uid, entry, schema.lookup);
  },

  /**
   * `read` for many documents of one type at once (back-fill pages): one Document Service
   * `findMany` per locale instead of one `findOne` per document. Same snapshots, in `keys` order.
   */
  async readMany(uid: string, keys: Array<{ documentId: string; locale: string | null }>): Promise<Array<Snapshot | null>> {
    const schema = getService(strapi, 'schema');
    const model = schema.model(uid);
    if (!model) return keys.map(() => null);
    const found = new Map<string, Snapshot | null>();
    const keyOf = (documentId: string, locale: string | null) => `${documentId}\u0000${model.localized ? (locale ?? '') : ''}`;
    const byLocale = new Map<string | null, string[]>();
    for (const k of keys) {
      const locale = model.localized ? k.locale : null;
      byLocale.set(locale, [...(byLocale.get(locale) ?? []), k.documentId]);
    }
    for (const [locale, ids] of byLocale) {
      const rows = await strapi.documents(contentTypeUid(uid)).findMany({
        filters: { documentId: { $in: ids } },
        ...(locale && model.localized ? { locale } : {}),
        ...(model.draftAndPublish ? { status: 'published' as const } : {}),
        populate: buildPopulate(uid, schema.lookup) as Populate,
        limit: ids.length,
      });
      for (const row of rows)
        found.set(keyOf(row.documentId, typeof row.locale === 'string' ? row.locale : null), toSnapshot(uid, row, schema.lookup));
    }
    return keys.map((k) => found.get(keyOf(k.documentId, k.locale)) ?? null);
  },

  /** Locales in which a document exists (any status). */
  async localesOf(uid: string, documentId: string): Promise<string[]> {
    const rows = await repo<{ locale: string | null }>(strapi, uid).findMany({ where: { documentId }, select: ['locale'] });
    return [...new Set(rows.map((r) => r.locale).filter((l): l is string => Boolean(l)))];
  },
});
