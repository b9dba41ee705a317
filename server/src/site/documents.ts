import type { Core, Modules, UID } from '@strapi/strapi';
import { buildPopulate, queryPopulate, toSnapshot, type Snapshot } from '../engine/snapshot';
import { contentTypeUid, getService, repo } from '../utils';

/** `buildPopulate`'s object, as the Document Service types it (the engine builds it from plain schemas). */
type Populate = Modules.Documents.Params.Populate.ObjectNotation<UID.ContentType>;

/** The Query Engine's `where` for the streamed version of documents of a model (published under D&P, one locale). */
const streamedWhere = (model: { localized?: boolean; draftAndPublish?: boolean }, locale: string | null): Record<string, unknown> => ({
  ...(model.localized && locale ? { locale } : {}),
  ...(model.draftAndPublish ? { publishedAt: { $notNull: true } } : {}),
});

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
    if (model.localized && !locale) {
      // No locale given: the Document Service picks the default one.
      const entry = await strapi.documents(contentTypeUid(uid)).findOne({
        documentId,
        ...(model.draftAndPublish ? { status: 'published' as const } : {}),
        populate: buildPopulate(uid, schema.lookup) as Populate,
      });
      return toSnapshot(uid, entry, schema.lookup);
    }
    // One Query Engine findOne with the same populate: the rows the Document Service would read
    // (the published row links to the published rows of its relations' targets), without its
    // pipeline around each statement (capture reads twice per update: bench overheadInvoice).
    const where = { documentId, ...streamedWhere(model, locale) };
    const populate = schema.scalarOnly(uid) ? undefined : queryPopulate(buildPopulate(uid, schema.lookup));
    const row = await repo(strapi, uid).findOne({ where, ...(populate ? { populate } : {}) });
    return toSnapshot(uid, row, schema.lookup);
  },

  /**
   * `read` for many documents of one type at once (back-fill pages): one Query Engine
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
    const populate = schema.scalarOnly(uid) ? undefined : queryPopulate(buildPopulate(uid, schema.lookup));
    for (const [locale, ids] of byLocale) {
      const rows = await repo(strapi, uid).findMany({
        where: { documentId: { $in: ids }, ...streamedWhere(model, locale) },
        ...(populate ? { populate } : {}),
      });
      for (const row of rows)
        found.set(keyOf(String(row.documentId), typeof row.locale === 'string' ? row.locale : null), toSnapshot(uid, row, schema.lookup));
    }
    return keys.map((k) => found.get(keyOf(k.documentId, k.locale)) ?? null);
  },

  /** Locales in which a document exists (any status). */
  async localesOf(uid: string, documentId: string): Promise<string[]> {
    const rows = await repo<{ locale: string | null }>(strapi, uid).findMany({ where: { documentId }, select: ['locale'] });
    return [...new Set(rows.map((r) => r.locale).filter((l): l is string => Boolean(l)))];
  },
});
