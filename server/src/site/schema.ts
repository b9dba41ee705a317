import type { Core, Schema } from '@strapi/strapi';
import { isContentTypeUid } from '../utils';
import { fieldKind, SYSTEM_FIELDS, type AttributeDef, type ModelDef, type SchemaLookup } from '../engine/schema';
import type { StreamableContentType } from '../shared/contracts';

/** i18n's flag on a schema (`pluginOptions.i18n.localized`; Strapi types plugin options loosely). */
const isLocalized = (schema: Schema.ContentType | Schema.Component): boolean => {
  const i18n: unknown = (schema.pluginOptions as Record<string, unknown> | undefined)?.i18n;
  return typeof i18n === 'object' && i18n !== null && (i18n as { localized?: unknown }).localized === true;
};

/** Strapi's schemas as the engine's plain `SchemaLookup`, and the list of streamable types. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The content type `uid` names, if any. */
  const contentType = (uid: string): Schema.ContentType | undefined =>
    // strapi.contentType(uid), not strapi.contentTypes[uid]: the getter copies the whole registry
    // (a pickBy over every content type) on each access, and this runs several times per captured write.
    isContentTypeUid(uid) ? strapi.contentType(uid) : undefined;
  const schemaOf = (uid: string): Schema.ContentType | Schema.Component | undefined =>
    contentType(uid) ?? (strapi.components as Record<string, Schema.Component | undefined>)[uid];

  const model = (uid: string): ModelDef | undefined => {
    const ct = schemaOf(uid);
    if (!ct) return undefined;
    return {
      uid,
      attributes: ct.attributes as Record<string, AttributeDef>,
      draftAndPublish: ct.options?.draftAndPublish === true,
      localized: isLocalized(ct),
    };
  };
  const lookup: SchemaLookup = { model };

  /** Collection types of the app (`api::`) can stream; plugin and admin types cannot. */
  const isStreamable = (uid: string): boolean => uid.startsWith('api::') && contentType(uid)?.kind === 'collectionType';

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
      return Object.values(strapi.contentTypes)
        .filter((ct) => isStreamable(ct.uid))
        .map((ct) => {
          const { uid } = ct;
          return {
            uid,
            displayName: ct.info?.displayName ?? uid,
            draftAndPublish: ct.options?.draftAndPublish === true,
            localized: isLocalized(ct),
            attributes: Object.entries(ct.attributes as Record<string, AttributeDef>)
              .filter(([name]) => !SYSTEM_FIELDS.has(name))
              .map(([name, a]) => ({
                name,
                type: a.type,
                ...(a.target ? { target: a.target } : {}),
                ...(a.component ? { component: a.component } : {}),
                ...(a.components ? { components: a.components } : {}),
                ...(a.required ? { required: true } : {}),
              })),
          };
        });
    },
  };
};
