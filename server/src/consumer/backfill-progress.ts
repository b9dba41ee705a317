import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { BackfillProgress, ProducerSubscription } from '../shared/contracts';

const FAILURES_KEPT = 50;

/** The one key of a type's back-fill of a producer in the plugin store. */
const keyOf = (producerId: number, remoteType: string) => `backfill:${producerId}:${remoteType}`;

const fresh = (contentType: string, trigger: BackfillProgress['trigger'], state: BackfillProgress['state']): BackfillProgress => ({
  contentType,
  state,
  trigger,
  after: 0,
  pages: 0,
  copied: 0,
  failed: 0,
  total: null,
  failures: [],
  error: null,
  startedAt: state === 'running' ? new Date().toISOString() : null,
  updatedAt: new Date().toISOString(),
  finishedAt: null,
});

/** A stored value as progress: an older plugin stored the bare resume position (a number). */
const asProgress = (contentType: string, value: unknown): BackfillProgress | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') {
    return { ...fresh(contentType, 'manual', 'running'), after: Number(value) || 0 };
  }
  return typeof value === 'object' ? { ...fresh(contentType, 'manual', 'done'), ...(value as Partial<BackfillProgress>) } : null;
};

/**
 * Where each (producer, type) back-fill stands, in the plugin store (the core-store table, so a
 * write inside `strapi.db.transaction` commits or rolls back with it). The back-fill
 * (backfill.ts) saves it after every page — the listing cursor to resume after, counts, the total
 * the producer announced — and keeps the last one's result once it ended; the admin polls it.
 *
 * STATES: pending (approval seen, waits for the pull to run it) -> running -> done | failed.
 * A `running` entry seen by a writer that holds the producer's exclusion is an interrupted one
 * (crash, restart): it resumes after `after`. Only the exclusion's holder writes entries, except
 * `markApproved`, which the registry may call from a save (see there).
 */
export const backfillProgress = (strapi: Core.Strapi) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const save = async (producerId: number, p: BackfillProgress): Promise<BackfillProgress> => {
    const value = { ...p, failures: p.failures.slice(0, FAILURES_KEPT), updatedAt: new Date().toISOString() };
    await store().set({ key: keyOf(producerId, p.contentType), value });
    return value;
  };
  const get = async (producerId: number, remoteType: string) =>
    asProgress(remoteType, await store().get({ key: keyOf(producerId, remoteType) }));

  return {
    get,
    save,
    /** Every subscribed type's entry (types never back-filled are left out). */
    async list(producerId: number, subs: ProducerSubscription[]): Promise<BackfillProgress[]> {
      const found = await Promise.all(subs.map((s) => get(producerId, s.remoteContentType)));
      return found.filter((p): p is BackfillProgress => p !== null);
    },

    /**
     * Where a back-fill of `remoteType` starts: an interrupted one (running / pending) resumes
     * after its position with its counts; else a new one from the start.
     */
    async start(producerId: number, remoteType: string, trigger: BackfillProgress['trigger']): Promise<BackfillProgress> {
      const current = await get(producerId, remoteType);
      if (current && (current.state === 'running' || current.state === 'pending')) {
        return save(producerId, { ...current, state: 'running', error: null, startedAt: current.startedAt ?? new Date().toISOString() });
      }
      return save(producerId, fresh(remoteType, trigger, 'running'));
    },

    /**
     * Subscriptions that became Approved between `before` and `after` get a pending back-fill
     * from the start (a running one of the type is restarted: its earlier pages may be stale).
     * Returns the types marked.
     */
    async markApproved(producerId: number, before: ProducerSubscription[] | null, after: ProducerSubscription[]): Promise<string[]> {
      const was = new Map((before ?? []).map((s) => [s.remoteContentType, s.status]));
      const marked: string[] = [];
      for (const s of after) {
        if (s.status !== 'Approved' || s.unsubscribed || was.get(s.remoteContentType) === 'Approved') continue;
        await save(producerId, fresh(s.remoteContentType, 'approval', 'pending'));
        marked.push(s.remoteContentType);
      }
      return marked;
    },

    /**
     * Approved subscriptions whose effective condition changed (its fingerprint, mirrored by the
     * pull) get a pending reconciling back-fill: newly matching documents arrive, the others leave.
     */
    async markConditionChanged(
      producerId: number,
      before: ProducerSubscription[] | null,
      after: ProducerSubscription[]
    ): Promise<string[]> {
      const was = new Map((before ?? []).map((s) => [s.remoteContentType, s]));
      const marked: string[] = [];
      for (const s of after) {
        const old = was.get(s.remoteContentType);
        if (s.status !== 'Approved' || s.unsubscribed || !old || old.status !== 'Approved') continue;
        if ((old.conditionKey ?? null) === (s.conditionKey ?? null)) continue;
        await save(producerId, fresh(s.remoteContentType, 'condition', 'pending'));
        marked.push(s.remoteContentType);
      }
      return marked;
    },

    /** Entries waiting for a writer (pending, or interrupted while running), in `subs` order. */
    async unfinished(producerId: number, subs: ProducerSubscription[]): Promise<BackfillProgress[]> {
      return (await this.list(producerId, subs)).filter((p) => p.state === 'pending' || p.state === 'running');
    },

    /** Forgets every entry of a deleted producer. */
    async forget(producerId: number, subs: ProducerSubscription[]): Promise<void> {
      for (const s of subs) await store().delete({ key: keyOf(producerId, s.remoteContentType) });
    },
  };
};

export type BackfillProgressStore = ReturnType<typeof backfillProgress>;
