import { actorName, type AuthState } from '../engine/actor';
import type { Core, Modules } from '@strapi/strapi';
import type { Knex } from 'knex';
import { OUTBOX_TABLE, UID } from '../constants';
import { changeFor } from '../engine/diff';
import { toSnapshot, type Snapshot } from '../engine/snapshot';
import { streamableTypes, type ServedSubscription } from '../engine/cursor';
import { fromDb, rowToEntry, selectColumnAndDocumentRow } from '../site/raw-rows';
import { getService, tableOf } from '../utils';
import { currentOrigin } from '../site/origin';
import type { OutboxEntry } from './log-rows';
import { OUTBOX_SIZE_COLUMN } from './log-tables';

type Middleware = Modules.Documents.Middleware.Middleware;
type Context = Modules.Documents.Middleware.Context;
type Next = Parameters<Middleware>[1];
type Snapshots = Map<string | null, Snapshot | null>;

/** Actions of the Document Service that can change what a consumer sees. */
const WRITE_ACTIONS = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

/** A parameter of the intercepted call, whatever the action (Strapi types the parameters per action). */
const paramOf = (ctx: Context, key: 'documentId' | 'locale' | 'status' | 'fields'): unknown => {
  const params: object = ctx.params ?? {};
  return key in params ? (Reflect.get(params, key) as unknown) : undefined;
};

