/**
 * Consumer side, admin API: the Document Type Mapping body (POST /mappings, PUT /mappings/:id).
 * The service checks afterwards what needs this site: the local type and its fields exist, the
 * field kinds fit the mapping types, inner mappings exist, match and form no cycle, the name is free.
 */
import * as yup from 'yup';
import {
  bodyObject,
  boundedJson,
  boundedString,
  cappedList,
  FIELD_NAME_RE,
  firstDuplicate,
  LIMITS,
  MAPPING_NAME_RE,
  MAPPING_TYPES,
  TYPE_OR_COMPONENT_UID_RE,
  unknownFields,
} from './common';

const MAPPING_NAME_MESSAGE = 'mappingName must be 1-100 letters, digits, spaces, dots, dashes or underscores';
const REMOTE_TYPE_MESSAGE = 'remoteContentType must be a content type UID (api::name.name) or component UID (category.name)';
export const FIELD_MAPPINGS_MESSAGE = 'fieldMappings must be a list of 1 to 200 entries';
const MAPPING_TYPE_MESSAGE = `\${path} must be one of ${MAPPING_TYPES.join(', ')}`;

const COMPONENT_MAPPINGS_MESSAGE = `\${path} must be a list of at most ${LIMITS.filterKeys} mapping names`;

type MappingType = (typeof MAPPING_TYPES)[number];

/**
 * The mapping types a local field of this attribute type accepts, the usual one first. The service
 * (consumer/mappings.ts) checks rows with it and the admin's editor offers only these.
 * `none` on a component, dynamic zone or relation only sets a default value (no remote field).
 */
export const mappingTypesFor = (attributeType: string | undefined): MappingType[] => {
  if (attributeType === 'component' || attributeType === 'dynamiczone' || attributeType === 'relation') return [attributeType, 'none'];
  return ['none'];
};

const HOW: Record<string, string> = { component: ' with an inner mapping', dynamiczone: ' with componentMappings' };

/** Why a row's mapping type does not fit its local field (of `attributeType`), or null. */
export const mappingTypeProblem = (
  localField: string,
  attributeType: string,
  mappingType: MappingType,
  hasRemoteField: boolean
): string | null => {
  const usual = mappingTypesFor(attributeType)[0];
  if (!mappingTypesFor(attributeType).includes(mappingType)) {
    const what = { component: 'a component', dynamiczone: 'a dynamic zone', relation: 'a relation' }[mappingType as string] ?? 'a plain';
    return `${localField} is not ${what} field (a ${attributeType}; use mappingType "${usual}")`;
  }
  if (mappingType === 'none' && usual !== 'none' && hasRemoteField)
    return `${localField} is a ${attributeType}; use mappingType "${usual}"${HOW[usual] ?? ''}`;
  return null;
};

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

const isPlain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
/** A local document of a relation row's default: its documentId (the service also checks it exists; a number never does). */
const isDocumentId = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)) || Number.isSafeInteger(v);

/**
 * What a relation row needs (engine/mapping.ts): a default is the documentId of a local document
 * (or a list of them); with an inner mapping (a linked document, engine/apply/linked.ts) its
 * filters name fields of the producer's document and take plain values (a field of the outer
 * document, or a fixed value), and without filters its remote field's references name the documents.
 */
export const relationRowProblem = (
  remoteField: unknown,
  mapping: unknown,
  filters: Record<string, unknown> | null | undefined,
  defaultValue: unknown
): string | null => {
  if (
    !isEmpty(defaultValue) &&
    !(Array.isArray(defaultValue) ? defaultValue.length > 0 && defaultValue.every(isDocumentId) : isDocumentId(defaultValue))
  )
    return 'a relation default value is the documentId of a local document (or a list of them)';
  if (isEmpty(mapping)) return null;
  const entries = Object.entries(filters ?? {});
  if (!entries.length && isEmpty(remoteField))
    return 'a relation with an inner mapping needs remoteValueFilters or a remoteField holding references';
  const badKey = entries.find(([k]) => !FIELD_NAME_RE.test(k));
  if (badKey) return `remoteValueFilters: ${badKey[0].slice(0, LIMITS.fieldName)} is not a field name`;
  const badValue = entries.find(([, v]) => !isPlain(v));
  if (badValue)
    return `remoteValueFilters.${badValue[0].slice(0, LIMITS.fieldName)} must be a field of the remote document or a fixed text, number or boolean`;
  return null;
};

