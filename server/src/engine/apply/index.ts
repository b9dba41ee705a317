/**
 * The apply engine (consumer side): turns a producer's events into local documents. Strapi-free:
 * the adapter (consumer/applier.ts) provides the ports (ports.ts) — reference table, local
 * documents, the producer's documents and files, mappings.
 *
 * PHASES
 *  - prepare (phases.ts, no transaction, may call the producer): route the event to its local
 *    type; re-fetch the whole document when an Update finds no local copy; walk the dependencies
 *    (dependencies.ts) and transfer media.
 *  - apply (phases.ts + write.ts, inside the caller's transaction, no network): create the missing
 *    dependencies without relations, write the document, then give the dependencies their
 *    relations; record remote references.
 *
 * INVARIANTS
 * 1. Idempotency: every (producer, remote type, remote document, locale) has one remote reference
 *    with `lastAppliedSeq`; an event at or below it is already reflected and changes nothing —
 *    except a whole document (Create, back-fill, resync) whose local copy is gone, which is
 *    restored. `lastAppliedSeq` never goes down.
 * 2. No silent Synced for a document that is not here: an Update without a local copy re-fetches
 *    the whole document ("gone" when the producer has it no more: nothing is written, its Delete
 *    follows). A Delete of a document already absent only records the reference as deleted.
 * 3. Order of writes: every missing dependency exists (without relations) before the document is
 *    written, and gets its relations after it, so cycles A -> B -> A resolve; apply makes no
 *    network call, so a transaction is never held across one.
 * 4. The walk ends: breadth first, each remote document visited once (cycles), at most MAX_VIA
 *    levels deep and within the event's budgets (budget.ts: documents, files, bytes, from config);
 *    `offline` (a batch's transaction) throws NeedsNetworkError instead of any call to the
 *    producer (missing dependency, file, re-fetch).
 * 5. Lookups stay cheap: local ids are memoised per event and prefetched per BFS level (one query
 *    for references per remote type, one per local type); the root's reference is read once in
 *    apply; a file is transferred once per producer file and reused afterwards.
 * 6. The producer is not trusted: data with a prototype key (`__proto__`, `constructor`,
 *    `prototype`) anywhere, or a reference whose documentId / locale is malformed, is refused with
 *    an ApplyError naming the key; only attributes the local schema owns are written (own
 *    properties); a reference is followed and linked only where the local relation targets its
 *    (routed) type — a polymorphic relation: any streamable type. Mapped data is walked after its
 *    mapping put it in local fields (guard.ts localShaper), so the same holds for it.
 * 7. Use Same Name: the local document gets the producer's documentId; off: a local id, found
 *    again through the remote reference. A new locale of a document is added to its sibling.
 * 8. No orphan uploads: files uploaded while preparing an event that then fails (in the walk, or
 *    when its apply rolls back, or it is not applied) are removed (`discardPrepared`); a retry
 *    downloads them again.
 * 9. Fields kept local (keep-local.ts): a create (or a new locale) fills them; every update of an
 *    existing local document — stream, retry, resync, back-fill, a dependency met again — leaves
 *    them as they are here (write.ts builds the update data without them).
 * 10. Inline media (inline.ts, engine/inline-media.ts): a URL in a rich-text, Blocks or JSON field
 *    is copied only when the producer lists it as one of its uploads for that very document AND
 *    the data holds it; the bytes come from the producer's file endpoint (as media: same budget,
 *    transfer and MIME checks, invariant 8), never from the URL. Every other URL is stored as
 *    written, except links matching the producer's link rule.
 */
export { FILE_UID, MAX_DEPENDENCIES, MAX_VIA } from './ports';
export type { ApplyPorts, Dependency, ReferenceInput, ReferenceRow, RemoteDoc, Route, WriteOptions } from './ports';
export { applyEvent, discardPrepared, prepareEvent, reconcileEvent, type Prepared } from './phases';
export { BudgetExceededError, DEFAULT_EVENT_LIMITS, type EventLimits } from './budget';
export { routeFor } from './routing';
