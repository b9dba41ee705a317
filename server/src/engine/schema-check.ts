/**
 * Schema check before streaming (issue 16, point 8): compares the producer's schema of a subscribed
 * type with the local type the stream writes to (directly, or through a Document Type Mapping) and
 * names what will go wrong before events start failing. Strapi-free.
 *
 * INVARIANTS
 * - Only fields that travel in a stream are compared (engine/schema.ts `fieldKind`: no system,
 *   private or password fields, no inverse relation sides): a field that never travels can not fail.
 * - Without a mapping, fields match by name (what the apply engine does); with one, by its rows
 *   (engine/mapping.ts `applyMapping`): a remote field no row reads is dropped, a local field no row
 *   lists keeps its schema default.
 * - The report is deterministic (issues in the order of the remote, then the local attributes) so
 *   that it can be compared and hashed.
 */
import { createHash } from 'crypto';
import type { FieldMapping, SchemaIssue, SchemaReport, StreamedField } from '../shared/contracts';
import { fieldKind, type ModelDef } from './schema';
import type { MappingDef } from './mapping';

/** The fields of a model that travel in a stream, as the producer describes them (GET /schema). */
export function streamedFields(model: ModelDef): StreamedField[] {
  return Object.entries(model.attributes)
    .filter(([name, a]) => fieldKind(name, a) !== 'skip')
    .map(([name, a]) => ({
      name,
      type: a.type,
      ...(a.relation ? { relation: a.relation } : {}),
      ...(a.target ? { target: a.target } : {}),
      ...(a.component ? { component: a.component } : {}),
      ...(a.components ? { components: [...a.components].sort() } : {}),
      ...(a.repeatable ? { repeatable: true } : {}),
      ...(a.multiple ? { multiple: true } : {}),
      ...(a.required ? { required: true } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A short stable hash of streamed fields (per type, or of several types): changes when any field does. */
export function schemaHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Scalar types whose values a local field of another type takes unchanged (remote → accepted locally). */
const WIDENS: Record<string, string[]> = {
  string: ['text', 'richtext', 'blocks'],
  text: ['richtext'],
  email: ['string', 'text'],
  uid: ['string', 'text'],
  enumeration: ['string', 'text'],
  integer: ['biginteger', 'float', 'decimal'],
  biginteger: ['decimal'],
  float: ['decimal'],
  datetime: ['timestamp'],
  timestamp: ['datetime'],
};

const describe = (f: StreamedField): string => {
  if (f.type === 'relation') return `relation to ${f.target ?? 'any type'}${f.relation ? ` (${f.relation})` : ''}`;
  if (f.type === 'component') return `component ${f.component ?? '?'}${f.repeatable ? ' (repeatable)' : ''}`;
  if (f.type === 'media') return f.multiple ? 'media (multiple)' : 'media';
  return f.type;
};

/**
 * Why a remote field's values do not fit a local field, or null when they do. `targetOf` gives the
 * local type a remote relation target is written to (its subscription's local type, or itself).
 */
function mismatch(remote: StreamedField, local: StreamedField, targetOf: (uid: string) => string): string | null {
  if (remote.type === local.type) {
    if (remote.type === 'relation' && remote.target && local.target && targetOf(remote.target) !== local.target)
      return `relation to ${remote.target} remotely, to ${local.target} locally`;
    if (remote.type === 'component' && remote.component !== local.component)
      return `component ${remote.component ?? '?'} remotely, ${local.component ?? '?'} locally`;
    if (
      (remote.type === 'component' && remote.repeatable && !local.repeatable) ||
      (remote.type === 'media' && remote.multiple && !local.multiple)
    )
      return `${describe(remote)} remotely, ${describe(local)} locally: only one value fits`;
    return null;
  }
  if (WIDENS[remote.type]?.includes(local.type)) return null;
  return `${describe(remote)} remotely, ${describe(local)} locally`;
}

/** What one subscription checks: the remote and local types' streamed fields, and its mapping. */
export interface SchemaCheckInput {
  remoteContentType: string;
  localContentType: string;
  /** The producer's fields of the remote type; null: the producer does not describe it (not streamable there). */
  remote: StreamedField[] | null;
  /** This site's fields of the local type; null: no such local type. */
  local: StreamedField[] | null;
  mapping: MappingDef | null;
  /** The local type a remote relation target is written to (default: the same UID). */
  targetOf?: (remoteUid: string) => string;
}

const emptyDefault = (fm: FieldMapping) => fm.defaultValue === undefined || fm.defaultValue === null || fm.defaultValue === '';

/**
 * The issues of one subscription, in order: remote fields with no local counterpart, fields of a
 * different type, local required fields nothing fills (and, with a mapping, rows naming fields
 * that do not exist). An empty list: the stream fits.
 */
export function checkSchema(input: SchemaCheckInput): SchemaIssue[] {
  const { remote, local, mapping } = input;
  if (!remote) return [{ kind: 'remote-type-unknown', message: `The producer does not stream ${input.remoteContentType}` }];
  if (!local) return [{ kind: 'local-type-unknown', message: `This site has no content type ${input.localContentType}` }];
  const targetOf = input.targetOf ?? ((uid: string) => uid);
  const remoteBy = new Map(remote.map((f) => [f.name, f]));
  const localBy = new Map(local.map((f) => [f.name, f]));
  const issues: SchemaIssue[] = [];

  // Pairs remote field → local field, as the apply engine will write them.
  const pairs: Array<{ remote: StreamedField; local: StreamedField }> = [];
  const filled = new Set<string>();
  if (!mapping) {
    for (const r of remote) {
      const l = localBy.get(r.name);
      if (!l) {
        issues.push({
          kind: 'no-local-field',
          remoteField: r.name,
          remoteType: describe(r),
          message: `Remote field "${r.name}" (${describe(r)}) has no local counterpart: its values are dropped`,
        });
        continue;
      }
      pairs.push({ remote: r, local: l });
      filled.add(l.name);
    }
  } else {
    const read = new Set<string>();
    for (const fm of mapping.fieldMappings) {
      const l = localBy.get(fm.localField);
      if (!l) {
        issues.push({
          kind: 'no-local-field',
          localField: fm.localField,
          message: `Mapping "${mapping.mappingName}" writes local field "${fm.localField}", which ${input.localContentType} does not have`,
        });
        continue;
      }
      if (fm.remoteField === null) {
        if (!emptyDefault(fm)) filled.add(l.name);
        continue;
      }
      read.add(fm.remoteField);
      const r = remoteBy.get(fm.remoteField);
      if (!r) {
        issues.push({
          kind: 'no-remote-field',
          remoteField: fm.remoteField,
          localField: l.name,
          message: `Mapping "${mapping.mappingName}" reads remote field "${fm.remoteField}", which the producer's ${input.remoteContentType} does not have`,
        });
        if (!emptyDefault(fm)) filled.add(l.name);
        continue;
      }
      filled.add(l.name);
      // Inner mappings reshape components, zones and relations: their own check, not a type compare here.
      if (fm.mappingType === 'none') pairs.push({ remote: r, local: l });
    }
    for (const r of remote)
      if (!read.has(r.name))
        issues.push({
          kind: 'no-local-field',
          remoteField: r.name,
          remoteType: describe(r),
          message: `Remote field "${r.name}" (${describe(r)}) is not mapped to any local field: its values are dropped`,
        });
  }

  for (const { remote: r, local: l } of pairs) {
    const why = mismatch(r, l, targetOf);
    if (why)
      issues.push({
        kind: 'type-mismatch',
        remoteField: r.name,
        localField: l.name,
        remoteType: describe(r),
        localType: describe(l),
        message: `"${r.name}" → "${l.name}": ${why}`,
      });
  }
  for (const l of local)
    if (l.required && !filled.has(l.name))
      issues.push({
        kind: 'required-unfilled',
        localField: l.name,
        localType: describe(l),
        message: `Required local field "${l.name}" (${describe(l)}) is filled by nothing: every created document fails`,
      });
  return issues;
}

/** The report of one subscription (`issues` empty: fits). */
export function subscriptionReport(input: SchemaCheckInput, remoteHash: string | null): SchemaReport {
  return {
    contentType: input.localContentType,
    remoteContentType: input.remoteContentType,
    mapping: input.mapping?.mappingName ?? null,
    remoteHash,
    issues: checkSchema(input),
  };
}
