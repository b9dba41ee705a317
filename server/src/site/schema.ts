import type { Core } from '@strapi/strapi';
import { fieldKind, SYSTEM_FIELDS, type AttributeDef, type ModelDef, type SchemaLookup } from '../engine/schema';
import type { StreamableContentType } from '../shared/contracts';

/** Strapi's schemas as the engine's plain `SchemaLookup`, and the list of streamable types. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const model = (uid: string): ModelDef | undefined => {
    // strapi.contentType(uid), not strapi.contentTypes[uid]: the getter copies the whole registry
    // (a pickBy over every content type) on each access, and this runs several times per captured write.
    const ct = (strapi.contentType(uid as never) as any) ?? (strapi.components as Record<string, any>)[uid];
    if (!ct) return undefined;
    return {
      uid,
      attributes: ct.attributes as Record<string, AttributeDef>,
      draftAndPublish: ct.options?.draftAndPublish === true,
      localized: ct.pluginOptions?.i18n?.localized === true,
    };
  };
  const lookup: SchemaLookup = { model };

  /** Collection types of the app (`api::`) can stream; plugin and admin types cannot. */
  const isStreamable = (uid: string): boolean => {
    const ct = strapi.contentType(uid as never) as any;
    return Boolean(ct && uid.startsWith('api::') && ct.kind === 'collectionType');
  };

  const scalarOnlyCache = new Map<string, boolean>();
  /** Streamed fields all scalars (no relation, media, component or zone): a plain row is the snapshot. */
  const scalarOnly = (uid: string): boolean => {
    let hit = scalarOnlyCache.get(uid);
    if (hit === undefined) {
      const m = model(uid);
      hit = Boolean(m && Object.entries(m.attributes).every(([n, a]) => ['scalar', 'skip'].includes(fieldKind(n, a))));
      scalarOnlyCache.set(uid, hit);
    }
    return hit;
  };

  return {
    lookup,
    model,
    isStreamable,
    scalarOnly,
    list(): StreamableContentType[] {
      return Object.keys(strapi.contentTypes)
        .filter(isStreamable)
        .map((uid) => {
          const ct = (strapi.contentTypes as Record<string, any>)[uid];
          return {
            uid,
            displayName: ct.info?.displayName ?? uid,
            draftAndPublish: ct.options?.draftAndPublish === true,
            localized: ct.pluginOptions?.i18n?.localized === true,
            attributes: Object.entries(ct.attributes as Record<string, AttributeDef>)
              .filter(([name]) => !SYSTEM_FIELDS.has(name))
              .map(([name, a]) => ({
                name,
                type: a.type,
                ...(a.target ? { target: a.target } : {}),
                ...(a.component ? { component: a.component } : {}),
                ...(a.required ? { required: true } : {}),
              })),
          };
        });
    },
  };
};
