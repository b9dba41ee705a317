/**
 * A model lifecycle, as many real sites have one: on this site, a supplier created with a name
 * starting with "Stamped:" gets " [stamped]" appended. Strapi runs it for every Document Service
 * create (a synced one too) but not for a Query Engine `createMany`, so the bulk back-fill must
 * see that this type's own lifecycles handle creates and copy it one document at a time
 * (tests/integration/bulk-backfill.test.ts). Names without the prefix are untouched.
 */
export default {
  beforeCreate(event: { params: { data?: Record<string, unknown> } }) {
    const data = event.params.data;
    if (typeof data?.name === 'string' && data.name.startsWith('Stamped:')) data.name = `${data.name} [stamped]`;
  },
};
