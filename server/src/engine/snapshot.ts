import { fieldKind, isToMany, type SchemaLookup } from './schema';

/**
 * A document as it travels between sites: plain JSON, no database ids, relations and media as
 * references the consumer resolves itself.
 *
 *   relation  -> { __ref: '<target uid>', documentId, locale? }   (toMany: an array, order kept)
 *   media     -> { __file: '<documentId>', hash, name, url, mime, ext, size, width, height, alternativeText, caption }
 *   component -> the component's own snapshot (repeatable: an array)
 *   dynamic zone -> [{ __component: '<uid>', ...snapshot }]
 */
export type Snapshot = Record<string, unknown>;

export interface DocRef {
  __ref: string;
  documentId: string;
  locale?: string | null;
}

export interface FileRef {
  __file: string;
  hash: string;
  name: string;
  url: string;
  mime: string;
  ext: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  alternativeText: string | null;
  caption: string | null;
}

type Row = Record<string, unknown>;

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

function toRef(target: string | undefined, value: unknown): DocRef | null {
  if (!isRow(value) || typeof value.documentId !== 'string') return null;
  const uid = target || (typeof value.__type === 'string' ? value.__type : '');
  if (!uid) return null;
  const ref: DocRef = { __ref: uid, documentId: value.documentId };
  if (typeof value.locale === 'string') ref.locale = value.locale;
  return ref;
}

/** A file reference from an upload row (or a populated media value); null when it is not an object. */
export function toFile(value: unknown): FileRef | null {
  if (!isRow(value)) return null;
  const str = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : null);
  const num = (k: string) => (typeof value[k] === 'number' ? (value[k] as number) : value[k] == null ? null : Number(value[k]));
  return {
    __file: String(value.documentId ?? value.id ?? value.hash),
    hash: str('hash') ?? '',
    name: str('name') ?? 'file',
    url: str('url') ?? '',
    mime: str('mime') ?? 'application/octet-stream',
    ext: str('ext'),
    size: num('size'),
    width: num('width'),
    height: num('height'),
    alternativeText: str('alternativeText'),
    caption: str('caption'),
  };
}

/**
 * Turns a populated Strapi entry of model `uid` into a Snapshot.
 * @param entry as returned by the Document Service with `buildPopulate(uid)`; null -> null.
 */
export function toSnapshot(uid: string, entry: Row | null | undefined, schema: SchemaLookup): Snapshot | null {
  if (!entry) return null;
  const model = schema.model(uid);
  if (!model) throw new Error(`Unknown model ${uid}`);
  const out: Snapshot = {};
  for (const [name, attr] of Object.entries(model.attributes)) {
    const kind = fieldKind(name, attr);
    if (kind === 'skip' || !(name in entry)) continue;
    const value = entry[name];
    switch (kind) {
      case 'scalar':
        out[name] = value === undefined ? null : value;
        break;
      case 'relation':
        out[name] = isToMany(attr)
          ? (Array.isArray(value) ? value : []).map((v) => toRef(attr.target, v)).filter((r): r is DocRef => r !== null)
          : toRef(attr.target, value);
        break;
      case 'media':
        out[name] = isToMany(attr)
          ? (Array.isArray(value) ? value : []).map(toFile).filter((f): f is FileRef => f !== null)
          : toFile(value);
        break;
      case 'component':
        out[name] = attr.repeatable
          ? (Array.isArray(value) ? value : []).map((v) => toSnapshot(attr.component!, v as Row, schema))
          : toSnapshot(attr.component!, value as Row | null, schema);
        break;
      case 'dynamiczone':
        out[name] = (Array.isArray(value) ? value : []).filter(isRow).map((v) => ({
          __component: v.__component,
          ...toSnapshot(String(v.__component), v, schema),
        }));
        break;
    }
  }
  return out;
}

/**
 * The populate tree that loads everything `toSnapshot` reads, for the Document Service.
 * Relations load only their documentId/locale; media its metadata; components and dynamic zones
 * recursively (component nesting is finite in Strapi; `depth` guards against a broken schema).
 */
export function buildPopulate(uid: string, schema: SchemaLookup, depth = 0): Record<string, unknown> {
  const model = schema.model(uid);
  if (!model || depth > 10) return {};
  const populate: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(model.attributes)) {
    const kind = fieldKind(name, attr);
    if (kind === 'relation') {
      const localized = attr.target ? schema.model(attr.target)?.localized === true : false;
      populate[name] = attr.relation?.startsWith('morph') ? true : { fields: localized ? ['documentId', 'locale'] : ['documentId'] };
    } else if (kind === 'media') {
      populate[name] = true;
    } else if (kind === 'component') {
      populate[name] = { populate: buildPopulate(attr.component!, schema, depth + 1) };
    } else if (kind === 'dynamiczone') {
      populate[name] = {
        on: Object.fromEntries((attr.components ?? []).map((c) => [c, { populate: buildPopulate(c, schema, depth + 1) }])),
      };
    }
  }
  return populate;
}

/**
 * `buildPopulate`'s object in the Query Engine's words: `fields` is `select` there (the rest —
 * nested `populate`, a zone's `on` — is spelled the same).
 */
export function queryPopulate(populate: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(populate)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) out[key === 'fields' ? 'select' : key] = value;
    else out[key === 'fields' ? 'select' : key] = queryPopulate(value as Record<string, unknown>);
  }
  return out;
}

/** Walks a snapshot by its schema and collects the values of every field of `kind` (relations or media), components and zones included. */
function collect<T>(kind: 'relation' | 'media', uid: string, snap: Snapshot | null, schema: SchemaLookup, out: T[]): T[] {
  const model = schema.model(uid);
  if (!snap || !model) return out;
  for (const [name, attr] of Object.entries(model.attributes)) {
    if (!(name in snap)) continue;
    const fk = fieldKind(name, attr);
    const value = snap[name];
    const list = Array.isArray(value) ? value : value == null ? [] : [value];
    if (fk === kind) out.push(...(list as T[]));
    else if (fk === 'component') list.forEach((v) => collect(kind, attr.component!, v as Snapshot, schema, out));
    else if (fk === 'dynamiczone') list.forEach((v) => collect(kind, String((v as Snapshot).__component), v as Snapshot, schema, out));
  }
  return out;
}

/** Every document reference inside a snapshot (relations, including inside components / zones). */
export const collectRefs = (uid: string, snap: Snapshot | null, schema: SchemaLookup, out: DocRef[] = []): DocRef[] =>
  collect<DocRef>('relation', uid, snap, schema, out);

/** Every file reference inside a snapshot (media fields, including inside components / zones). */
export const collectFiles = (uid: string, snap: Snapshot | null, schema: SchemaLookup, out: FileRef[] = []): FileRef[] =>
  collect<FileRef>('media', uid, snap, schema, out);
