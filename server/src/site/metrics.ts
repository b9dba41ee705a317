import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { errorMessage } from '../engine/errors';
import type { ConsumerStreamHealth, HealthReport, MetricPeer, MetricPoint, ProducerStreamHealth } from '../shared/contracts';
import { getService, repo } from '../utils';

type MetricRow = {
  id: number;
  peer: MetricPeer;
  peerId: number;
  minute: number | string;
  events: number | null;
  lagEvents: number | null;
  lagSeconds: number | null;
  position: number | string | null;
};

const MINUTE = 60_000;
/** Counters are kept this long (the charts show it; maintenance deletes older rows). */
export const METRICS_RETENTION_MS = 24 * 60 * MINUTE;

/** Applied events wait at most this long in memory before they are written. */
const FLUSH_DELAY_MS = 250;

const minuteOf = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const secondsSince = (iso: string | null | undefined, now: number) => {
  const t = Date.parse(String(iso ?? ''));
  return Number.isFinite(t) ? Math.max(0, Math.round((now - t) / 1000)) : 0;
};
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/**
 * Monitoring: the health report (one query per table, no per-stream query) and the per-minute
 * counters of the admin charts (table `event_streaming_metrics`, owned here): at most one row per
 * stream and minute, 24 hours kept, so at most 1,440 rows per stream.
 *
 * Events applied (consumer side) are counted by the sync log when it records a Synced event, and
 * added here only when that transaction commits (a rolled-back batch counts nothing); they are
 * written FLUSH_DELAY_MS later (a crash loses at most that much). Events on the
 * producer side are the advance of the consumer's acknowledged position between two samples.
 * Several instances may each write a row for the same minute: a series sums them.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => repo<MetricRow>(strapi, UID.metric);
  /** `${producerId}:${minute}` -> events applied and committed, not yet written. */
  const pending = new Map<string, number>();
  /** Event Consumer id -> its acknowledged seq at the last sample of this instance. */
  const positions = new Map<number, number>();
  let chain: Promise<unknown> = Promise.resolve();
  /** Writes of this instance one at a time (a read-modify-write per minute row). */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run;
    return run;
  };

  const upsert = async (existing: MetricRow[], row: Omit<MetricRow, 'id'>) => {
    const found = existing.find((r) => r.peer === row.peer && r.peerId === row.peerId && Number(r.minute) === row.minute);
    if (!found) {
      existing.push(await rows().create({ data: row }));
      return;
    }
    const data = {
      events: Number(found.events ?? 0) + Number(row.events ?? 0),
      lagEvents: Math.max(Number(found.lagEvents ?? 0), Number(row.lagEvents ?? 0)),
      lagSeconds: Math.max(Number(found.lagSeconds ?? 0), Number(row.lagSeconds ?? 0)),
      position: row.position ?? found.position,
    };
    Object.assign(found, data);
    await rows().update({ where: { id: found.id }, data });
  };

  /** Writes the counted events (and, with a report, this minute's lag of every stream). */
  const write = (report: HealthReport | null, now: number) =>
    serial(async () => {
      const counted = [...pending.entries()];
      pending.clear();
      if (!counted.length && !report) return;
      const oldest = Math.min(minuteOf(now) - 10 * MINUTE, ...counted.map(([k]) => Number(k.split(':')[1])));
      const existing = await rows().findMany({ where: { minute: { $gte: oldest } }, orderBy: { minute: 'desc' } });
      for (const [key, events] of counted) {
        const [peerId, minute] = key.split(':').map(Number);
        await upsert(existing, { peer: 'producer', peerId, minute, events, lagEvents: 0, lagSeconds: 0, position: null });
      }
      if (!report) return;
      const minute = minuteOf(now);
      for (const p of report.producers) {
        await upsert(existing, {
          peer: 'producer',
          peerId: p.id,
          minute,
          events: 0,
          lagEvents: p.lagEvents,
          lagSeconds: p.lagSeconds,
          position: p.cursor,
        });
      }
      for (const c of report.consumers) {
        const last = existing.find((r) => r.peer === 'consumer' && r.peerId === c.id && r.position !== null);
        const before = positions.get(c.id) ?? (last ? Number(last.position) : c.ackSeq);
        positions.set(c.id, c.ackSeq);
        const events = Math.max(0, c.ackSeq - before);
        await upsert(existing, {
          peer: 'consumer',
          peerId: c.id,
          minute,
          events,
          lagEvents: c.lagEvents,
          lagSeconds: c.lagSeconds,
          position: c.ackSeq,
        });
      }
    });

  let timer: NodeJS.Timeout | null = null;
  /** Counts reach the table within FLUSH_DELAY_MS of their commit (a crash loses at most that much). */
  const flushSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      write(null, Date.now()).catch((error: unknown) =>
        strapi.log.warn(`event-streaming: writing stream counters failed: ${errorMessage(error)}`)
      );
    }, FLUSH_DELAY_MS);
    timer.unref();
  };

  const service = {
    /** Hook of the sync log: one event of `producerId` applied (Synced), counted when its transaction commits. */
    async countApplied(producerId: number): Promise<void> {
      const add = () => {
        const key = `${producerId}:${minuteOf(Date.now())}`;
        pending.set(key, (pending.get(key) ?? 0) + 1);
        flushSoon();
      };
      if (!strapi.db.inTransaction()) return add();
      // Joins the caller's transaction (Strapi's transaction context): `add` runs only if it commits.
      await strapi.db.transaction(async ({ onCommit }) => onCommit(add));
    },

    /** Every stream of this site, both sides: one query per table whatever the number of streams. */
    async health(now = Date.now()): Promise<HealthReport> {
      // Committed writes still in the outbox count too: sequenced here, or, while a sequencer run
      // holds the lock, counted where they wait (a sample never waits for the lock, update-log.ts
      // `advance`); a write whose response came back before this report is always in its lag.
      const state = await getService(strapi, 'update-log').advance({ wait: false });
      const head = state.head + (state.pending ?? 0);
      const [producerRows, unresolved, consumerRows] = await Promise.all([
        getService(strapi, 'producer-store').list(),
        getService(strapi, 'sync-log').unresolvedCounts(),
        getService(strapi, 'consumer-store').list(),
      ]);
      const producers: ProducerStreamHealth[] = producerRows.map((p) => {
        const lagEvents = Number(p.lag ?? 0);
        const counts = unresolved.get(Number(p.id)) ?? { failed: 0, blocked: 0 };
        return {
          id: Number(p.id),
          producerUrl: p.producerUrl,
          producerSiteId: p.producerSiteId ?? null,
          lagEvents,
          lagSeconds: lagEvents > 0 || p.lastError ? secondsSince(p.lastSuccessAt ?? p.createdAt, now) : 0,
          cursor: Number(p.lastPulledSeq ?? 0),
          headSeq: Number(p.producerHeadSeq ?? 0),
          lastPullAt: iso(p.lastPullAt),
          lastSuccessAt: iso(p.lastSuccessAt),
          lastError: p.lastError ?? null,
          lastErrorAt: iso(p.lastErrorAt),
          failedEvents: counts.failed,
          blockedEvents: counts.blocked,
        };
      });
      const behind = consumerRows.filter((c) => head > Number(c.ackSeq ?? 0));
      const loggedAt = await getService(strapi, 'update-log').loggedAt(behind.map((c) => Number(c.ackSeq ?? 0) + 1));
      const store = getService(strapi, 'consumer-store');
      const consumers: ConsumerStreamHealth[] = consumerRows.map((c) => {
        const ackSeq = Number(c.ackSeq ?? 0);
        const lagEvents = Math.max(0, head - ackSeq);
        const oldest = loggedAt.get(ackSeq + 1);
        return {
          id: Number(c.id),
          consumerSiteId: c.consumerSiteId,
          consumerName: c.consumerName,
          lagEvents,
          // The oldest unacknowledged event's age; pruned already, or not sequenced yet (the lock
          // was held, above): since the consumer's last pull.
          lagSeconds:
            lagEvents === 0
              ? 0
              : oldest
                ? secondsSince(new Date(oldest).toISOString(), now)
                : secondsSince(c.lastSeenAt ?? c.createdAt, now),
          ackSeq,
          headSeq: head,
          lastSeenAt: iso(c.lastSeenAt),
          stale: store.isStale(c),
        };
      });
      return { siteId: getService(strapi, 'settings').siteId(), generatedAt: new Date(now).toISOString(), producers, consumers };
    },

    /** Writes the counted events now (destroy: a graceful stop loses none). */
    async flush(now = Date.now()): Promise<void> {
      await write(null, now);
    },

    /** One sample of every stream into this minute's counters; returns the report it sampled (alerts use it). */
    async sample(now = Date.now()): Promise<HealthReport> {
      const report = await service.health(now);
      await write(report, now);
      return report;
    },

    /** The minutes of the last `hours` with counters for one stream, oldest first (rows of several instances summed). */
    async series(peer: MetricPeer, peerId: number, hours: number, now = Date.now()): Promise<MetricPoint[]> {
      await write(null, now);
      const found = await rows().findMany({
        where: { peer, peerId, minute: { $gte: minuteOf(now - hours * 3_600_000) } },
        orderBy: { minute: 'asc' },
      });
      const byMinute = new Map<number, MetricPoint>();
      for (const r of found) {
        const m = Number(r.minute);
        const p = byMinute.get(m) ?? { minute: new Date(m).toISOString(), events: 0, lagEvents: 0, lagSeconds: 0 };
        p.events += Number(r.events ?? 0);
        p.lagEvents = Math.max(p.lagEvents, Number(r.lagEvents ?? 0));
        p.lagSeconds = Math.max(p.lagSeconds, Number(r.lagSeconds ?? 0));
        byMinute.set(m, p);
      }
      return [...byMinute.values()];
    },

    /** Deletes counters older than 24 hours (maintenance job). */
    async prune(now = Date.now()): Promise<number> {
      return (await rows().deleteMany({ where: { minute: { $lt: now - METRICS_RETENTION_MS } } })).count;
    },
  };
  return service;
};
