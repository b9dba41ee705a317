import type { Core } from '@strapi/strapi';
import { RemoteError } from '../engine/errors';
import type { MappingDef } from '../engine/mapping';
import { streamedFields, subscriptionReport } from '../engine/schema-check';
import type { DocumentTypeMapping, ProducerSchemaCheck, SchemaReport } from '../shared/contracts';
import { getService } from '../utils';
import type { ProducerRow } from './producer-store';

type Check = ProducerSchemaCheck.Response['data'];

/**
 * Consumer side of the schema check (issue 16, point 8): asks a producer for its schema of the
 * subscribed types (GET /schema), compares each subscription with the local type it writes to
 * (engine/schema-check.ts) and names what does not fit. Read-only; a producer that cannot be asked
 * gives a report with `error` set, never a failed request.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const localFields = (uid: string) => {
    const model = getService(strapi, 'schema').model(uid);
    return model ? streamedFields(model) : null;
  };

  const check = async (p: ProducerRow, onlyMapping: string | null = null): Promise<Check> => {
    const subs = (p.subscriptions ?? []).filter((s) => !s.unsubscribed && (onlyMapping === null || s.mapping === onlyMapping));
    const base = { producerId: p.id, schemaChangedAt: p.schemaChangedAt ? new Date(p.schemaChangedAt).toISOString() : null };
    let remote;
    try {
      remote = await getService(strapi, 'producer-client').of(p).schema();
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      return { ...base, reports: [], error: error.message };
    }
    const remoteBy = new Map(remote.types.map((t) => [t.uid, t]));
    const all = (await getService(strapi, 'mappings').list()) as DocumentTypeMapping[];
    const mappingOf = (name: string | null): MappingDef | null => (name ? (all.find((m) => m.mappingName === name) ?? null) : null);
    // A relation to another subscribed remote type is written to that subscription's local type.
    const localOf = new Map((p.subscriptions ?? []).map((s) => [s.remoteContentType, s.contentType]));
    const reports: SchemaReport[] = subs.map((s) => {
      const r = remoteBy.get(s.remoteContentType);
      return subscriptionReport(
        {
          remoteContentType: s.remoteContentType,
          localContentType: s.contentType,
          remote: r?.fields ?? null,
          local: localFields(s.contentType),
          mapping: mappingOf(s.mapping),
          targetOf: (uid) => localOf.get(uid) ?? uid,
        },
        r?.hash ?? null
      );
    });
    return { ...base, reports, error: null };
  };

  return {
    /** The report of each subscription of Event Producer `id`; null when there is no such producer. */
    async forProducer(id: number): Promise<Check | null> {
      const p = await getService(strapi, 'producer-store').get(id);
      return p ? check(p) : null;
    },
    /** The reports of the subscriptions that use mapping `id`, per producer; null when there is no such mapping. */
    async forMapping(id: number): Promise<Array<Check & { producerUrl: string }> | null> {
      const m = await getService(strapi, 'mappings').get(id);
      if (!m) return null;
      const producers = (await getService(strapi, 'producer-store').list()).filter((p) =>
        (p.subscriptions ?? []).some((s) => !s.unsubscribed && s.mapping === m.mappingName)
      );
      const out = [];
      for (const p of producers) out.push({ ...(await check(p, m.mappingName)), producerUrl: p.producerUrl });
      return out;
    },
  };
};
