import { ApplyError } from '../errors';
import { inlineKindOf, rewriteInline, type InlineRewriter } from '../inline-media';
import { isDocRef, isFileRef } from '../refs';
import { fieldKind, isToMany, type AttributeDef, type ModelDef } from '../schema';
import type { DocRef, Snapshot } from '../snapshot';
import { isLinkedTarget, isLocalTarget, isStrictRef } from '../mapping';
import { isObject } from './guard';
import type { Linker } from './linked';
import { acceptsTarget, isMorph } from './routing';

/** A local document a relation points at. */
export interface LocalRef {
  uid: string;
  documentId: string;
  locale?: string;
}

export interface SchemaPorts {
  model(uid: string): ModelDef | undefined;
  isStreamable(uid: string): boolean;
}

/** The attribute `name` of a model: an own property only (`constructor` is not an attribute). */
const attributeOf = (model: ModelDef, name: string): AttributeDef | undefined =>
  Object.hasOwn(model.attributes, name) ? model.attributes[name] : undefined;

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value == null ? [] : [value]);

/** Whether dynamic zone `attr` allows entry `v`; its component uid when it does. */
const zoneComponent = (attr: AttributeDef, v: unknown): string | null =>
  isObject(v) && typeof v.__component === 'string' && (attr.components ?? []).includes(v.__component) ? v.__component : null;

/** Why a reference a mapping row reads cannot be linked (mapping.ts isStrictRef: the event fails). */
const unlinkable = (uid: string, name: string, attr: AttributeDef, ref: DocRef, local: LocalRef | null): string =>
  `${uid}.${name} cannot be linked to ${ref.__ref} ${ref.documentId}: ` +
  (local
    ? `that document is stored here as ${local.uid}, but ${name} points at ${attr.target ?? 'other types'}`
    : `it is not stored here as ${attr.target ?? 'a streamable type'} (not published on the producer, or mirrored as another type)`);

/**
 * Turns (mapped) snapshot data into Document Service data for local model `uid`. Fields the
 * local model does not have are dropped; relations are resolved to local documents (and dropped
 * where the field does not accept their type), media to local upload ids. `relations: false`
 * leaves relations out (a dependency created before the documents it points at exist). Mapped
 * relation rows (mapping.ts): a plain default links the local document it names; a linked target
 * is written and linked through `link` (linked.ts); a reference the row read that cannot be linked
 * fails the event with an ApplyError naming the field and why.
 * `inline`: rich-text, Blocks and JSON values get their upload URLs and links rewritten (inline.ts).
 */
export async function translate(
  schema: SchemaPorts,
  uid: string,
  data: Snapshot,
  resolve: (ref: DocRef) => Promise<LocalRef | null>,
  files: Map<string, number>,
  opts: { relations: boolean; inline?: InlineRewriter | null; link?: Linker }
): Promise<Record<string, unknown>> {
  const model = schema.model(uid);
  if (!model) throw new ApplyError(`Content type ${uid} does not exist on this site`);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const attr = attributeOf(model, name);
    if (!attr || name === '__component') continue;
    const kind = fieldKind(name, attr);
    if (kind === 'scalar') {
      const inline = opts.inline ? inlineKindOf(attr) : null;
      out[name] = inline && opts.inline ? rewriteInline(inline, value, opts.inline) : value;
    } else if (kind === 'relation') {
      if (!opts.relations) continue;
      const morph = isMorph(attr);
      const resolved: Array<Record<string, unknown>> = [];
      const accepts = (localUid: string) => acceptsTarget(attr, localUid, schema.isStreamable);
      const push = ({ uid: localUid, ...target }: LocalRef) =>
        // A polymorphic relation names its target's (local) type; a plain one has it in the schema.
        resolved.push(morph ? { ...target, __type: localUid } : target);
      for (const v of listOf(value)) {
        if (isLocalTarget(v) && attr.target && !morph) {
          push({ uid: attr.target, documentId: v.__local }); // a mapping's plain default
        } else if (isLinkedTarget(v)) {
          if (!opts.link) throw new ApplyError(`${uid}.${name}: a linked document cannot be written here`);
          const inner = (u: string, d: Snapshot) => translate(schema, u, d, resolve, files, opts);
          for (const local of await opts.link.link(v, accepts, inner)) push(local);
        } else if (isDocRef(v)) {
          const local = await resolve(v);
          // The remote document is mirrored as another local type than the one this field points
          // at (a mapped subscription, or a hostile reference): there is nothing of the right type to link.
          if (local && accepts(local.uid)) push(local);
          else if (isStrictRef(v)) throw new ApplyError(unlinkable(uid, name, attr, v, local));
        }
      }
      out[name] = isToMany(attr) || morph ? { set: resolved } : resolved[0] ? { set: [resolved[0]] } : null;
    } else if (kind === 'media') {
      const ids = listOf(value)
        .filter(isFileRef)
        .map((f) => files.get(f.__file))
        .filter((id): id is number => id !== undefined);
      out[name] = isToMany(attr) ? ids : (ids[0] ?? null);
    } else if (kind === 'component') {
      const one = async (v: unknown) => (isObject(v) ? translate(schema, attr.component!, v, resolve, files, opts) : null);
      if (attr.repeatable) {
        if (value != null && !Array.isArray(value)) throw new ApplyError(`${uid}.${name} must be a list of components`);
        out[name] = await Promise.all(((value as unknown[]) ?? []).map(one));
      } else {
        out[name] = await one(value);
      }
    } else if (kind === 'dynamiczone') {
      if (value != null && !Array.isArray(value)) throw new ApplyError(`${uid}.${name} must be a list of dynamic zone entries`);
      const entries = [];
      for (const v of (value as unknown[]) ?? []) {
        const component = zoneComponent(attr, v);
        if (!component) throw new ApplyError(`${uid}.${name} holds a component this site does not allow there`);
        entries.push({ __component: component, ...(await translate(schema, component, v as Snapshot, resolve, files, opts)) });
      }
      out[name] = entries;
    }
  }
  return out;
}

/**
 * The references of snapshot data in local shape (mapped data after its mapping) that local model `uid` would keep, recursively
 * through components and dynamic zones: relation fields it has (only references `accept` lets
 * through) and media fields. Dependencies are looked for in these only: a reference hidden in a
 * field that does not exist here, or of a type the field does not target, must not make this site
 * fetch and create a document (the producer is not trusted).
 */
export function ownFields(
  schema: SchemaPorts,
  uid: string,
  data: unknown,
  accept: (attr: AttributeDef, ref: DocRef) => boolean
): Record<string, unknown> | null {
  const model = schema.model(uid);
  if (!model || !isObject(data)) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const attr = attributeOf(model, name);
    if (!attr) continue;
    const kind = fieldKind(name, attr);
    if (kind === 'relation') out[name] = listOf(value).filter((r) => isDocRef(r) && accept(attr, r));
    else if (kind === 'media') out[name] = value;
    else if (kind === 'component') out[name] = listOf(value).map((v) => ownFields(schema, attr.component!, v, accept));
    else if (kind === 'dynamiczone' && Array.isArray(value)) {
      out[name] = value.map((v) => {
        const component = zoneComponent(attr, v);
        return component ? ownFields(schema, component, v, accept) : null;
      });
    }
  }
  return out;
}
