import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { LeaseLostError } from '../engine/errors';
import type { ProducerSubscription, PullResponse } from '../shared/contracts';
import { repo, tableOf } from '../utils';

export type ProducerRow = {
  id: number;
  documentId: string;
  producerUrl: string;
  producerSiteId: string | null;
  /** `push`: the producer sends its pages (consumer/push-receiver.ts) and is never called; null/`pull` on older rows. */
  mode?: 'pull' | 'push' | null;
  apiToken: string;
  callbackToken: string | null;
  callbackTokenId: number | null;
  subscriptions: ProducerSubscription[] | null;
  /** Admin user synced writes are made as (the Event Subscriber); null: none. */
  subscriberUserId: number | null;
  /** Back-fill a type when the producer approves it (null on rows saved before the setting: on). */
  backfillOnApproval: boolean | null;
  /** Links to the producer's public URL rewritten here: prefix -> prefix (issue 15.4); null: none. */
  linkRule?: { from: string; to: string } | null;
  lastPulledSeq: number | null;
  /** The producer's log epoch the cursor belongs to (engine/cursor.ts recopyReason); null until a pull saw one. */
  producerEpoch?: string | null;
  /** The key of the producer's log row at the cursor (engine/cursor.ts FINGERPRINTS); null: unknown. */
  lastPulledKey?: string | null;
  producerHeadSeq: number | null;
  lag: number | null;
  lastPullAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** The producer's schema hash of our types, as the last pull page carried it (schema check). */
  remoteSchemaHash?: string | null;
  /** When a pull saw that hash change (the admin then shows the schema check's warnings). */
  schemaChangedAt?: string | null;
  leaseOwner?: string | null;
  leaseUntil?: string | number | null;
  createdAt: string;
  updatedAt: string;
};

/** Columns a registration writes; the rest (cursor, lease, health) belong to pulling. */
export type ProducerSettings = Pick<
  ProducerRow,
  'apiToken' | 'callbackToken' | 'callbackTokenId' | 'subscriptions' | 'subscriberUserId' | 'backfillOnApproval' | 'linkRule'
>;

