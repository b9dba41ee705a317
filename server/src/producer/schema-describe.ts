import type { Core } from '@strapi/strapi';
import { schemaHash, streamedFields } from '../engine/schema-check';
import type { ProducerSchema, StreamedField } from '../shared/contracts';
import { getService } from '../utils';
import type { ConsumerRow } from './consumer-store';

/**
 * Producer side of the schema check (issue 16, point 8): the streamed fields of the types a
 * consumer subscribes to (GET /schema), and their hash, which every pull page carries so that the
 * consumer notices a schema change. Field names and types only — never data. Rejected and
 * unsubscribed types are left out; pending ones are in, so the consumer can check before approval.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  // Schemas change only with a restart (Strapi reloads on every content-type change): cache per type.
  const cache = new Map<string, { fields: StreamedField[]; hash: string } | null>();
  const typeOf = (uid: string) => {
    if (!cache.has(uid)) {
      const schema = getService(strapi, 'schema');
      const model = schema.isStreamable(uid) ? schema.model(uid) : undefined;
      const fields = model ? streamedFields(model) : null;
      cache.set(uid, fields ? { fields, hash: schemaHash(fields) } : null);
    }
    return cache.get(uid) ?? null;
  };
  const subscribed = (c: ConsumerRow): string[] =>
    [...new Set((c.subscriptions ?? []).filter((s) => !s.unsubscribed && s.status !== 'Rejected').map((s) => s.contentType))].sort();

  const service = {
    describe(c: ConsumerRow): ProducerSchema {
      const types = subscribed(c).flatMap((uid) => {
        const t = typeOf(uid);
        return t ? [{ uid, ...t }] : [];
      });
      return { siteId: getService(strapi, 'settings').siteId(), hash: schemaHash(types.map((t) => [t.uid, t.hash])), types };
    },
    /** GET /schema's `hash` for this consumer (carried by every pull page). */
    hashFor(c: ConsumerRow): string {
      return schemaHash(subscribed(c).flatMap((uid) => (typeOf(uid) ? [[uid, typeOf(uid)!.hash]] : [])));
    },
  };
  return service;
};
