import type { Core } from '@strapi/strapi';
import { OUTBOX_TABLE, UID } from '../constants';
import { changeFor } from '../engine/diff';
import { toSnapshot, type Snapshot } from '../engine/snapshot';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import { appendEntries, fromDb, rowToEntry, selectColumn, selectColumnAndDocumentRow, type Trx } from '../site/raw-rows';
import { getService, tableOf } from '../utils';
import { currentOrigin } from '../site/origin';
import type { OutboxEntry } from './update-log';

/** Actions of the Document Service that can change what a consumer sees. */
const WRITE_ACTIONS = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

interface MiddlewareContext {
  uid: string;
  action: string;
  params: Record<string, any>;
  contentType?: { options?: { draftAndPublish?: boolean }; pluginOptions?: { i18n?: { localized?: boolean } } };
}

/**
 * Change capture on the producer, as a Document Service middleware (REST, GraphQL, the Content
 * Manager, `strapi.documents()` and the entity service all go through it; raw `strapi.db.query`
 * writes do not).
 *
 * For a write to a type some consumer has Approved, it reads the streamed version of the
 * document (the published one under Draft & Publish; every affected locale) before and after the
 * write, and inserts one update-log row per changed (document, locale) — in the same transaction
 * as the write, so a rolled-back write leaves no log and a committed one always has one.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const docs = () => getService(strapi, 'documents');
  const localesOf = (uid: string, documentId: string) => docs().localesOf(uid, documentId);

  /** Could this action change the streamed (published) version? Saves two reads per draft edit. */
  const touchesStreamedVersion = (ctx: MiddlewareContext): boolean => {
    const dp = ctx.contentType?.options?.draftAndPublish === true;
    if (!dp) return ctx.action !== 'discardDraft';
    switch (ctx.action) {
      case 'create':
      case 'update':
        return ctx.params?.status === 'published';
      case 'publish':
      case 'unpublish':
      case 'delete':
        return true;
      default:
        return false;
    }
  };

  /**
   * Types with at least one consumer that has them Approved and not unsubscribed (read each write:
   * correct across instances). One raw statement on the write's transaction: this runs before
   * every write to an `api::` type, captured or not.
   */
  const typesOf = (values: unknown[]): Set<string> => {
    const types = new Set<string>();
    for (const value of values) {
      const subs = value == null ? [] : fromDb('json', value);
      if (Array.isArray(subs)) for (const t of streamableTypes(subs as ServedSubscription[])) types.add(t);
    }
    return types;
  };
  const subscriptionsColumn = () => {
    const { table, col } = tableOf(strapi, UID.consumer);
    return { table, column: col('subscriptions') };
  };
  const capturedTypes = async (trx: Trx): Promise<Set<string>> => {
    const { table, column } = subscriptionsColumn();
    return typesOf((await selectColumn(trx, table, column)).map((row) => row[column]));
  };

  /**
   * For an update of a scalar-only, non-localized model: the captured types and the document's
   * streamed version before the write, in one statement (one round trip, not two). Null: not such
   * an update (or a dialect without the JSON aggregate): ask separately.
   */
  const typesAndBefore = async (ctx: MiddlewareContext, documentId: string | undefined, trx: Trx) => {
    const schema = getService(strapi, 'schema');
    const model = schema.model(ctx.uid);
    if (ctx.action !== 'update' || !documentId || !model || model.localized || !schema.scalarOnly(ctx.uid)) return null;
    const { table, col } = tableOf(strapi, ctx.uid);
    const cols = { documentId: col('documentId'), publishedAt: col('publishedAt') };
    const res = await selectColumnAndDocumentRow(
      trx,
      strapi.db.dialect.client,
      subscriptionsColumn(),
      table,
      cols,
      documentId,
      model.draftAndPublish === true
    );
    if (!res) return null;
    const before = toSnapshot(ctx.uid, rowToEntry(strapi, ctx.uid, res.row), schema.lookup);
    return { types: typesOf(res.values), before: new Map<string | null, Snapshot | null>([[null, before]]) };
  };

  const readAll = async (uid: string, documentId: string, locales: Array<string | null>, trx: Trx) => {
    const out = new Map<string | null, Snapshot | null>();
    for (const locale of locales) out.set(locale, await docs().read(uid, documentId, locale, trx));
    return out;
  };

  /**
   * The streamed version of a (non-localized) document after the write, saving the read where
   * the write's own answer already is that version: nothing after a delete; the returned entry
   * after a create/update of a scalar-only model when no `fields` selection trimmed it.
   */
  const afterWrite = async (ctx: MiddlewareContext, uid: string, documentId: string, result: unknown, trx: Trx) => {
    const entry = result as Record<string, unknown> | null;
    if (ctx.action === 'delete') return new Map<string | null, Snapshot | null>([[null, null]]);
    if (
      (ctx.action === 'create' || ctx.action === 'update') &&
      ctx.params?.fields === undefined &&
      entry?.documentId === documentId &&
      getService(strapi, 'schema').scalarOnly(uid)
    ) {
      return new Map<string | null, Snapshot | null>([[null, toSnapshot(uid, entry, getService(strapi, 'schema').lookup)]]);
    }
    return readAll(uid, documentId, [null], trx);
  };

  const service = {
    /** The Document Service middleware (registered in `register`). */
    middleware() {
      return async (ctx: MiddlewareContext, next: () => Promise<unknown>) => {
        if (!WRITE_ACTIONS.has(ctx.action) || !ctx.uid.startsWith('api::') || !touchesStreamedVersion(ctx)) {
          return next();
        }
        return service.around(ctx, next);
      };
    },

    async around(ctx: MiddlewareContext, next: () => Promise<unknown>): Promise<unknown> {
      const { uid } = ctx;
      return strapi.db.transaction(async ({ trx, onCommit }) => {
        let documentId: string | undefined = ctx.action === 'create' ? undefined : ctx.params?.documentId;
        const combined = await typesAndBefore(ctx, documentId, trx);
        if (!(combined?.types ?? (await capturedTypes(trx))).has(uid)) return next();
        const localized = ctx.contentType?.pluginOptions?.i18n?.localized === true;
        const requested: string | undefined = typeof ctx.params?.locale === 'string' ? ctx.params.locale : undefined;

        let locales: Array<string | null> = [null];
        if (localized) {
          const existing = documentId ? await localesOf(uid, documentId) : [];
          locales = requested && requested !== '*' ? [requested] : existing;
        }
        const before =
          combined?.before ?? (documentId ? await readAll(uid, documentId, locales, trx) : new Map<string | null, Snapshot | null>());

        const result = (await next()) as { documentId?: string; locale?: string; entries?: Array<{ locale?: string }> } | null;
        documentId = documentId ?? result?.documentId;
        if (!documentId) return result;
        if (localized) {
          const after = new Set<string | null>(locales);
          if (result?.locale) after.add(result.locale);
          for (const l of await localesOf(uid, documentId)) if (!requested || requested === '*' || l === requested) after.add(l);
          locales = [...after];
        }
        const after = localized ? await readAll(uid, documentId, locales, trx) : await afterWrite(ctx, uid, documentId, result, trx);

        const origin = currentOrigin() ?? getService(strapi, 'settings').siteId();
        const rows = [];
        for (const locale of locales) {
          const change = changeFor(before.get(locale) ?? null, after.get(locale) ?? null);
          if (!change) continue;
          const entry: OutboxEntry = {
            updateType: change.updateType,
            contentType: uid,
            targetDocumentId: documentId,
            docLocale: locale,
            data: change.data,
            originSiteId: origin,
            createdAt: new Date().toISOString(),
          };
          rows.push(JSON.stringify(entry));
        }
        // One multi-row INSERT into the outbox on this transaction's knex handle: the entries commit
        // or roll back with the write. The outbox has no index but its key, so this touches the
        // fewest pages a write can (the update log has five indexes); the sequencer moves them.
        if (rows.length) {
          await appendEntries(trx, OUTBOX_TABLE, rows);
          onCommit(() => getService(strapi, 'notifier').changed());
        }
        return result;
      });
    },
  };
  return service;
};