/**
 * The one module that reads and writes the Event Producer table (consumer side): the registry
 * (producer-registry.ts) stores settings; pulling (puller.ts) takes the lease, moves the cursor
 * and records health through here.
 *
 * LEASE: one pull per producer at a time across every instance on the database. `leaseOwner` +
 * `leaseUntil` are taken with a conditional UPDATE (free, expired, or already ours), renewed while
 * the pull runs, and checked by every cursor save: a pull that lost its lease commits nothing more.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => repo<ProducerRow>(strapi, UID.producer);
  /** recordPull's read and write of the row (see there). */
  const mirror = async (id: number, page: PullResponse): Promise<ProducerSubscription[] | null> => {
    const p = await rows().findOne({ where: { id } });
    if (!p) return null;
    const statuses = new Map(page.subscriptions.map((s) => [s.contentType, s]));
    const before = p.subscriptions ?? [];
    const subscriptions = before.map((s) => {
      const seen = statuses.get(s.remoteContentType);
      // conditionKey: absent from a producer without conditions (kept as it was).
      const key = seen && seen.conditionKey !== undefined ? { conditionKey: seen.conditionKey ?? null } : {};
      return { ...s, status: seen?.status ?? s.status, ...key };
    });
    // Schema check (issue 16, point 8): a new hash means the producer's schema of our types changed.
    const schema =
      page.schemaHash && page.schemaHash !== p.remoteSchemaHash
        ? { remoteSchemaHash: page.schemaHash, ...(p.remoteSchemaHash ? { schemaChangedAt: new Date() } : {}) }
        : {};
    const changed =
      Object.keys(schema).length > 0 ||
      subscriptions.some((s, i) => s.status !== before[i].status || (s.conditionKey ?? null) !== (before[i].conditionKey ?? null));
    if (changed || p.lastPullAt === null) {
      await rows().update({ where: { id }, data: { subscriptions, producerHeadSeq: page.headSeq, lastPullAt: new Date(), ...schema } });
    }
    return subscriptions;
  };

  return {
    list: () => rows().findMany({ orderBy: { id: 'asc' } }),
    ids: async (): Promise<number[]> => (await rows().findMany({ select: ['id'] })).map((p) => Number(p.id)),
    get: (id: number) => rows().findOne({ where: { id } }),
    byUrl: (producerUrl: string) => rows().findOne({ where: { producerUrl } }),
    bySiteId: (producerSiteId: string) => rows().findOne({ where: { producerSiteId } }),
    /** id -> producerUrl of every producer (log listings). */
    async urls(): Promise<Map<number, string>> {
      return new Map((await rows().findMany({ select: ['id', 'producerUrl'] })).map((p) => [Number(p.id), String(p.producerUrl)]));
    },
    /** Which producers subscribe with a mapping (mapping deletion check). */
    subscriptionsOfAll: () => rows().findMany({ select: ['producerUrl', 'subscriptions'] }),

    create: (data: Partial<ProducerRow>) => rows().create({ data }),
    update: (id: number, data: Partial<ProducerSettings>) => rows().update({ where: { id }, data }),
    remove: (id: number) => rows().delete({ where: { id } }),
    /** Push mode: the producer's site id, learnt from its first push. */
    setSiteId: (id: number, producerSiteId: string) => rows().update({ where: { id }, data: { producerSiteId } }),

    /** Takes the pull lease of a producer for `owner`; false when another instance holds it. */
    async acquireLease(id: number, owner: string, leaseMs: number): Promise<boolean> {
      const now = Date.now();
      const { count } = await rows().updateMany({
        where: { id, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }, { leaseOwner: owner }] },
        data: { leaseOwner: owner, leaseUntil: now + leaseMs },
      });
      return count === 1;
    },
    /**
     * Takes the lease whoever holds it: only for a caller that holds the producer's exclusive lock
     * (PostgreSQL advisory lock, see puller.ts), so any other holder is a dead process. False when
     * the producer is gone.
     */
    async takeLease(id: number, owner: string, leaseMs: number): Promise<boolean> {
      const { count } = await rows().updateMany({ where: { id }, data: { leaseOwner: owner, leaseUntil: Date.now() + leaseMs } });
      return count === 1;
    },
    /**
     * Frees every lease: at boot on SQLite, where this process owns the database file, so every
     * lease there belongs to a process that is gone (kill -9, crash). Returns how many were held.
     */
    async clearLeases(): Promise<number> {
      const { count } = await rows().updateMany({
        where: { leaseOwner: { $notNull: true } },
        data: { leaseOwner: null, leaseUntil: null },
      });
      return count;
    },
    /** @throws LeaseLostError when `owner` no longer holds it. */
    async renewLease(id: number, owner: string, leaseMs: number): Promise<void> {
      const { count } = await rows().updateMany({ where: { id, leaseOwner: owner }, data: { leaseUntil: Date.now() + leaseMs } });
      if (!count) throw new LeaseLostError(id);
    },
    releaseLease: (id: number, owner: string) =>
      rows().updateMany({ where: { id, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } }),

    async leaseOwner(id: number): Promise<string | null> {
      return (await rows().findOne({ where: { id }, select: ['leaseOwner'] }))?.leaseOwner ?? null;
    },
    /** Cursor, its key and the log epoch in one read (the start of a pull). */
    async loadCursorState(id: number): Promise<{ seq: number; key: string | null; epoch: string | null }> {
      const row = await rows().findOne({ where: { id }, select: ['lastPulledSeq', 'lastPulledKey', 'producerEpoch'] });
      return { seq: Number(row?.lastPulledSeq ?? 0), key: row?.lastPulledKey ?? null, epoch: row?.producerEpoch ?? null };
    },
    async loadCursor(id: number): Promise<number> {
      return Number((await rows().findOne({ where: { id }, select: ['lastPulledSeq'] }))?.lastPulledSeq ?? 0);
    },
    /** The key of the producer's row at the cursor (null: unknown, nothing is checked). */
    async loadCursorKey(id: number): Promise<string | null> {
      return (await rows().findOne({ where: { id }, select: ['lastPulledKey'] }))?.lastPulledKey ?? null;
    },
    /**
     * Moves the cursor forward with the key of the producer's row at it, only while `owner` holds
     * the lease: if it expired and another instance took over, this throws LeaseLostError and the
     * caller's transaction rolls back (no double apply). A save below the stored cursor changes
     * nothing; a save at it stores the key (a key learnt for the cursor already held).
     */
    async saveCursor(id: number, owner: string, seq: number, key: string | null = null, headSeq?: number): Promise<void> {
      const { count } = await rows().updateMany({
        where: { id, leaseOwner: owner, lastPulledSeq: { $lte: seq } },
        // The producer's head as the last page said (recordPull leaves it to this statement).
        data: { lastPulledSeq: seq, lastPulledKey: key, ...(headSeq === undefined ? {} : { producerHeadSeq: headSeq }) },
      });
      if (!count) {
        const row = await rows().findOne({ where: { id }, select: ['leaseOwner'] });
        if (row?.leaseOwner !== owner) throw new LeaseLostError(id);
      }
    },

    /** The log epoch stored with the cursor (null: none seen yet). */
    async loadEpoch(id: number): Promise<string | null> {
      return (await rows().findOne({ where: { id }, select: ['producerEpoch'] }))?.producerEpoch ?? null;
    },
    /** Stores the first epoch seen, while `owner` holds the lease. */
    async saveEpoch(id: number, owner: string, epoch: string): Promise<void> {
      const { count } = await rows().updateMany({ where: { id, leaseOwner: owner }, data: { producerEpoch: epoch } });
      if (!count) throw new LeaseLostError(id);
    },
    /**
     * Sets cursor and epoch after a re-copy, also backwards (the producer was restored), only while
     * `owner` holds the lease; in the re-copy's last transaction. The cursor's key is unknown until
     * the next page names it.
     */
    async resetCursor(id: number, owner: string, seq: number, epoch: string): Promise<void> {
      const { count } = await rows().updateMany({
        where: { id, leaseOwner: owner },
        data: { lastPulledSeq: seq, producerEpoch: epoch, lastPulledKey: null },
      });
      if (!count) throw new LeaseLostError(id);
    },

    /**
     * Mirrors what a pull's page saw: statuses, the schema hash. Returns the subscriptions (updated
     * or not). Writes only when one of them changed: the head and the time of the pull travel
     * with the cursor (saveCursor) and the pull's health (recordHealth), so a page costs the
     * consumer no commit of its own (one fsync on SQLite, on the path of every change's latency).
     */
    async recordPull(id: number, page: PullResponse): Promise<ProducerSubscription[] | null> {
      return strapi.db.transaction(async ({ trx }) => {
        // The row locked before it is read (PostgreSQL, MySQL): a registration saved meanwhile
        // (producer-registry.ts `update`: a type unsubscribed, a new subscriber) is read here and
        // kept, not written back over with what the row held when this read started. SQLite
        // needs none (one connection, one writing transaction at a time).
        if (strapi.db.dialect.client !== 'sqlite') {
          const { table } = tableOf(strapi, UID.producer);
          await trx(table).select('id').where({ id }).forUpdate();
        }
        return mirror(id, page);
      });
    },

    async recordHealth(id: number, result: { ok: true; cursor: number; headSeq: number } | { ok: false; error: string }): Promise<void> {
      const now = new Date();
      const data = result.ok
        ? {
            lastSuccessAt: now,
            lastPullAt: now,
            lastError: null,
            lastErrorAt: null,
            lag: Math.max(0, result.headSeq - result.cursor),
            producerHeadSeq: result.headSeq,
          }
        : { lastError: result.error.slice(0, 2000), lastErrorAt: now };
      // updateMany: no read-back of the row (one statement after every pull).
      await rows().updateMany({ where: { id }, data });
    },
  };
};
