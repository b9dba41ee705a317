/**
 * The slice of Strapi's schema the engine needs, as plain data (the adapter fills it from
 * `strapi.contentTypes` / `strapi.components`), so the engine never imports Strapi.
 */
export interface AttributeDef {
  type: string;
  relation?: string;
  target?: string;
  mappedBy?: string;
  inversedBy?: string;
  component?: string;
  components?: string[];
  repeatable?: boolean;
  multiple?: boolean;
  private?: boolean;
  required?: boolean;
  pluginOptions?: { i18n?: { localized?: boolean } };
}

export interface ModelDef {
  uid: string;
  attributes: Record<string, AttributeDef>;
  draftAndPublish?: boolean;
  localized?: boolean;
}

export interface SchemaLookup {
  /** Content type or component by uid; undefined when unknown. */
  model(uid: string): ModelDef | undefined;
}

/** Attributes Strapi manages itself; they never travel in a stream. */
export const SYSTEM_FIELDS = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'firstPublishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

const FILE_UID = 'plugin::upload.file';

/** How an attribute travels in a stream. */
export type FieldKind = 'scalar' | 'relation' | 'media' | 'component' | 'dynamiczone' | 'skip';

/**
 * Which attributes stream, and how. Skipped: system fields, passwords, private fields, the inverse
 * side of a relation (the owning side carries it), relations to admin users or to
 * users-permissions users (accounts never leave a site).
 */
export function fieldKind(name: string, attr: AttributeDef): FieldKind {
  if (SYSTEM_FIELDS.has(name)) return 'skip';
  if (attr.private || attr.type === 'password') return 'skip';
  switch (attr.type) {
    case 'relation': {
      // The owning side carries a relation; inverse sides (mappedBy, morphOne/morphMany) are skipped.
      if (attr.mappedBy || attr.relation === 'morphOne' || attr.relation === 'morphMany') return 'skip';
      const target = attr.target ?? '';
      if (attr.relation?.startsWith('morph') && !target) return 'relation';
      if (target.startsWith('admin::') || target.startsWith('plugin::users-permissions.')) return 'skip';
      if (target === FILE_UID) return 'media';
      return 'relation';
    }
    case 'media':
      return 'media';
    case 'component':
      return 'component';
    case 'dynamiczone':
      return 'dynamiczone';
    default:
      return 'scalar';
  }
}

export const isToMany = (attr: AttributeDef): boolean =>
  attr.type === 'media' ? attr.multiple === true : /(toMany|ToMany|manyWay|morphMany)$/.test(attr.relation ?? '');
