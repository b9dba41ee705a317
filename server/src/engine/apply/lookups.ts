import { docKey } from '../refs';
import type { ApplyPorts, ReferenceRow, RemoteDoc, Route } from './ports';

/** A remote document, and how it is mirrored here. */
export interface Wanted extends RemoteDoc {
  route: Route;
}

/** Memoised "local documentId of this remote document" lookups (see memoLocalIds). */
export interface LocalIds {
  get(route: Route, remote: RemoteDoc): Promise<string | null>;
  set(route: Route, remote: RemoteDoc, id: string | null): void;
  /** Looks up many at once (one query for their references per remote type, one per local type): fills the memo. */
  prefetch(wanted: Wanted[]): Promise<void>;
}

const localized = (ports: ApplyPorts, uid: string) => ports.model(uid)?.localized === true;

/** Whether the local document exists; in `locale` only when its type is localized. */
const localExists = (ports: ApplyPorts, uid: string, documentId: string, locale: string | null) =>
  ports.localExists(uid, documentId, locale && localized(ports, uid) ? locale : null);

/**
 * The local documentId mirroring a remote document, or null when there is none yet: the one its
 * remote reference names (`known`: that reference, already read), else — Use Same Name — the
 * remote documentId itself; either only if that local document exists.
 */
export async function localIdOf(ports: ApplyPorts, route: Route, remote: RemoteDoc, known?: ReferenceRow | null): Promise<string | null> {
  const ref = known !== undefined ? known : await ports.findReference(remote);
  if (ref && !ref.deleted && (await localExists(ports, route.localUid, ref.localDocumentId, remote.locale))) return ref.localDocumentId;
  if (route.useSameName && (await localExists(ports, route.localUid, remote.documentId, remote.locale))) return remote.documentId;
  return null;
}

/** localIdOf for many remote documents with one query for their references per remote type and one per local type. */
async function localIdsOf(ports: ApplyPorts, wanted: Wanted[]): Promise<Array<string | null>> {
  // Per remote type, so the lookup uses the (site, type, document) index.
  const refRows: ReferenceRow[] = [];
  for (const uid of new Set(wanted.map((w) => w.uid))) {
    refRows.push(...(await ports.findReferences(uid, [...new Set(wanted.filter((w) => w.uid === uid).map((w) => w.documentId))])));
  }
  const live = new Map(
    refRows.filter((r) => !r.deleted).map((r) => [docKey(r.remoteContentType, r.remoteDocumentId, r.docLocale ?? null), r])
  );
  const refOf = wanted.map((w) => live.get(docKey(w.uid, w.documentId, w.locale)));
  // Candidate local documents per local type, then which of them exist (and in which locales).
  const candidates = new Map<string, Set<string>>();
  const add = (uid: string, id: string) => candidates.set(uid, (candidates.get(uid) ?? new Set()).add(id));
  for (const [i, w] of wanted.entries()) {
    const ref = refOf[i];
    if (ref) add(w.route.localUid, ref.localDocumentId);
    if (w.route.useSameName) add(w.route.localUid, w.documentId);
  }
  const present = new Map<string, Map<string, Set<string | null>>>();
  for (const [uid, ids] of candidates) {
    const found = new Map<string, Set<string | null>>();
    for (const r of await ports.localLocales(uid, [...ids])) found.set(r.documentId, (found.get(r.documentId) ?? new Set()).add(r.locale));
    present.set(uid, found);
  }
  const exists = (uid: string, documentId: string, locale: string | null) => {
    const locales = present.get(uid)?.get(documentId);
    return !!locales && (!(locale && localized(ports, uid)) || locales.has(locale));
  };
  return wanted.map((w, i) => {
    const ref = refOf[i];
    if (ref && exists(w.route.localUid, ref.localDocumentId, w.locale)) return ref.localDocumentId;
    return w.route.useSameName && exists(w.route.localUid, w.documentId, w.locale) ? w.documentId : null;
  });
}

/** documentId of the same remote document in another locale (to add a locale to it), or null. */
export async function siblingLocalId(ports: ApplyPorts, route: Route, remote: RemoteDoc): Promise<string | null> {
  if (route.useSameName) return (await ports.localExists(route.localUid, remote.documentId, null)) ? remote.documentId : null;
  const any = await ports.findSiblingReference(remote.uid, remote.documentId);
  return any && (await ports.localExists(route.localUid, any.localDocumentId, null)) ? any.localDocumentId : null;
}

/**
 * Local-id lookups memoised for one phase of one event: an invoice names the same customer and
 * items in its relations, its lines and its dependency walk (each lookup is two queries).
 */
export function memoLocalIds(ports: ApplyPorts): LocalIds {
  const memo = new Map<string, Promise<string | null>>();
  const key = (route: Route, r: RemoteDoc) => `${route.localUid}|${route.useSameName ? 1 : 0}|${docKey(r.uid, r.documentId, r.locale)}`;
  return {
    get(route, remote) {
      const k = key(route, remote);
      let hit = memo.get(k);
      if (!hit) {
        hit = localIdOf(ports, route, remote);
        memo.set(k, hit);
      }
      return hit;
    },
    set(route, remote, id) {
      memo.set(key(route, remote), Promise.resolve(id));
    },
    async prefetch(wanted) {
      const todo = wanted.filter((w) => !memo.has(key(w.route, w)));
      if (todo.length < 2) return; // one is as cheap through get()
      const ids = localIdsOf(ports, todo);
      todo.forEach((w, i) =>
        memo.set(
          key(w.route, w),
          ids.then((all) => all[i])
        )
      );
      await ids;
    },
  };
}
