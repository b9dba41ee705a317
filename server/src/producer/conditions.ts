import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { conditionedOutcome, effectiveCondition, type Condition, type OnExit } from '../engine/condition';
import type { StreamEvent } from '../shared/contracts';
import { contentTypeUid, getService } from '../utils';
import type { ConsumerRow } from './consumer-store';

/**
 * What each consumer may hold of a conditioned type (producer side): one row per (consumer,
 * type, document, locale) the stream sent whole to that consumer. `exit_seq`: the seq of the
 * event at which it stopped matching (null: it still matches as far as the consumer knows).
 */
export const CONDITION_STATE_TABLE = 'event_streaming_condition_state';

/** A conditioned subscription of a consumer: its effective condition and what leaving it does. */
export interface Conditioned {
  condition: Condition;
  onExit: OnExit;
}

const keyOf = (documentId: string, locale: string | null) => `${documentId}\u0000${locale ?? ''}`;
type Key = { documentId: string; locale: string | null };
const IN_CHUNK = 500;
/** Rows per upsert (5 bound parameters each: well under SQLite's limit). */
const UPSERT_CHUNK = 100;

/**
 * Conditions on the producer side (issue 14): which documents of a conditioned type a consumer
 * receives, evaluated with the Document Service (`filters` + documentId, one query per type and
 * locale per page: the published version under Draft & Publish, each locale on its own).
 *
 * Each page of a consumer's stream is rewritten for its conditioned types (`rewritePage`,
 * engine/condition.ts conditionedOutcome) against the documents' state NOW, not at the event:
 * a matching document travels whole (Create when the consumer holds none, else Update), once per
 * page; a document that left the condition travels as a Delete (onExit delete) to a consumer
 * that holds it; everything else is dropped. Evaluating the current state keeps the consumer
 * eventually equal to "the documents matching now".
 *
 * MEMORY (the table above) answers "was it matching for this consumer?". It is written when a
 * page is served, and stays correct when the same page is served again (a consumer that crashed
 * before applying it re-pulls from the same cursor): a matching document is always sent whole,
 * and an exit at seq S still counts as held for events at or before S, so the Delete is sent
 * again. It does not depend on the update log (pruning removes no memory) and lives in the
 * database (restarts keep it). Rows of a removed consumer or of a subscription whose condition
 * was removed are forgotten (`forget`).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const db = (): Knex => strapi.db.connection;
  const schema = () => getService(strapi, 'schema');

  /** The memory rows of `keys`: key -> exit seq (null: held). Absent: never sent. */
  const memory = async (consumerId: number, uid: string, keys: Key[]): Promise<Map<string, number | null>> => {
    const out = new Map<string, number | null>();
    const ids = [...new Set(keys.map((k) => k.documentId))];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const rows = (await db()(CONDITION_STATE_TABLE)
        .where({ consumer_id: consumerId, content_type: uid })
        .whereIn('document_id', ids.slice(i, i + IN_CHUNK))
        .select('document_id', 'locale', 'exit_seq')) as Array<{ document_id: string; locale: string; exit_seq: number | string | null }>;
      for (const r of rows) out.set(keyOf(r.document_id, r.locale || null), r.exit_seq === null ? null : Number(r.exit_seq));
    }
    return out;
  };

  /** Upserts memory rows, a few hundred per statement; the last entry of a key wins (one statement may not touch a row twice). */
  const remember = async (consumerId: number, uid: string, entries: Array<Key & { exitSeq: number | null }>) => {
    const rows = [
      ...new Map(
        entries.map((e) => [
          keyOf(e.documentId, e.locale),
          { consumer_id: consumerId, content_type: uid, document_id: e.documentId, locale: e.locale ?? '', exit_seq: e.exitSeq },
        ])
      ).values(),
    ];
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      await db()(CONDITION_STATE_TABLE)
        .insert(rows.slice(i, i + UPSERT_CHUNK))
        .onConflict(['consumer_id', 'content_type', 'document_id', 'locale'])
        .merge(['exit_seq']);
    }
  };

  const service = {
    /** Creates the memory table when missing (bootstrap; idempotent across instances). */
    async ensureTable(): Promise<void> {
      const builder = () => db().schema;
      if (await builder().hasTable(CONDITION_STATE_TABLE)) return;
      try {
        await builder().createTable(CONDITION_STATE_TABLE, (t) => {
          t.integer('consumer_id').notNullable();
          t.string('content_type', 255).notNullable();
          t.string('document_id', 64).notNullable();
          t.string('locale', 32).notNullable().defaultTo('');
          t.bigInteger('exit_seq').nullable();
          t.primary(['consumer_id', 'content_type', 'document_id', 'locale']);
        });
      } catch (error) {
        if (!(await builder().hasTable(CONDITION_STATE_TABLE))) throw error;
      }
    },

    /** The consumer's conditioned subscriptions by content type (effective condition, onExit). */
    conditionsOf(c: Pick<ConsumerRow, 'subscriptions'>): Map<string, Conditioned> {
      const out = new Map<string, Conditioned>();
      for (const s of c.subscriptions ?? []) {
        const condition = effectiveCondition(s.condition, s.requestedCondition);
        if (condition) out.set(s.contentType, { condition, onExit: s.onExit === 'keep' ? 'keep' : 'delete' });
      }
      return out;
    },

    /** The keys among `keys` whose streamed version (published, that locale) satisfies `condition`. */
    async matching(uid: string, condition: Condition, keys: Key[]): Promise<Set<string>> {
      const model = schema().model(uid);
      const out = new Set<string>();
      if (!model || !keys.length) return out;
      const byLocale = new Map<string | null, string[]>();
      for (const k of keys) {
        const locale = model.localized ? k.locale : null;
        byLocale.set(locale, [...new Set([...(byLocale.get(locale) ?? []), k.documentId])]);
      }
      for (const [locale, ids] of byLocale) {
        for (let i = 0; i < ids.length; i += IN_CHUNK) {
          const chunk = ids.slice(i, i + IN_CHUNK);
          const rows = await strapi.documents(contentTypeUid(uid)).findMany({
            filters: { $and: [condition, { documentId: { $in: chunk } }] },
            ...(locale && model.localized ? { locale } : {}),
            ...(model.draftAndPublish ? { status: 'published' as const } : {}),
            fields: ['documentId'],
            limit: chunk.length,
          } as Parameters<ReturnType<typeof strapi.documents>['findMany']>[0]);
          for (const r of rows) out.add(keyOf(String(r.documentId), model.localized ? locale : null));
        }
      }
      return out;
    },

    /** How many streamed documents of `uid` (all locales) satisfy `condition` (null: all). */
    async count(uid: string, condition: Condition | null): Promise<number> {
      const model = schema().model(uid);
      if (!model) return 0;
      return strapi.documents(contentTypeUid(uid)).count({
        ...(condition ? { filters: condition } : {}),
        ...(model.draftAndPublish ? { status: 'published' as const } : {}),
      } as Parameters<ReturnType<typeof strapi.documents>['count']>[0]);
    },

    /**
     * One page of a consumer's stream with its conditioned types rewritten (see above). Events
     * of other types pass unchanged, in order.
     */
    async rewritePage(c: ConsumerRow, events: StreamEvent[]): Promise<StreamEvent[]> {
      const conditioned = service.conditionsOf(c);
      if (!conditioned.size || !events.some((e) => conditioned.has(e.contentType))) return events;
      const replaced = new Map<number, StreamEvent | null>();
      for (const [uid, { condition, onExit }] of conditioned) {
        const mine = events.filter((e) => e.contentType === uid);
        if (!mine.length) continue;
        const keys = [
          ...new Map(mine.map((e) => [keyOf(e.documentId, e.locale), { documentId: e.documentId, locale: e.locale }])).values(),
        ];
        const matches = await service.matching(uid, condition, keys);
        const held = await memory(c.id, uid, keys);
        const lastOf = new Map(mine.map((e) => [keyOf(e.documentId, e.locale), e.seq]));
        const wanted = keys.filter((k) => matches.has(keyOf(k.documentId, k.locale)));
        const data = await getService(strapi, 'documents').readMany(uid, wanted);
        const snapshots = new Map(wanted.map((k, i) => [keyOf(k.documentId, k.locale), data[i]]));
        const writes: Array<Key & { exitSeq: number | null }> = [];
        for (const e of mine) {
          const k = keyOf(e.documentId, e.locale);
          const exit = held.get(k);
          const isHeld = exit !== undefined && (exit === null || exit >= e.seq);
          const snapshot = snapshots.get(k) ?? null;
          const outcome = conditionedOutcome(matches.has(k) && snapshot !== null, isHeld, onExit);
          let out: StreamEvent | null = null;
          if (outcome === 'create' || outcome === 'update') {
            // Whole, once per page: at the document's last event on it.
            if (lastOf.get(k) === e.seq) {
              out = { ...e, updateType: outcome === 'create' ? 'Create' : 'Update', data: snapshot };
              held.set(k, null);
              writes.push({ documentId: e.documentId, locale: e.locale, exitSeq: null });
            }
          } else if (outcome === 'delete' || outcome === 'exit') {
            if (outcome === 'delete') out = { ...e, updateType: 'Delete', data: null };
            held.set(k, e.seq);
            writes.push({ documentId: e.documentId, locale: e.locale, exitSeq: e.seq });
          }
          replaced.set(e.seq, out);
        }
        await remember(c.id, uid, writes);
      }
      return events.flatMap((e) => {
        if (!replaced.has(e.seq)) return [e];
        const r = replaced.get(e.seq);
        return r ? [r] : [];
      });
    },

    /** Documents served whole by a listing (back-fill) are held by the consumer from now on. */
    async rememberListed(c: ConsumerRow, uid: string, keys: Key[]): Promise<void> {
      if (!service.conditionsOf(c).has(uid)) return;
      await remember(
        c.id,
        uid,
        keys.map((k) => ({ ...k, exitSeq: null }))
      );
    },

    /**
     * Whether the consumer may read `documentId` (any locale when `locale` is null) of a type it
     * receives: always without a condition; with one, when it satisfies it — or has no streamed
     * version at all (nothing to hide).
     */
    async readable(c: ConsumerRow, uid: string, documentId: string, locale: string | null): Promise<boolean> {
      const cond = service.conditionsOf(c).get(uid);
      if (!cond) return true;
      const model = schema().model(uid);
      const locales = locale || !model?.localized ? [locale] : await getService(strapi, 'documents').localesOf(uid, documentId);
      for (const l of locales) {
        if ((await service.matching(uid, cond.condition, [{ documentId, locale: l }])).size) return true;
      }
      // A document that has no streamed version at all (deleted, unpublished) reveals nothing: the
      // answer is `data: null`, which tells a consumer that re-fetches it that it is gone.
      if (documentId === '-') return false;
      if (!locales.length) return true;
      for (const l of locales) if (await getService(strapi, 'documents').read(uid, documentId, l)) return false;
      return true;
    },

    /** Forgets a consumer's memory (all types, or one whose condition was removed). */
    async forget(consumerId: number, uid?: string): Promise<void> {
      const q = db()(CONDITION_STATE_TABLE).where({ consumer_id: consumerId });
      await (uid ? q.andWhere({ content_type: uid }) : q).delete();
    },
  };
  return service;
};
