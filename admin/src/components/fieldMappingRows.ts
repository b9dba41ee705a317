/**
 * The rows of the field-mapping table: their shape, how a stored value is shown and typed back,
 * and the mapping type an attribute usually needs.
 */
import { mappingTypesFor } from '../../../server/src/shared/validation/mappings';

import type { FieldMapping, StreamableContentType } from '../api/contracts';

export type Attribute = StreamableContentType['attributes'][number];
export type MappingType = FieldMapping['mappingType'];

/** One row of the field-mapping table, with the free-text inputs kept as typed. */
export interface FieldMappingRow {
  key: string;
  localField: string;
  /** Empty: not mapped, the field takes the default value. */
  remoteField: string;
  /** As typed; converted by `parseDefaultValue` on save. */
  defaultValue: string;
  mappingType: MappingType;
  mapping: string | null;
  /** Dynamic zones: the component mappings (mappingNames), one per remote component. */
  componentMappings: string[];
  /** JSON object as typed (relation mappings only). */
  remoteValueFilters: string;
}

export const MAPPING_TYPE_LABELS: Record<MappingType, string> = {
  none: 'None (plain value)',
  component: 'Component (child table)',
  relation: 'Relation (document)',
  dynamiczone: 'Dynamic zone (per component)',
};
/** Attribute types whose default value is text, never parsed as JSON. */
const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'password']);

let rowCounter = 0;
export const nextFieldRowKey = () => `field-${++rowCounter}`;

/**
 * The mapping types the server accepts for a local field of this attribute (the same rule,
 * shared/validation/mappings.ts), the usual one first. No attribute picked yet: plain only.
 */
export const mappingTypesOf = (attribute: Attribute | undefined): MappingType[] => mappingTypesFor(attribute?.type);

/** The mapping type an attribute usually needs: components, dynamic zones and relations their own; media and the rest plain. */
export const suggestMappingType = (attribute: Attribute | undefined): MappingType => mappingTypesOf(attribute)[0];

/** A stored default value as the text input shows it. */
export const formatDefaultValue = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/**
 * The typed default value: empty → null; text attributes keep the text; others parse JSON
 * (`12`, `true`, `{"a":1}`) and fall back to the text when it is not JSON.
 */
export const parseDefaultValue = (text: string, attribute: Attribute | undefined): unknown => {
  if (text === '') return null;
  if (attribute && TEXT_TYPES.has(attribute.type)) return text;
  // A relation's default is a local documentId (text), or a JSON list of them.
  if (attribute?.type === 'relation' && !text.trim().startsWith('[')) return text.trim();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** The remote value filters as an object, or an error message key when the text is not a JSON object. */
export const parseFilters = (text: string): { value: Record<string, unknown> | null; invalid: boolean } => {
  if (!text.trim()) return { value: null, invalid: false };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { value: parsed as Record<string, unknown>, invalid: false };
    }
  } catch {
    /* reported below */
  }
  return { value: null, invalid: true };
};
