/**
 * Resync of one document (consumer side): bring it to the producer's current state and resolve
 * its unresolved sync-log rows. Strapi-free: the adapter (consumer/resync.ts) gives the ports and
 * runs it inside the producer's writer exclusion (engine/exclusion.ts).
 *
 * INVARIANTS
 * 1. No orphan Blocked: every Blocked row of a document has an unresolved Failed row of the same
 *    document before it (lower seq). A resync marks the rows up to the head H it applied Synced,
 *    and in the same transaction turns every Blocked row left without a Failed predecessor (an
 *    event after H, recorded while the resync fetched) into a Failed row due now, so the retry
 *    applies it from the producer's state. Under the writer exclusion no pull records anything
 *    during a resync, so this is the second line, not the first.
 * 2. A stale read writes nothing stale: the rows and the producer are read inside the exclusion,
 *    and apply never lowers a reference's lastAppliedSeq (engine/apply invariant 1).
 */
export interface LogRowState {
  id: number;
  seq: number;
  status: 'Synced' | 'Failed' | 'Blocked';
}

/** Blocked rows without an unresolved Failed row of the same document before them (rows of one document). */
export function orphanBlocked<R extends LogRowState>(rows: R[]): R[] {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const orphans: R[] = [];
  let failedBefore = false;
  for (const r of sorted) {
    if (r.status === 'Failed') failedBefore = true;
    else if (r.status === 'Blocked' && !failedBefore) orphans.push(r);
  }
  return orphans;
}

export interface ResyncPorts {
  /** The producer's current state of the document (network, outside any transaction): its head and how to apply it. */
  reconcile(): Promise<{ headSeq: number; apply(seq: number): Promise<{ localDocumentId: string | null }> }>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Marks the document's Failed/Blocked rows up to `seq` Synced. */
  markSynced(seq: number, localDocumentId: string | null, note: string): Promise<void>;
  /** The document's Failed and Blocked rows. */
  unresolved(): Promise<LogRowState[]>;
  /** Turns these Blocked rows into Failed rows due for retry now. */
  release(ids: number[], note: string): Promise<void>;
}

/**
 * Resyncs one document whose log row has `rowSeq`. Returns the local documentId, the seq it is
 * now at, and how many Blocked rows were released for retry (invariant 1).
 * @throws what reconcile or apply throws (the caller records the failure); nothing is written then.
 */
export async function resyncDocument(
  ports: ResyncPorts,
  rowSeq: number
): Promise<{ localDocumentId: string | null; upTo: number; released: number }> {
  const { headSeq, apply } = await ports.reconcile();
  const upTo = Math.max(headSeq, rowSeq);
  return ports.transaction(async () => {
    const { localDocumentId } = await apply(upTo);
    await ports.markSynced(upTo, localDocumentId, `resynced from the producer's state at #${headSeq}`);
    const orphans = orphanBlocked(await ports.unresolved());
    if (orphans.length)
      await ports.release(
        orphans.map((r) => r.id),
        `its earlier failed event was resolved by a resync at #${headSeq}; retrying from the producer's state`
      );
    return { localDocumentId, upTo, released: orphans.length };
  });
}
