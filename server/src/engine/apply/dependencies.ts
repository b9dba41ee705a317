import type { ProducerSubscription } from '../../shared/contracts';
import { ApplyError, errorMessage, NeedsNetworkError } from '../errors';
import { docKey, walkRefs } from '../refs';
import type { DocRef, FileRef, Snapshot } from '../snapshot';
import { EventBudget, jsonBytes } from './budget';
import { checkProducerData, localShaper, type LocalShaper } from './guard';
import { carryInline, emptyInline, type InlineCopies } from './inline';
import type { LocalIds } from './lookups';
import { MAX_VIA, type ApplyPorts, type Dependency, type Route } from './ports';
import { acceptsTarget, routeFor } from './routing';
import { ownFields } from './translate';

/** The root of a walk: the event's document, its data (whole or a diff) and its route. */
export interface WalkRoot {
  ref: DocRef;
  data: Snapshot;
  route: Route;
}

/**
 * Local upload id for a remote file: the one transferred before (still here), else download and
 * upload it (`transferred`) — or, `offline`, NeedsNetworkError.
 */
async function localFileFor(
  ports: ApplyPorts,
  file: FileRef,
  via: DocRef[],
  offline: boolean
): Promise<{ id: number; transferred: boolean }> {
  const id = await ports.localFile(file.__file);
  if (id !== null) return { id, transferred: false };
  if (offline) throw new NeedsNetworkError(`file ${file.__file}`);
  return { id: await ports.transferFile(file, via), transferred: true };
}

/**
 * Removes the uploads made for an event that will not apply (no orphan uploads: a retry downloads
 * them again). Tries every one; throws an ApplyError naming the failures when one fails.
 */
export async function discardUploads(ports: ApplyPorts, uploaded: string[]): Promise<void> {
  const failed = (await Promise.allSettled(uploaded.map((key) => ports.removeFile(key)))).filter((r) => r.status === 'rejected');
  if (failed.length) {
    throw new ApplyError(
      `Removing ${failed.length} file(s) uploaded for the event failed: ${errorMessage((failed[0] as PromiseRejectedResult).reason)}`
    );
  }
}

/**
 * The dependency walk (see the invariants in index.ts): breadth first from the root, every
 * referenced document visited once (cycles end), each level's local ids prefetched at once; a
 * missing one is fetched from the producer with the path that led to it (`via`, which the producer
 * checks) and walked in turn. Media files met on the way are transferred (or reused). The walk
 * stays within the event's budgets (budget.ts: documents, files, bytes); when it fails, the files
 * it uploaded are removed before the error goes up.
 * Uploads referenced inline (rich text, Blocks, JSON: inline.ts) are carried the same way, within
 * the same file budget.
 * @returns the missing dependencies in the order found, remote file key -> local upload id, the
 *   inline uploads' local copies, and the remote keys of the files uploaded by this walk (to
 *   remove if the event does not apply after all).
 * @throws ApplyError past MAX_VIA levels, over a budget (BudgetExceededError), for a reference to a
 *   type that does not exist here, or for bad data; NeedsNetworkError `offline` when anything is missing.
 */
export async function walkDependencies(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  root: WalkRoot,
  lookups: LocalIds,
  offline: boolean,
  shape: LocalShaper = localShaper(ports)
): Promise<{ deps: Dependency[]; files: Map<string, number>; inline: InlineCopies; uploaded: string[] }> {
  const uploaded: string[] = [];
  try {
    return { ...(await walk(ports, subs, root, lookups, offline, shape, uploaded)), uploaded };
  } catch (error) {
    try {
      await discardUploads(ports, uploaded);
    } catch (cleanup) {
      throw new ApplyError(`${errorMessage(error)}; ${errorMessage(cleanup)}`);
    }
    throw error;
  }
}

async function walk(
  ports: ApplyPorts,
  subs: ProducerSubscription[],
  root: WalkRoot,
  lookups: LocalIds,
  offline: boolean,
  shape: LocalShaper,
  uploaded: string[]
): Promise<{ deps: Dependency[]; files: Map<string, number>; inline: InlineCopies }> {
  const what = `${root.ref.__ref} ${root.ref.documentId}`;
  // The event's own data came with its page (bounded by maxResponseBytes): only fetches count.
  const budget = new EventBudget(what, ports.limits);
  const deps: Dependency[] = [];
  const files = new Map<string, number>();
  const inline = emptyInline();
  const visited = new Set([docKey(root.ref.__ref, root.ref.documentId, root.ref.locale)]);
  const route = (ref: DocRef, parent: Route) => {
    const r = routeFor(subs, ref.__ref, ports.isStreamable, parent);
    if (!r) throw new ApplyError(`${what} refers to ${ref.__ref}, which does not exist on this site`);
    return r;
  };
  const queue: Array<{ data: Snapshot; via: DocRef[]; parent: Route }> = [{ data: root.data, via: [root.ref], parent: root.route }];
  while (queue.length) {
    const { data: current, via, parent } = queue.shift()!;
    const found: DocRef[] = [];
    const fileRefs: FileRef[] = [];
    const shaped = await shape(parent, current, true);
    walkRefs(
      ownFields(ports, parent.localUid, shaped, (attr, ref) => acceptsTarget(attr, route(ref, parent).localUid, ports.isStreamable)),
      (r) => found.push(r),
      (f) => fileRefs.push(f)
    );
    const fileFor = async (f: FileRef): Promise<number> => {
      const known = files.get(f.__file);
      if (known !== undefined) return known;
      budget.file(f.__file);
      const { id, transferred } = await localFileFor(ports, f, via, offline);
      if (transferred) uploaded.push(f.__file);
      files.set(f.__file, id);
      return id;
    };
    for (const f of fileRefs) await fileFor(f);
    await carryInline(ports, parent.localUid, shaped, via, { offline, budget, found: inline, fileFor });
    const next: Array<{ ref: DocRef; route: Route }> = [];
    for (const ref of found) {
      const key = docKey(ref.__ref, ref.documentId, ref.locale);
      if (visited.has(key)) continue;
      visited.add(key);
      next.push({ ref, route: route(ref, parent) });
    }
    await lookups.prefetch(
      next.map(({ ref, route: r }) => ({ route: r, uid: ref.__ref, documentId: ref.documentId, locale: ref.locale ?? null }))
    );
    for (const { ref, route: depRoute } of next) {
      const remote = { uid: ref.__ref, documentId: ref.documentId, locale: ref.locale ?? null };
      if (await lookups.get(depRoute, remote)) continue;
      if (offline) throw new NeedsNetworkError(`${ref.__ref} ${ref.documentId}`);
      if (via.length >= MAX_VIA) throw new ApplyError(`Dependencies of ${what} nest deeper than ${MAX_VIA} levels`);
      budget.dependency();
      const fetched = await ports.fetchDocument(remote, via);
      if (!fetched.data) continue; // not published on the producer: the relation is left out
      budget.hold(jsonBytes(fetched.data));
      checkProducerData(fetched.data, `${ref.__ref} ${ref.documentId}`);
      deps.push({ ref, route: depRoute, data: fetched.data, headSeq: fetched.headSeq });
      queue.push({ data: fetched.data, via: [...via, ref], parent: depRoute });
    }
  }
  return { deps, files, inline };
}
