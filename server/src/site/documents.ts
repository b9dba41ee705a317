import type { Core } from '@strapi/strapi';
import { buildPopulate, toSnapshot, type Snapshot } from '../engine/snapshot';
import { rowToEntry, selectDocumentRow, type Trx } from './raw-rows';
import { getService, repo, tableOf } from '../utils';

/** Reads documents as the stream sees them: the published version (Draft & Publish), one locale, as a Snapshot. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * The streamed version of a document in one locale; null when there is none (absent or draft only).
   * @param trx the caller's transaction (capture passes it): a scalar-only model is then read with
   *   one raw statement on it instead of the Query Engine, with the same result (raw-rows.ts).
   */
  async read(uid: string, documentId: string, locale: string | null, trx?: Trx): Promise<Snapshot | null> {
    const schema = getService(strapi, 'schema');
    const model = schema.model(uid);
    if (!model) return null;
    if (schema.scalarOnly(uid) && (!model.localized || locale)) {
      if (trx) {
        // Capture's before-read, on the producer's write path: the same `SELECT * ... LIMIT 1` the
        // Query Engine's findOne below sends, without its query building and entity mapping.
        const { table, col } = tableOf(strapi, uid);
        const cols = { documentId: col('documentId'), locale: col('locale'), publishedAt: col('publishedAt') };
        const row = await selectDocumentRow(
          trx,
          table,
          cols,
          documentId,
          model.localized && locale ? locale : null,
          model.draftAndPublish === true
        );
        return toSnapshot(uid, rowToEntry(strapi, uid, row), schema.lookup);
      }
      // Nothing to populate: one plain query instead of the Document Service pipeline.
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
      const rows = (await strapi.documents(uid as never).findMany({
        filters: { documentId: { $in: ids } },
        ...(locale && model.localized ? { locale } : {}),
        ...(model.draftAndPublish ? { status: 'published' } : {}),
        populate: buildPopulate(uid, schema.lookup),
        limit: ids.length,
      } as never)) as unknown as Array<Record<string, unknown>>;
      for (const row of rows)
        found.set(keyOf(String(row.documentId), (row.locale as string | undefined) ?? null), toSnapshot(uid, row, schema.lookup));
    }
    return keys.map((k) => found.get(keyOf(k.documentId, k.locale)) ?? null);
  },

  /** Locales in which a document exists (any status). */
  async localesOf(uid: string, documentId: string): Promise<string[]> {
    const rows = await repo(strapi, uid).findMany({ where: { documentId }, select: ['locale'] });
    return [...new Set(rows.map((r) => r.locale as string).filter(Boolean))];
  },
});
