import type { Core } from '@strapi/strapi';
import type { ListDocumentsResponse } from '../shared/contracts';
import {
  bulkRouteRefusal,
  bulkRow,
  handlesCreates,
  pageCheckableUniqueFields,
  uniqueFieldsOf,
  withoutRepeats,
  withoutUniqueChecks,
} from '../engine/apply/bulk';
import { chunks, contentTypeUid, getService, repo } from '../utils';
import type { ProducerRow } from './producer-registry';
import { creatorFields, subscriberOf } from './subscriber';

/**
 * Bulk back-fill (config `bulkBackfill`, off by default): the documents of one listed page that
 * a plain insert can copy (engine/apply/bulk.ts says which, and why the result is the same) are
 * written with one Query Engine `createMany`, their remote references (with fingerprints) with one
 * insert, and their creator with one update — in one transaction, with Strapi's own validation
 * of every row. The others are left to the per-document path. As with `strapi transfer`, no
 * Document Service middleware, per-document lifecycle or webhook runs for a bulk-copied document:
 * hence off by default, and refused for a type whose own lifecycles handle creates.
 *
 * Returns the documentIds it copied (none when the page or the type does not qualify).
 */
export async function bulkCopy(
  strapi: Core.Strapi,
  producer: ProducerRow,
  remoteUid: string,
  page: Pick<ListDocumentsResponse, 'documents' | 'headSeq'>
): Promise<Set<string>> {
  const { documents, headSeq } = page;
  const copied = new Set<string>();
  if (!getService(strapi, 'settings').config().bulkBackfill) return copied;
  const route = getService(strapi, 'applier').routeFor(producer.subscriptions ?? [], remoteUid);
  if (!route) return copied;
  const model = getService(strapi, 'schema').model(route.localUid);
  if (bulkRouteRefusal(route, model) || !model) return copied;
  const contentType = strapi.contentType(contentTypeUid(route.localUid));
  if (handlesCreates((strapi.db.metadata.get(route.localUid) as { lifecycles?: Record<string, unknown> } | undefined)?.lifecycles))
    return copied;

  let items = documents
    .filter((d) => d.data && (d.locale ?? null) === null)
    .map((d) => ({ documentId: d.documentId, row: bulkRow(model, d.data) }))
    .filter((d): d is { documentId: string; row: Record<string, unknown> } => d.row !== null);
  if (!items.length) return copied;
  const ids = items.map((i) => i.documentId);
  // Documents this site holds already (a reference, or Use Same Name: a local document with that id) take the per-document path.
  const known = new Set((await getService(strapi, 'references').findMany(producer, remoteUid, ids)).map((r) => r.remoteDocumentId));
  if (route.useSameName)
    for (const chunk of chunks(ids))
      for (const r of await repo(strapi, route.localUid).findMany({ where: { documentId: { $in: chunk } }, select: ['documentId'] }))
        known.add(String(r.documentId));
  const attributes = contentType.attributes as Record<string, { type?: string; unique?: boolean }>;
  items = withoutRepeats(
    items.filter((i) => !known.has(i.documentId)),
    uniqueFieldsOf(attributes)
  );
  if (!items.length) return copied;

  // Strapi's own documentId maker (the database model's default, as a Document Service create gets).
  const newDocumentId = (strapi.db.metadata.get(route.localUid) as { attributes: Record<string, { default?: unknown }> }).attributes
    .documentId?.default;
  await strapi.db.transaction(async () => {
    // This site's consumers of the type get its changes from the Document Service path (capture): not bulk.
    if ((await getService(strapi, 'consumer-store').receiversOf(route.localUid)).length) return;
    // Unique text fields whose page values are all free here: validated without a read per row (engine/apply/bulk.ts invariant 3).
    const pageChecked: string[] = [];
    for (const name of pageCheckableUniqueFields(attributes)) {
      const values = [...new Set(items.map((i) => i.row[name]).filter((v) => v !== null && v !== undefined && v !== ''))];
      // A value that is not a string (a producer's malformed data) is left to the validator's own per-row check.
      if (values.some((v) => typeof v !== 'string')) continue;
      let free = true;
      for (const chunk of chunks(values)) {
        // The validator's own condition (validators.js addUniqueValidator): published rows with the value.
        if (await repo(strapi, route.localUid).count({ where: { [name]: { $in: chunk }, publishedAt: { $notNull: true } } })) free = false;
        if (!free) break;
      }
      if (free) pageChecked.push(name);
    }
    const validated = withoutUniqueChecks(contentType, pageChecked);
    const now = new Date();
    const rows: Array<{ remote: string; local: string; data: Record<string, unknown> }> = [];
    for (const item of items) {
      const local = route.useSameName ? item.documentId : typeof newDocumentId === 'function' ? String(newDocumentId()) : null;
      if (!local) return; // no way to name the copies here: leave them all to the Document Service
      try {
        // Strapi's validation of a create (required, lengths, formats; unique against the table unless cleared above for the page).
        const valid = (await strapi.entityValidator.validateEntityCreation(
          validated,
          { ...item.row, publishedAt: now } as never,
          {
            isDraft: false,
            // As the Document Service passes it: required relations and media enforced when the app asks for it.
            strictRelations: strapi.config.get('api.documents.strictRelations') === true,
          } as never
        )) as Record<string, unknown>;
        rows.push({ remote: item.documentId, local, data: { ...valid, documentId: local, publishedAt: now } });
      } catch {
        // Refused: the per-document path applies it alone and records why.
      }
    }
    if (!rows.length) return;
    for (const chunk of chunks(rows)) await repo(strapi, route.localUid).createMany({ data: chunk.map((r) => r.data) });
    const locals = rows.map((r) => r.local);
    const creator = creatorFields(await subscriberOf(strapi, producer.subscriberUserId), true);
    if (Object.keys(creator).length)
      for (const chunk of chunks(locals))
        await repo(strapi, route.localUid).updateMany({ where: { documentId: { $in: chunk } }, data: creator });
    const fingerprints = new Map<string, string>();
    for (const chunk of chunks(locals))
      for (const [k, v] of await getService(strapi, 'review').fingerprintsOf(route, chunk)) fingerprints.set(k, v);
    await getService(strapi, 'references').insertMany(
      producer,
      rows.map((r) => ({
        localContentType: route.localUid,
        localDocumentId: r.local,
        remote: { uid: remoteUid, documentId: r.remote, locale: null },
        // The listing's head: events up to it are reflected (as the per-document back-fill records).
        lastAppliedSeq: headSeq,
        deleted: false,
        fingerprint: fingerprints.get(r.local) ?? null,
      }))
    );
    for (const r of rows) copied.add(r.remote);
  });
  return copied;
}