/**
 * Change capture on the producer, as a Document Service middleware (REST, GraphQL, the Content
 * Manager, `strapi.documents()` and the entity service all go through it; raw `strapi.db.query`
 * writes do not).
 *
 * For a write to a type some consumer has Approved, it reads the streamed version of the
 * document (the published one under Draft & Publish; every affected locale) before and after the
 * write, and appends one outbox entry per changed (document, locale) — in the same transaction
 * as the write, so a rolled-back write leaves nothing and a committed one always has its entry.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const docs = () => getService(strapi, 'documents');
  const schema = () => getService(strapi, 'schema');

  /** Could this action change the streamed (published) version? Saves two reads per draft edit. */
  const touchesStreamedVersion = (ctx: Context): boolean => {
    const dp = ctx.contentType.options?.draftAndPublish === true;
    if (!dp) return ctx.action !== 'discardDraft';
    switch (ctx.action) {
      case 'create':
      case 'update':
        return paramOf(ctx, 'status') === 'published';
      case 'publish':
      case 'unpublish':
      case 'delete':
        return true;
      default:
        return false;
    }
  };

  /** The types the given `subscriptions` column values stream (Approved and not unsubscribed). */
  const typesOf = (subscriptions: unknown[]): Set<string> => {
    const types = new Set<string>();
    for (const subs of subscriptions) if (Array.isArray(subs)) for (const t of streamableTypes(subs as ServedSubscription[])) types.add(t);
    return types;
  };
  /**
   * Types with at least one consumer that has them Approved and not unsubscribed. Read on every
   * write to an `api::` type, captured or not (correct across instances), inside the write's
   * transaction.
   */
  const capturedTypes = async (trx: Knex.Transaction): Promise<Set<string>> => {
    // One raw statement on the write's transaction: the Query Engine's pipeline around it cost
    // more than the statement on every write (bench overheadInvoice).
    const { table, col } = tableOf(strapi, UID.consumer);
    const rows = (await trx(table).select({ subscriptions: col('subscriptions') })) as Array<{ subscriptions: unknown }>;
    // Stored JSON: text on SQLite (parsed as the Query Engine parses a json column), parsed on PostgreSQL.
    return typesOf(rows.map((r) => (r.subscriptions === null ? null : fromDb('json', r.subscriptions))));
  };

  /**
   * For an update of a scalar-only, non-localized model: the captured types and the document's
   * streamed version before the write, in one raw statement (one round trip, not two: see
   * site/raw-rows.ts for the figure). Null: not such an update (or a dialect without the JSON
   * aggregate), ask the Query Engine separately.
   */
  const typesAndBefore = async (ctx: Context, documentId: string | undefined, trx: Knex.Transaction) => {
    const { uid } = ctx;
    const model = schema().model(uid);
    if (ctx.action !== 'update' || !documentId || !model || model.localized || !schema().scalarOnly(uid)) return null;
    const consumers = tableOf(strapi, UID.consumer);
    const { table, col } = tableOf(strapi, uid);
    const res = await selectColumnAndDocumentRow(
      trx,
      strapi.db.dialect.client,
      { table: consumers.table, column: consumers.col('subscriptions') },
      table,
      { documentId: col('documentId'), publishedAt: col('publishedAt') },
      documentId,
      model.draftAndPublish === true
    );
    if (!res) return null;
    // Stored JSON: text on SQLite (parsed as the Query Engine parses a json column), parsed on PostgreSQL.
    const subscriptions = res.values.map((v) => (v === null ? null : fromDb('json', v)));
    const before: Snapshots = new Map([[null, toSnapshot(uid, rowToEntry(strapi.db, uid, res.row), schema().lookup)]]);
    return { types: typesOf(subscriptions), before };
  };

  const readAll = async (uid: string, documentId: string, locales: Array<string | null>): Promise<Snapshots> => {
    const out: Snapshots = new Map();
    for (const locale of locales) out.set(locale, await docs().read(uid, documentId, locale));
    return out;
  };

  /**
   * The streamed version of a (non-localized) document after the write, saving the read where
   * the write's own answer already is that version: nothing after a delete; the returned entry
   * after a create/update of a scalar-only model when no `fields` selection trimmed it.
   */
  const afterWrite = async (ctx: Context, documentId: string, result: unknown): Promise<Snapshots> => {
    const { uid } = ctx;
    if (ctx.action === 'delete') return new Map([[null, null]]);
    const entry = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : null;
    if (
      (ctx.action === 'create' || ctx.action === 'update') &&
      paramOf(ctx, 'fields') === undefined &&
      entry?.documentId === documentId &&
      schema().scalarOnly(uid)
    ) {
      return new Map([[null, toSnapshot(uid, entry, schema().lookup)]]);
    }
    return readAll(uid, documentId, [null]);
  };

  /**
   * Locks the document's rows (every locale, draft and published) until the write's transaction
   * ends, before its previous version is read. Two concurrent writes of one document are thereby
   * serialised from the read on: the second reads what the first committed, so its diff is
   * exact (without it, on PostgreSQL's READ COMMITTED, a stale form's unchanged field equal to
   * the old value would be left out of the diff while the write sets it back). The draft row
   * survives publish (the published row is replaced), so it keeps serialising publishes too.
   * SQLite needs none: one connection, one writing transaction at a time.
   */
  const lockDocument = async (trx: Knex.Transaction, uid: string, documentId: string): Promise<void> => {
    if (strapi.db.dialect.client === 'sqlite') return;
    const { table, col } = tableOf(strapi, uid);
    await trx(table).select('id').where(col('documentId'), documentId).forUpdate();
  };

  /** Appends the entries, with their sizes, to the outbox on the write's transaction (one multi-row INSERT). */
  const append = (trx: Knex.Transaction, entries: string[]) =>
    trx(OUTBOX_TABLE).insert(entries.map((entry) => ({ entry, [OUTBOX_SIZE_COLUMN]: entry.length })));

  const around = async (ctx: Context, next: Next): Promise<Awaited<ReturnType<Next>>> => {
    const { uid } = ctx;
    // Awaited: Strapi types `transaction` as resolving to the callback's return type, a promise here.
    return await strapi.db.transaction(async ({ trx, onCommit }) => {
      const given = paramOf(ctx, 'documentId');
      // A clone's `documentId` is its source: the written document is the new one (its answer's).
      const creates = ctx.action === 'create' || ctx.action === 'clone';
      let documentId = !creates && typeof given === 'string' ? given : undefined;
      if (documentId) await lockDocument(trx, uid, documentId);
      const combined = await typesAndBefore(ctx, documentId, trx);
      if (!(combined?.types ?? (await capturedTypes(trx))).has(uid)) return next();
      const localized = schema().model(uid)?.localized === true;
      const locale = paramOf(ctx, 'locale');
      const requested = typeof locale === 'string' ? locale : undefined;

      let locales: Array<string | null> = [null];
      if (localized) {
        const existing = documentId ? await docs().localesOf(uid, documentId) : [];
        locales = requested && requested !== '*' ? [requested] : existing;
      }
      const before: Snapshots = combined?.before ?? (documentId ? await readAll(uid, documentId, locales) : new Map());

      const result = await next();
      const written = typeof result === 'object' && result !== null ? (result as { documentId?: unknown; locale?: unknown }) : null;
      documentId = documentId ?? (typeof written?.documentId === 'string' ? written.documentId : undefined);
      if (!documentId) return result;
      if (localized) {
        const after = new Set<string | null>(locales);
        if (typeof written?.locale === 'string') after.add(written.locale);
        for (const l of await docs().localesOf(uid, documentId)) if (!requested || requested === '*' || l === requested) after.add(l);
        locales = [...after];
      }
      const after = localized ? await readAll(uid, documentId, locales) : await afterWrite(ctx, documentId, result);

      const relayed = currentOrigin();
      const origin = relayed ?? getService(strapi, 'settings').siteId();
      // Who made it (engine/actor.ts): the request's user or API token; none for a synced write.
      const changedBy = relayed ? null : actorName((strapi.requestContext.get() as { state?: AuthState } | undefined)?.state);
      const entries: string[] = [];
      for (const l of locales) {
        const change = changeFor(before.get(l) ?? null, after.get(l) ?? null);
        if (!change) continue;
        const entry: OutboxEntry = {
          updateType: change.updateType,
          contentType: uid,
          targetDocumentId: documentId,
          docLocale: l,
          data: change.data,
          originSiteId: origin,
          ...(changedBy ? { changedBy } : {}),
          createdAt: new Date().toISOString(),
        };
        entries.push(JSON.stringify(entry));
      }
      // The entries commit or roll back with the write. The outbox has no index but its key, so
      // this touches the fewest pages a write can (the update log has five indexes); the sequencer
      // moves them.
      if (entries.length) {
        await append(trx, entries);
        onCommit(() => getService(strapi, 'notifier').changed());
      }
      return result;
    });
  };

  /** The Document Service middleware (registered in `register`). */
  const middleware = (): Middleware => (ctx, next) => {
    if (!WRITE_ACTIONS.has(ctx.action) || !ctx.uid.startsWith('api::') || !touchesStreamedVersion(ctx)) return next();
    return around(ctx, next);
  };

  return { middleware, around };
};