export const fieldMappingSchema = yup
  .object({
    localField: boundedString(LIMITS.fieldName, '${path} must be a field name').required('${path} must be a field name'),
    /** Null or empty: not mapped, the field takes `defaultValue`. */
    remoteField: boundedString(LIMITS.fieldName, '${path} must be a field name')
      .nullable()
      .matches(FIELD_NAME_RE, { message: '${path} must be a field name', excludeEmptyString: true }),
    defaultValue: boundedJson(LIMITS.json),
    mappingType: boundedString(20, MAPPING_TYPE_MESSAGE).oneOf([...MAPPING_TYPES, undefined], MAPPING_TYPE_MESSAGE),
    /** mappingName of the inner mapping (component / relation). */
    mapping: boundedString(LIMITS.mappingName, '${path} must be a mapping name').nullable(),
    /** Dynamic zones: mappingNames of component mappings, one per remote component. */
    componentMappings: yup
      .array()
      .of(boundedString(LIMITS.mappingName, '${path} must be a mapping name').required('${path} must be a mapping name'))
      .nullable()
      .typeError(COMPONENT_MAPPINGS_MESSAGE)
      .max(LIMITS.filterKeys, COMPONENT_MAPPINGS_MESSAGE),
    remoteValueFilters: yup
      .object()
      .nullable()
      .typeError('${path} must be an object of field: value')
      .test(
        'filter-size',
        `\${path} must be an object of at most ${LIMITS.filterKeys} field: value pairs (at most ${LIMITS.json} characters as JSON)`,
        (v) => !v || (Object.keys(v).length <= LIMITS.filterKeys && JSON.stringify(v).length <= LIMITS.json)
      ),
  })
  .noUnknown(true, unknownFields())
  .typeError('${path} must be an object')
  .test('structure', 'field mapping', function structure(fm) {
    if (!fm || typeof fm.localField !== 'string') return true;
    const field = fm.localField.slice(0, LIMITS.fieldName);
    const type = fm.mappingType ?? 'none';
    const noDefault = fm.defaultValue === undefined || fm.defaultValue === null;
    // A linked row (relation + inner mapping) may find its document by filters alone (relationRowProblem).
    const linked = type === 'relation' && !isEmpty(fm.mapping);
    if (isEmpty(fm.remoteField) && noDefault && !linked)
      return this.createError({ message: `${this.path}: ${field} needs a remoteField or a defaultValue` });
    if (type === 'component' && isEmpty(fm.mapping))
      return this.createError({ message: `${this.path}: a component mapping needs an inner mapping` });
    if (type === 'relation' && isEmpty(fm.mapping) && noDefault)
      return this.createError({ message: `${this.path}: a relation mapping needs an inner mapping or a default value` });
    if (type === 'relation') {
      const problem = relationRowProblem(fm.remoteField, fm.mapping, fm.remoteValueFilters, fm.defaultValue);
      if (problem) return this.createError({ message: `${this.path}: ${problem}` });
    }
    if (type !== 'dynamiczone' && (fm.componentMappings?.length ?? 0) > 0)
      return this.createError({ message: `${this.path}: componentMappings are for dynamic zone mappings only` });
    if (type === 'dynamiczone' && !isEmpty(fm.mapping))
      return this.createError({ message: `${this.path}: a dynamic zone mapping lists its componentMappings, not one inner mapping` });
    return true;
  });

export const mappingSchema = bodyObject({
  mappingName: boundedString(LIMITS.mappingName, MAPPING_NAME_MESSAGE)
    .required(MAPPING_NAME_MESSAGE)
    .matches(MAPPING_NAME_RE, MAPPING_NAME_MESSAGE),
  localContentType: boundedString(LIMITS.uid, 'localContentType must be a content type or component UID').required(
    'localContentType must be a content type or component UID'
  ),
  remoteContentType: boundedString(LIMITS.uid, REMOTE_TYPE_MESSAGE)
    .required(REMOTE_TYPE_MESSAGE)
    .matches(TYPE_OR_COMPONENT_UID_RE, REMOTE_TYPE_MESSAGE),
  fieldMappings: cappedList(
    LIMITS.list,
    FIELD_MAPPINGS_MESSAGE,
    yup
      .array()
      .of(fieldMappingSchema)
      .typeError(FIELD_MAPPINGS_MESSAGE)
      .required(FIELD_MAPPINGS_MESSAGE)
      .min(1, FIELD_MAPPINGS_MESSAGE)
      .test('unique-local-field', 'a local field is mapped twice', function unique(list) {
        const dup = firstDuplicate((list ?? []) as Array<{ localField?: unknown } | null>, (fm) => fm?.localField);
        return dup
          ? this.createError({
              message: `fieldMappings[${dup.index}].localField ${String(dup.key).slice(0, LIMITS.fieldName)} is mapped twice`,
            })
          : true;
      })
  ),
});
